import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

/** The Kubernetes object every user server pod names as its owner. */
export interface ServerOwner {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Unknown until apply: a Terraform reference. */
  readonly uid: string;
}

export interface UserServerOwnerProps {
  readonly namespace: string;
  /** @default 'user-servers' */
  readonly name?: string;
  /** What must outlive the servers: the namespace and the home and shared claims. @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A ConfigMap that owns every user server, so that destroying the platform stack stops
 * them. User pods belong to KubeSpawner, not helm, and the chart leaves them running when
 * the hub stops; while they run, the `home` and `shared` claims keep their protection
 * finalizer and their deletion times out. The hub adds an owner reference to this object
 * on each new server pod (values/jupyterhub/files/server_owner.py). Terraform destroys it
 * after the JupyterHub release (which depends on it) and before the claims (which it
 * depends on), and Kubernetes' garbage collector then deletes every server pod.
 *
 * Deleting this ConfigMap by hand stops every server: it is the hub's off switch.
 */
export class UserServerOwner extends Construct {
  readonly configMap: ConfigMapV1;
  readonly owner: ServerOwner;

  constructor(scope: Construct, id: string, props: UserServerOwnerProps) {
    super(scope, id);
    const name = props.name ?? 'user-servers';
    this.configMap = new ConfigMapV1(this, 'config-map', {
      metadata: {
        name,
        namespace: props.namespace,
        annotations: {
          'hub.jupyter.org/purpose': 'Owner of every user server: deleting it stops them all',
        },
      },
      data: { purpose: 'Every notebook server pod names this ConfigMap as its owner.' },
      dependsOn: props.dependsOn,
    });
    this.owner = { apiVersion: 'v1', kind: 'ConfigMap', name, uid: this.configMap.metadata.uid };
  }
}
