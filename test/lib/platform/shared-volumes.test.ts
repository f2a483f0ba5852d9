import { TerraformLocal } from 'cdktf';
import { SharedVolumes } from '../../../lib/platform/shared-volumes';
import { probeStack, synthJson } from '../../support/constructs';
import { StackJson, resourcesOf } from '../../support/synth';

describe('SharedVolumes', () => {
  const stack = probeStack();
  const driver = new TerraformLocal(stack, 'driver', 'stands for the EFS CSI driver release');
  new SharedVolumes(stack, 'volumes', {
    fileSystemId: 'fs-0123456789abcdef0',
    accessPointIds: { home: 'fsap-0home', shared: 'fsap-0shared' },
    dependsOn: [driver],
  });
  const json = synthJson(stack);
  const only = (type: string) => resourcesOf(json, type).map(([, r]) => r);
  const byName = (type: string, name: string) =>
    only(type).find((r) => r.metadata.name === name) as StackJson;

  it('creates the hub namespace', () => {
    expect(only('kubernetes_namespace_v1').map((n) => n.metadata.name)).toEqual(['jupyterhub']);
  });

  it.each([
    ['home', 'fsap-0home'],
    ['shared', 'fsap-0shared'],
  ])('binds claim %s to a retained ReadWriteMany volume on its access point', (claim, accessPoint) => {
    const volume = byName('kubernetes_persistent_volume_v1', `jupyterhub-${claim}`);
    expect(volume.spec[0]).toMatchObject({
      access_modes: ['ReadWriteMany'],
      persistent_volume_reclaim_policy: 'Retain',
      storage_class_name: 'efs',
      persistent_volume_source: {
        csi: { driver: 'efs.csi.aws.com', volume_handle: `fs-0123456789abcdef0::${accessPoint}` },
      },
    });
    const pvc = byName('kubernetes_persistent_volume_claim_v1', claim);
    expect(pvc.metadata.namespace).toMatch(/^\$\{kubernetes_namespace_v1\..+\.metadata\[0\]\.name\}$/);
    expect(pvc.spec).toMatchObject({ access_modes: ['ReadWriteMany'], storage_class_name: 'efs' });
    // Bound to this volume by name, never to a freshly provisioned one.
    expect(pvc.spec.volume_name).toMatch(/^\$\{kubernetes_persistent_volume_v1\..+\.metadata\[0\]\.name\}$/);
    expect(pvc.spec.volume_name).toContain(`${claim}-volume`);
  });

  it('makes encrypted gp3 EBS the default class, created in the AZ of its first user', () => {
    const classes = only('kubernetes_storage_class_v1');
    const defaults = classes.filter(
      (c) => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true',
    );
    expect(defaults.map((c) => c.metadata.name)).toEqual(['gp3']);
    expect(defaults[0]).toMatchObject({
      storage_provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true' },
      volume_binding_mode: 'WaitForFirstConsumer',
      reclaim_policy: 'Delete',
    });
  });

  it('provisions dynamic EFS volumes as the notebook user under /dynamic', () => {
    expect(byName('kubernetes_storage_class_v1', 'efs')).toMatchObject({
      storage_provisioner: 'efs.csi.aws.com',
      parameters: {
        provisioningMode: 'efs-ap',
        fileSystemId: 'fs-0123456789abcdef0',
        uid: '1000',
        gid: '100',
        directoryPerms: '700',
        basePath: '/dynamic',
      },
    });
  });

  it('mounts every EFS volume with TLS and IAM authorization, which the file-system policy requires', () => {
    const volumes = only('kubernetes_persistent_volume_v1');
    expect(volumes).toHaveLength(2);
    for (const volume of volumes) expect(volume.spec[0].mount_options).toEqual(['tls', 'iam']);
    expect(byName('kubernetes_storage_class_v1', 'efs').mount_options).toEqual(['tls', 'iam']);
  });

  it('waits for the CSI driver before anything that mounts EFS', () => {
    const mountsEfs = [
      ...only('kubernetes_persistent_volume_v1'),
      byName('kubernetes_storage_class_v1', 'efs'),
    ];
    for (const resource of mountsEfs) expect(resource.depends_on).toEqual(['local.driver']);
  });
});
