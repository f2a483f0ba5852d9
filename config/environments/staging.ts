import { EnvironmentInput } from '../schema';
import { ACCOUNT_ID, stateBackend } from '../state-bucket';
import { STANDARD_PROFILES } from '../profiles';
import { researchCloudAccess } from '../research-login';

/** A production-shaped rehearsal at a fraction of the size. */
export const staging: EnvironmentInput = {
  name: 'staging',
  tier: 'staging',
  account: ACCOUNT_ID,
  region: 'us-west-2',
  state: stateBackend('staging'),
  network: { vpcCidr: '10.20.0.0/16' },
  cluster: {
    admins: ['arn:aws:iam::123456789012:role/HubAdmin'],
    // The research group's VPN, routed to the VPC (an example range, overlapping no VPC in
    // config/: set yours).
    privateEndpointCidrs: ['10.250.0.0/16'],
  },
  nodePools: {
    core: { instanceType: 'm5.xlarge', minSize: 1, maxSize: 2 },
    user: {
      user: { instanceType: 'm5.2xlarge', minSize: 0, maxSize: 4 },
      large: { instanceType: 'm5.4xlarge', minSize: 0, maxSize: 2 },
    },
    gpu: { gpu: { instanceType: 'g4dn.xlarge', minSize: 0, maxSize: 2 } },
  },
  hub: {
    peakUsers: 30,
    profiles: STANDARD_PROFILES,
    domain: { name: 'staging.hub.example.org', hostedZone: 'hub.example.org' },
    ...researchCloudAccess('jupyterhub-staging', { source: 'ssm', name: '/hub-staging/oauth-client-secret' }),
    placeholders: 1,
  },
};
