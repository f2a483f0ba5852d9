/**
 * The hub's login: GitHub OAuth (organisations and teams), a generic OIDC provider with a
 * groups claim, or one shared password for hubs nobody outside can reach. Secrets are not
 * here: the hub reads them from a Kubernetes Secret through an environment variable
 * (lib/jupyterhub/oauth-client-secret.ts).
 *
 * Removal takes effect: OAuth logins keep their tokens in (encrypted) auth state, the hub
 * refreshes them every few minutes and before every spawn, and the hub_login module
 * re-runs the allow check on each refresh, so a person dropped from the allowed groups or
 * organisation is logged out, and one dropped from the admin group loses admin. Sessions
 * last a day at most.
 */
import { ClientSecretConfig, HubConfig } from '../../config/hub-schema';
import { Values } from '../platform/helm-values';

export interface AuthenticationValues {
  /** `hub.config` sections. */
  readonly config: Values;
  /** Whether JupyterHub groups are GitHub teams, mapped by the hub_access module. */
  readonly githubTeamGroups: boolean;
  /** The hub_login module's settings (`custom.hubLogin`). */
  readonly login: Values;
}

/**
 * oauthenticator 17 reads an unset client_secret from this variable, for
 * GenericOAuthenticator and, after GITHUB_CLIENT_SECRET, for GitHubOAuthenticator.
 */
export const CLIENT_SECRET_ENV = 'OAUTH_CLIENT_SECRET';

/** The shared password, which the hub_login module hands SharedPasswordAuthenticator. */
export const SHARED_PASSWORD_ENV = 'HUB_SHARED_PASSWORD';

/** Seconds between refreshes of a user's login (JupyterHub's default, set explicitly). */
export const AUTH_REFRESH_AGE_SECONDS = 300;

/** Days a login cookie, and the OAuth tokens of user servers, stay valid (JupyterHub's default: 14). */
export const SESSION_MAX_AGE_DAYS = 1;

/** The Secrets Manager secret the cluster stack generates the shared password into. */
export function sharedPasswordSecretName(clusterName: string): string {
  return `${clusterName}/shared-password`;
}

/** A secret the hub's login needs: where it is stored and the variable the hub reads it from. */
export interface LoginSecret {
  readonly source: ClientSecretConfig;
  readonly envVar: string;
}

/** The login's secret: the OAuth client secret, or the generated shared password. */
export function loginSecret(hub: HubConfig, clusterName: string): LoginSecret {
  const auth = hub.authentication;
  return auth.type === 'shared-password'
    ? {
        source: { source: 'secrets-manager', name: sharedPasswordSecretName(clusterName), version: 1 },
        envVar: SHARED_PASSWORD_ENV,
      }
    : { source: auth.clientSecret, envVar: CLIENT_SECRET_ENV };
}

export function hubUrl(hub: HubConfig): string {
  return `https://${hub.domain.name}`;
}

/** Bounded sessions, for every login. */
const SESSION = { cookie_max_age_days: SESSION_MAX_AGE_DAYS };

/** OAuth logins keep their tokens so the hub can refresh them, and refresh before each spawn. */
const REFRESHED = {
  enable_auth_state: true,
  refresh_pre_spawn: true,
  auth_refresh_age: AUTH_REFRESH_AGE_SECONDS,
};

export function authenticationValues(hub: HubConfig): AuthenticationValues {
  const auth = hub.authentication;
  const callback = `${hubUrl(hub)}/hub/oauth_callback`;
  switch (auth.type) {
    case 'github':
      return {
        config: {
          Authenticator: { ...REFRESHED },
          // hub_login's subclass re-checks the organisations and teams on every refresh.
          JupyterHub: { ...SESSION, authenticator_class: 'hub_login.GitHubOAuthenticator' },
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
        login: {},
      };
    case 'oidc':
      return {
        config: {
          Authenticator: { ...REFRESHED },
          JupyterHub: { ...SESSION, authenticator_class: 'hub_login.GenericOAuthenticator' },
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
        login: {},
      };
    case 'shared-password':
      return {
        config: {
          // Anyone with the password, under any name; no admin password, so no admins.
          SharedPasswordAuthenticator: { allow_all: true },
          JupyterHub: { ...SESSION, authenticator_class: 'shared-password' },
        },
        githubTeamGroups: false,
        login: { sharedPasswordEnv: SHARED_PASSWORD_ENV },
      };
  }
}
