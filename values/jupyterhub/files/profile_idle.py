"""Per-profile idle timeouts: a server of a profile with its own idle timeout stops
itself once it has been idle that long (GPU servers sooner than the hub-wide culler's).

The data is `custom.profileIdle.idleTimeouts`: slug -> seconds, for the profiles that set
one; `defaultProfile` names the profile a spawn without one gets. A pre_spawn_hook, which
runs before the spawner starts with the user's choice known, adds jupyter-server's
`--ServerApp.shutdown_no_activity_timeout=<seconds>` to the server's arguments: the server
then exits by itself when it has had no kernels, terminals or API activity for that long
(jupyter-server looks once a minute), and the hub sees it stopped. The hub-wide
jupyterhub-idle-culler stays in place for every profile, with the longer timeout.

Loaded through hub.extraFiles and wired up in hub.extraConfig after hub_access, whose
pre_spawn_hook it keeps:

    import profile_idle
    profile_idle.configure(c, get_config("custom.profileIdle"))
"""

FLAG = "--ServerApp.shutdown_no_activity_timeout"


def idle_timeout(user_options, settings):
    """Seconds the chosen profile's server may stay idle; None when it sets no own timeout."""
    options = user_options if isinstance(user_options, dict) else {}
    slug = options.get("profile") or settings.get("defaultProfile")
    return (settings.get("idleTimeouts") or {}).get(slug)


def server_args(args, timeout):
    """`args` without an earlier idle flag, plus this spawn's (a new list: the configured one is shared)."""
    kept = [a for a in (args or []) if not str(a).startswith(FLAG)]
    return kept if timeout is None else [*kept, f"{FLAG}={int(timeout)}"]


def make_hook(settings, previous=None):
    """A Spawner.pre_spawn_hook setting the profile's idle timeout, after any earlier hook."""

    def pre_spawn_hook(spawner):
        result = previous(spawner) if previous else None
        spawner.args = server_args(spawner.args, idle_timeout(spawner.user_options, settings))
        return result

    return pre_spawn_hook


def configure(c, settings, section="KubeSpawner"):
    """Chains the idle-timeout hook onto the spawner's pre_spawn_hook: the section's own,
    else the one set on Spawner, which the section inherits until it sets its own. A
    traitlets Config answers an unset key with a placeholder, not None: ask first."""
    previous = None
    for name in (section, "Spawner"):
        if name in c and "pre_spawn_hook" in c[name]:
            previous = c[name].pre_spawn_hook
            break
    c[section].pre_spawn_hook = make_hook(settings, previous)
