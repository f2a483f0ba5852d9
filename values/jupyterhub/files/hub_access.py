"""Who may pick which server size, how long each size may take to start, and groups
from GitHub teams.

Profiles may be restricted to named users or groups (the runbook's custom sizes for
named users, without a hand-edited config map). The restriction is data in the hub's
`custom.hubAccess.profileAccess`: slug -> {"users": [...], "groups": [...]}; a profile
not listed there is open to everyone.

JupyterHub starts waiting for a server with Spawner.start_timeout as it is when
start() is called, but KubeSpawner applies a profile's kubespawner_override (its
start_timeout among them) only inside start(). The chart's start timeout is therefore
the longest of all profiles', and a pre_spawn_hook, which runs before start() with the
user's options known, sets the chosen profile's own timeout from
`custom.hubAccess.startTimeouts` (slug -> seconds; a spawn that names no profile gets
`defaultProfile`'s).

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


def start_timeout(user_options, settings):
    """Seconds the profile chosen in `user_options` may take to start; None if unknown."""
    options = user_options if isinstance(user_options, dict) else {}
    slug = options.get("profile") or settings.get("defaultProfile")
    return (settings.get("startTimeouts") or {}).get(slug)


def make_start_timeout_hook(settings, previous=None):
    """A Spawner.pre_spawn_hook that sets the chosen profile's start timeout, keeping any
    hook configured before it. An unknown profile keeps the hub-wide (longest) timeout;
    KubeSpawner then refuses the spawn itself."""

    def pre_spawn_hook(spawner):
        result = previous(spawner) if previous else None
        timeout = start_timeout(spawner.user_options, settings)
        if timeout is not None:
            spawner.start_timeout = timeout
        return result

    return pre_spawn_hook


def configured_pre_spawn_hook(c):
    """The pre_spawn_hook configured so far: KubeSpawner's own, else one set on Spawner
    (which KubeSpawner inherits until a KubeSpawner one replaces it). A traitlets Config
    answers an unset key with a placeholder, not None: ask first."""
    for section in ("KubeSpawner", "Spawner"):
        if section in c and "pre_spawn_hook" in c[section]:
            return c[section].pre_spawn_hook
    return None


def configure(c, settings):
    """Restricts the configured profile list, installs the start-timeout hook, and maps
    GitHub teams to groups when GitHub is used."""
    # A traitlets Config answers an unset key with a placeholder, not None: ask first.
    profiles = list(c.KubeSpawner.profile_list) if "profile_list" in c.KubeSpawner else []
    c.KubeSpawner.profile_list = restrict_profiles(profiles, settings.get("profileAccess") or {})
    previous = configured_pre_spawn_hook(c)
    c.KubeSpawner.pre_spawn_hook = make_start_timeout_hook(settings, previous)
    if settings.get("githubTeamGroups"):
        c.GitHubOAuthenticator.auth_state_groups_key = github_team_groups
