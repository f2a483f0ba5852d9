/**
 * The research cloud's login, shared by staging and prod: its OIDC provider with a groups
 * claim (the service guide's group-based access), one OAuth client per environment, and
 * the groups that hold the admin and instructor roles.
 */
import { ClientSecretInput } from './hub-schema';
import { EnvironmentInput } from './schema';

type HubInput = EnvironmentInput['hub'];

export function researchCloudAccess(
  clientId: string,
  clientSecret: ClientSecretInput,
): Pick<HubInput, 'authentication' | 'admins' | 'instructors'> {
  return {
    authentication: {
      type: 'oidc',
      clientId,
      clientSecret,
      authorizeUrl: 'https://login.example.org/oauth2/authorize',
      tokenUrl: 'https://login.example.org/oauth2/token',
      userdataUrl: 'https://login.example.org/oauth2/userinfo',
      allowedGroups: ['jupyterhub-users'],
    },
    admins: { groups: ['jupyterhub-admins'] },
    instructors: { groups: ['jupyterhub-instructors'] },
  };
}
