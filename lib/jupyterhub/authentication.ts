/**
 * The hub's login: GitHub OAuth (organisations and teams), a generic OIDC provider with a
 * groups claim, or the dummy authenticator for hubs nobody outside can reach. The client
 * secret is not here: the hub reads it from a Kubernetes Secret through an environment
 * variable (lib/jupyterhub/oauth-client-secret.ts).
 */
import { HubConfig } from '../../config/hub-schema';
import { Values } from '../platform/helm-values';

export interface AuthenticationValues {
  /** `hub.config` sections. */
  readonly config: Values;
  /** Whether JupyterHub groups are GitHub teams, mapped by the hub_access module. */
  readonly githubTeamGroups: boolean;
}

/**
 * oauthenticator 17 reads an unset client_secret from this variable, for
 * GenericOAuthenticator and, after GITHUB_CLIENT_SECRET, for GitHubOAuthenticator.
 */
export const CLIENT_SECRET_ENV = 'OAUTH_CLIENT_SECRET';

/** Where the OAuth client secret is stored, for the authenticators that need one (all but dummy). */
export function clientSecretSource(hub: HubConfig) {
  const auth = hub.authentication;
  return auth.type === 'dummy' ? undefined : auth.clientSecret;
}

export function hubUrl(hub: HubConfig): string {
  return `https://${hub.domain.name}`;
}

export function authenticationValues(hub: HubConfig): AuthenticationValues {
  const auth = hub.authentication;
  // Admin users work with every authenticator; admin groups need one that manages groups.
  const admins = { Authenticator: { admin_users: [...hub.admins.users] } };
  const callback = `${hubUrl(hub)}/hub/oauth_callback`;
  switch (auth.type) {
    case 'github':
      return {
        config: {
          ...admins,
          JupyterHub: { authenticator_class: 'github' },
          GitHubOAuthenticator: {
            client_id: auth.clientId,
            oauth_callback_url: callback,
            allowed_organizations: [...auth.allowedOrganizations],
            // read:org to check private memberships and list teams, which become groups. A GitHub
            // App ignores the scope and needs its Members permission instead, but oauthenticator
            // fetches teams only when read:org is in this list, so it stays for both kinds.
            scope: ['read:org'],
            populate_teams_in_auth_state: true,
            manage_groups: true,
            admin_groups: [...hub.admins.groups],
          },
        },
        githubTeamGroups: true,
      };
    case 'oidc':
      return {
        config: {
          ...admins,
          JupyterHub: { authenticator_class: 'generic-oauth' },
          GenericOAuthenticator: {
            client_id: auth.clientId,
            oauth_callback_url: callback,
            authorize_url: auth.authorizeUrl,
            token_url: auth.tokenUrl,
            userdata_url: auth.userdataUrl,
            username_claim: auth.usernameClaim,
            scope: [...auth.scopes],
            manage_groups: true,
            // GenericOAuthenticator keeps the userinfo response under auth_state.oauth_user.
            auth_state_groups_key: `oauth_user.${auth.groupsClaim}`,
            allowed_groups: [...auth.allowedGroups],
            admin_groups: [...hub.admins.groups],
          },
        },
        githubTeamGroups: false,
      };
    case 'dummy':
      return {
        config: {
          Authenticator: { ...admins.Authenticator, allow_all: true },
          JupyterHub: { authenticator_class: 'dummy' },
        },
        githubTeamGroups: false,
      };
  }
}
