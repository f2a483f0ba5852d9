import { EnvironmentInput } from '../schema';
import { ACCOUNT_ID, stateBackend } from '../state-bucket';
import { STANDARD_PROFILES } from '../profiles';
import { researchCloudAccess } from '../research-login';

/** The research group's everyday hub. */
export const prod: EnvironmentInput = {
  name: 'prod',
  tier: 'production',
  account: ACCOUNT_ID,
  region: 'us-west-2',
  state: stateBackend('prod'),
  network: { vpcCidr: '10.30.0.0/16' },
  cluster: {
    admins: ['arn:aws:iam::123456789012:role/HubAdmin'],
    // The research group's VPN, routed to the VPC (an example range, overlapping no VPC in
    // config/: set yours).
    privateEndpointCidrs: ['10.250.0.0/16'],
    logRetentionDays: 365,
  },
  nodePools: {
    core: { instanceType: 'm5.xlarge', minSize: 2, maxSize: 4 },
    user: {
      user: { instanceType: 'm5.2xlarge', minSize: 0, maxSize: 10 },
      large: { instanceType: 'm5.4xlarge', minSize: 0, maxSize: 4 },
    },
    gpu: { gpu: { instanceType: 'g4dn.xlarge', minSize: 0, maxSize: 4 } },
  },
  hub: {
    peakUsers: 100,
    profiles: STANDARD_PROFILES,
    domain: { name: 'jupyter.hub.example.org', hostedZone: 'hub.example.org' },
    ...researchCloudAccess('jupyterhub-prod', {
      source: 'secrets-manager',
      name: 'hub-prod/oauth-client-secret',
    }),
    placeholders: 2,
    // 150 default-size servers fill the user pool at max size; see config/hub-checks.ts.
    activeServerLimit: 150,
  },
  cost: {
    // Every day of a month, sessions of 8 hours; home directories and data about 10 GiB each.
    plan: { days: 30, activeHoursPerDay: 8, efsGiBPerUser: 10 },
    budget: { monthlyUsd: 2500, notify: { emails: ['hub-admins@example.org'] } },
  },
};
