"""Shared course folder for JupyterHub user servers.

Every server mounts the shared EFS claim read-only at ~/shared (the chart's
singleuser.storage settings do that). This hook adds a second, writable mount of the
same volume at ~/shared-readwrite, for instructors only: the users and groups listed in
the hub's `custom.sharedFolder.instructors`. Tutorial leads can then manage course data
without an admin, while participants cannot change it.

Loaded by the hub through hub.extraFiles and wired up in hub.extraConfig:

    import shared_folder
    shared_folder.configure(c, get_config("custom.sharedFolder"))
"""

READWRITE_MOUNT_KEY = "shared-readwrite"


def is_instructor(user, instructors):
    """True if `user` (a JupyterHub user: .name, .groups[].name) is listed or in a listed group."""
    if user.name in set(instructors.get("users") or []):
        return True
    groups = set(instructors.get("groups") or [])
    return any(group.name in groups for group in user.groups)


def readwrite_mount(settings):
    """The writable mount of the shared volume."""
    return {
        "name": settings["volume"],
        "mountPath": settings["readWriteMountPath"],
        "readOnly": False,
    }


def add_instructor_mount(spawner, settings):
    """Adds the writable mount to an instructor's server; returns whether it did.

    KubeSpawner accepts volume_mounts as a list or, as the chart configures it, a dict
    keyed by name; both are handled, and a new object is assigned so no other
    spawner's settings change.
    """
    if not is_instructor(spawner.user, settings["instructors"]):
        return False
    mount = readwrite_mount(settings)
    mounts = spawner.volume_mounts
    if isinstance(mounts, dict):
        spawner.volume_mounts = {**mounts, READWRITE_MOUNT_KEY: mount}
    else:
        spawner.volume_mounts = [*(mounts or []), mount]
    return True


def make_pre_spawn_hook(settings, previous=None):
    """A Spawner.pre_spawn_hook that keeps any hook configured before it."""

    def pre_spawn_hook(spawner):
        result = previous(spawner) if previous else None
        add_instructor_mount(spawner, settings)
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
    """Installs the hook on KubeSpawner, chaining an existing pre_spawn_hook."""
    previous = configured_pre_spawn_hook(c)
    c.KubeSpawner.pre_spawn_hook = make_pre_spawn_hook(settings, previous)
