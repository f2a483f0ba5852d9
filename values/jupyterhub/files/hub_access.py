"""Who may pick which server size, and groups from GitHub teams.

Profiles may be restricted to named users or groups (the runbook's custom sizes for
named users, without a hand-edited config map). The restriction is data in the hub's
`custom.hubAccess.profileAccess`: slug -> {"users": [...], "groups": [...]}; a profile
not listed there is open to everyone.

With GitHub login, JupyterHub groups are the user's teams, named `org:team` like the
entries of GitHubOAuthenticator.allowed_organizations, so admin and instructor groups
are written the same way.

Loaded through hub.extraFiles and wired up in hub.extraConfig:

    import hub_access
    hub_access.configure(c, get_config("custom.hubAccess"))
"""


def may_use(profile, user, profile_access):
    """True if `user` may pick `profile` (a KubeSpawner profile dict with a slug)."""
    rule = profile_access.get(profile.get("slug"))
    if rule is None:
        return True
    if user.name in set(rule.get("users") or []):
        return True
    groups = set(rule.get("groups") or [])
    return any(group.name in groups for group in user.groups)


def restrict_profiles(profiles, profile_access):
    """A KubeSpawner.profile_list callable offering each user only the profiles allowed to them."""

    def profile_list(spawner):
        return [dict(p) for p in profiles if may_use(p, spawner.user, profile_access)]

    return profile_list


def github_team_groups(auth_state):
    """GitHubOAuthenticator.auth_state_groups_key: the user's teams as `org:team` group names."""
    return sorted(
        f"{team['organization']['login']}:{team['slug']}" for team in auth_state.get("teams") or []
    )


def configure(c, settings):
    """Restricts the configured profile list; maps GitHub teams to groups when GitHub is used."""
    # A traitlets Config answers an unset key with a placeholder, not None: ask first.
    profiles = list(c.KubeSpawner.profile_list) if "profile_list" in c.KubeSpawner else []
    c.KubeSpawner.profile_list = restrict_profiles(profiles, settings.get("profileAccess") or {})
    if settings.get("githubTeamGroups"):
        c.GitHubOAuthenticator.auth_state_groups_key = github_team_groups
