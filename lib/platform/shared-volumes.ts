import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { PersistentVolumeClaimV1 } from '@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1';
import { PersistentVolumeV1 } from '@cdktf/provider-kubernetes/lib/persistent-volume-v1';
import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import {
  EBS_STORAGE_CLASS,
  EFS_STORAGE_CLASS,
  HOME_CLAIM,
  HUB_NAMESPACE,
  NOTEBOOK_GID,
  NOTEBOOK_UID,
  SHARED_CLAIM,
} from '../hub-storage';
import { EFS_DYNAMIC_BASE_PATH, EFS_MOUNT_OPTIONS } from '../storage/shared-file-system';

/** CSI driver names. */
const EFS_DRIVER = 'efs.csi.aws.com';
const EBS_DRIVER = 'ebs.csi.aws.com';

export interface SharedVolumesProps {
  readonly fileSystemId: string;
  /** Access point ids by claim name (`home`, `shared`). */
  readonly accessPointIds: Readonly<Record<string, string>>;
  /** The EFS CSI driver release: volumes cannot mount before it runs. @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The storage Kubernetes sees: the hub namespace; the `home` and `shared` claims bound to
 * PersistentVolumes on the EFS access points (ReadWriteMany: every user's server mounts
 * them; which subdirectory and whether read-only is the JupyterHub release's choice); an
 * EFS StorageClass for dynamic volumes; and encrypted gp3 EBS as the default class.
 */
export class SharedVolumes extends Construct {
  readonly namespace: NamespaceV1;
  readonly claims: Readonly<Record<string, PersistentVolumeClaimV1>>;
  readonly efsStorageClass: StorageClassV1;
  readonly defaultStorageClass: StorageClassV1;

  constructor(scope: Construct, id: string, props: SharedVolumesProps) {
    super(scope, id);
    this.namespace = new NamespaceV1(this, 'namespace', { metadata: { name: HUB_NAMESPACE } });

    this.defaultStorageClass = new StorageClassV1(this, 'gp3', {
      metadata: {
        name: EBS_STORAGE_CLASS,
        annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
      },
      storageProvisioner: EBS_DRIVER,
      parameters: { type: 'gp3', encrypted: 'true', 'csi.storage.k8s.io/fstype': 'ext4' },
      reclaimPolicy: 'Delete',
      // Created in the AZ of the pod that first uses it (the hub's core node).
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
    });

    this.efsStorageClass = new StorageClassV1(this, 'efs', {
      metadata: { name: EFS_STORAGE_CLASS },
      storageProvisioner: EFS_DRIVER,
      parameters: {
        provisioningMode: 'efs-ap',
        fileSystemId: props.fileSystemId,
        directoryPerms: '700',
        uid: String(NOTEBOOK_UID),
        gid: String(NOTEBOOK_GID),
        basePath: EFS_DYNAMIC_BASE_PATH,
      },
      // IAM authorization: the file-system policy admits only the node role.
      mountOptions: [...EFS_MOUNT_OPTIONS],
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
      dependsOn: props.dependsOn,
    });

    const claims: Record<string, PersistentVolumeClaimV1> = {};
    for (const claim of [HOME_CLAIM, SHARED_CLAIM]) {
      const volume = new PersistentVolumeV1(this, `${claim}-volume`, {
        metadata: { name: `${HUB_NAMESPACE}-${claim}` },
        spec: [
          {
            // EFS has no size; Kubernetes requires one.
            capacity: { storage: '1Ti' },
            accessModes: ['ReadWriteMany'],
            // Deleting the claim must never delete users' files.
            persistentVolumeReclaimPolicy: 'Retain',
            storageClassName: EFS_STORAGE_CLASS,
            mountOptions: [...EFS_MOUNT_OPTIONS],
            persistentVolumeSource: {
              csi: {
                driver: EFS_DRIVER,
                volumeHandle: `${props.fileSystemId}::${props.accessPointIds[claim]}`,
              },
            },
          },
        ],
        dependsOn: props.dependsOn,
      });
      claims[claim] = new PersistentVolumeClaimV1(this, `${claim}-claim`, {
        metadata: { name: claim, namespace: this.namespace.metadata.name },
        spec: {
          accessModes: ['ReadWriteMany'],
          storageClassName: EFS_STORAGE_CLASS,
          // Bind to this volume, never to a freshly provisioned one.
          volumeName: volume.metadata.name,
          resources: { requests: { storage: '1Ti' } },
        },
      });
    }
    this.claims = claims;
  }
}
