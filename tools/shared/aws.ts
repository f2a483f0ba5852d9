/**
 * AWS clients for the operator tools, made in one place: credentials from the SDK's usual
 * chain, the region given (an environment's), and AWS_ENDPOINT_URL, which the SDK reads
 * itself, to point every client elsewhere (the tests point it at moto's server mode).
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EFSClient } from '@aws-sdk/client-efs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';

export interface AwsClients {
  readonly region: string;
  readonly ec2: EC2Client;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly efs: EFSClient;
  readonly logs: CloudWatchLogsClient;
}

/** The clients for `region`; `destroy()` them when done so the process can exit. */
export function awsClients(region: string): AwsClients & { destroy(): void } {
  const config = { region, maxAttempts: 3 };
  const clients = {
    region,
    ec2: new EC2Client(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    efs: new EFSClient(config),
    logs: new CloudWatchLogsClient(config),
  };
  return {
    ...clients,
    destroy() {
      clients.ec2.destroy();
      clients.elbv2.destroy();
      clients.efs.destroy();
      clients.logs.destroy();
    },
  };
}
