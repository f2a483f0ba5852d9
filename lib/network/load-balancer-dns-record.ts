import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { DataKubernetesServiceV1 } from '@cdktf/provider-kubernetes/lib/data-kubernetes-service-v1';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

export interface LoadBalancerDnsRecordProps {
  /** Route 53 zone id of the name's zone. */
  readonly zoneId: string;
  /** The DNS name, e.g. the hub's. */
  readonly name: string;
  /** Namespace and name of the LoadBalancer Service whose NLB serves the hub. */
  readonly namespace: string;
  readonly serviceName: string;
  /** What creates the Service (the release); the lookup waits for it. */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * Points a name (the hub's, Grafana's, the metrics receiver's) at the NLB that Kubernetes
 * created for a LoadBalancer Service, read back from the Service's status after it is
 * applied. No external-dns: one record, owned by Terraform, removed with the platform
 * stack before the NLB goes.
 * A CNAME, since the NLB's address can change when the Service is recreated and its
 * zone id is not in the Service status (the name is never a zone apex; config checks it).
 */
export class LoadBalancerDnsRecord extends Construct {
  readonly record: Route53Record;

  constructor(scope: Construct, id: string, props: LoadBalancerDnsRecordProps) {
    super(scope, id);
    const service = new DataKubernetesServiceV1(this, 'service', {
      metadata: { name: props.serviceName, namespace: props.namespace },
      dependsOn: props.dependsOn,
    });
    this.record = new Route53Record(this, 'record', {
      zoneId: props.zoneId,
      name: props.name,
      type: 'CNAME',
      ttl: 300,
      records: [service.status.get(0).loadBalancer.get(0).ingress.get(0).hostname],
    });
  }
}
