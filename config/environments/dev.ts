import { EnvironmentInput } from '../schema';
import { ACCOUNT_ID } from '../state-bucket';
import { STANDARD_PROFILES } from '../profiles';

/** A developer's sandbox: local state, one NAT gateway, the smallest pools. */
export const dev: EnvironmentInput = {
  name: 'dev',
  tier: 'development',
  account: ACCOUNT_ID,
  region: 'us-west-2',
  state: { backend: 'local' },
  network: { vpcCidr: '10.10.0.0/16', natGateways: 'single' },
  cluster: {
    admins: ['arn:aws:iam::123456789012:role/HubAdmin'],
    // A laptop reaches the private API through an SSM port forward (README, deploying).
    ssmPortForward: {},
    logRetentionDays: 14,
  },
  nodePools: {
    core: { instanceType: 'm5.large', minSize: 1, maxSize: 2 },
    user: {
      user: { instanceType: 'm5.2xlarge', minSize: 0, maxSize: 2 },
      large: { instanceType: 'm5.4xlarge', minSize: 0, maxSize: 1 },
    },
    gpu: { gpu: { instanceType: 'g4dn.xlarge', minSize: 0, maxSize: 1 } },
  },
  hub: {
    peakUsers: 10,
    profiles: STANDARD_PROFILES,
    // Reached only from inside the VPC (an internal NLB), so one generated shared password
    // (aws secretsmanager get-secret-value --secret-id hub-dev/shared-password) and no admins.
    publiclyReachable: false,
    domain: { name: 'dev.hub.example.org', hostedZone: 'hub.example.org' },
    authentication: { type: 'shared-password' },
    instructors: { users: ['instructor'] },
  },
};
