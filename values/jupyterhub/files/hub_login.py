"""Logins that end when the identity provider says so, and the shared-password login.

JupyterHub refreshes a user's login every `Authenticator.auth_refresh_age` seconds and
before each spawn (`refresh_pre_spawn`), and applies what `refresh_user` returns (admin
flag, groups, auth state), but it never re-runs the allow check: with oauthenticator 17
alone, a person dropped from the allowed groups or organisation stays logged in until
the cookie expires. The authenticators here re-run `check_allowed` on every refreshed
login and answer False (log in again, which then fails) when it no longer passes or the
login now names a different user.

The hub's config names them as `JupyterHub.authenticator_class`
(`hub_login.GenericOAuthenticator`, `hub_login.GitHubOAuthenticator`); they keep the
class names, so `hub.config.GenericOAuthenticator` and friends still configure them.

Loaded through hub.extraFiles and wired up in hub.extraConfig:

    import hub_login
    hub_login.configure(c, get_config("custom.hubLogin"))
"""

import os
from inspect import isawaitable

from oauthenticator.generic import GenericOAuthenticator as _GenericOAuthenticator
from oauthenticator.github import GitHubOAuthenticator as _GitHubOAuthenticator


async def _resolve(value):
    return await value if isawaitable(value) else value


# Users the organiser's tools create through the hub API (the smoke test's), named in
# `apiOnlyUsers`. They never log in, so they have no auth state, and oauthenticator's
# refresh before each spawn would refuse their servers ("auth has expired, login again").
# Without auth state there is nothing to re-check: their refresh passes. Whoever logs in
# under such a name gets auth state and is re-checked as everyone else.
API_ONLY_USERS = set()


class ReauthorizeOnRefresh:
    """Mixin for an OAuthenticator: a refreshed login must pass the allow check again."""

    async def refresh_user(self, user, handler=None, **kwargs):
        if user.name in API_ONLY_USERS and not await user.get_auth_state():
            return True
        refreshed = await super().refresh_user(user, handler, **kwargs)
        if not isinstance(refreshed, dict):
            return refreshed
        name = refreshed.get("name", user.name)
        if name != user.name:
            self.log.warning(
                "Login of %s now names %s; requiring a new login", user.name, name
            )
            return False
        if not await _resolve(self.check_blocked_users(name, refreshed)):
            self.log.warning("%s is blocked; ending the login", name)
            return False
        if not await _resolve(self.check_allowed(name, refreshed)):
            self.log.warning("%s is no longer allowed; ending the login", name)
            return False
        return refreshed


class GenericOAuthenticator(ReauthorizeOnRefresh, _GenericOAuthenticator):
    """GenericOAuthenticator whose refreshed logins pass allowed_groups again."""


class GitHubOAuthenticator(ReauthorizeOnRefresh, _GitHubOAuthenticator):
    """GitHubOAuthenticator whose refreshed logins pass allowed_organizations again."""


def configure(c, settings):
    """Hands SharedPasswordAuthenticator its password from the environment variable
    named by `sharedPasswordEnv`, when the hub uses that login, and takes the
    `apiOnlyUsers`."""
    API_ONLY_USERS.clear()
    API_ONLY_USERS.update((settings or {}).get("apiOnlyUsers") or [])
    env = (settings or {}).get("sharedPasswordEnv")
    if env:
        c.SharedPasswordAuthenticator.user_password = os.environ[env]
