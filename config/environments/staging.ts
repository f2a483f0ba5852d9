import { EnvironmentInput } from '../schema';
import { STATE_BUCKET } from '../state-bucket';
import { STANDARD_PROFILES } from '../profiles';

/** A production-shaped rehearsal at a fraction of the size. */
export const staging: EnvironmentInput = {
  name: 'staging',
  tier: 'staging',
  region: 'us-west-2',
  state: { backend: 's3', ...STATE_BUCKET },
  network: { vpcCidr: '10.20.0.0/16' },
  cluster: {
    admins: ['arn:aws:iam::123456789012:role/HubAdmin'],
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
    authentication: {
      type: 'oidc',
      clientId: 'jupyterhub-staging',
      clientSecret: { source: 'ssm', name: '/hub-staging/oauth-client-secret' },
      authorizeUrl: 'https://login.example.org/oauth2/authorize',
      tokenUrl: 'https://login.example.org/oauth2/token',
      userdataUrl: 'https://login.example.org/oauth2/userinfo',
      allowedGroups: ['jupyterhub-users'],
    },
    admins: { groups: ['jupyterhub-admins'] },
    instructors: { groups: ['jupyterhub-instructors'] },
    placeholders: 1,
  },
};
