"""Loads the hub's whole configuration as the hub pod would, and reports what it set.

The chart's own jupyterhub_config.py and z2jh.py (from the rendered ConfigMap), the values
and generated secrets (from the rendered Secret) and our hub.extraFiles are laid out by
test/lib/jupyterhub/hub-config-load.test.ts under ROOT, each at its mount path in the hub
pod (ROOT/usr/local/etc/jupyterhub/...); the hub container's environment comes with the
process. z2jh.py reads fixed paths under /usr/local/etc/jupyterhub, so file access there is
redirected to ROOT, and nothing else is.

JupyterHub 5.5's own config loader (JupyterHub.load_config_file, config file errors
raised) runs the file. The report is built from real objects made from the loaded config:
the JupyterHub app, the authenticator class it names, and KubeSpawner (mock mode: no
cluster) driven through each profile in JupyterHub's spawn order.

    python load_hub_config.py ROOT REPORT.json
"""

import asyncio
import builtins
import json
import os
import sys

ROOT, REPORT = sys.argv[1], sys.argv[2]
MOUNTED = "/usr/local/etc/jupyterhub"


def _redirect(path):
    if isinstance(path, (str, os.PathLike)):
        text = os.fspath(path)
        if isinstance(text, str) and (text == MOUNTED or text.startswith(MOUNTED + "/")):
            return ROOT + text
    return path


def _wrap(function):
    def redirected(path, *args, **kwargs):
        return function(_redirect(path), *args, **kwargs)

    return redirected


builtins.open = _wrap(builtins.open)
os.path.exists = _wrap(os.path.exists)
os.path.isdir = _wrap(os.path.isdir)
os.path.isfile = _wrap(os.path.isfile)

import hub_support  # noqa: E402

hub_support.offline_kubeconfig()  # before kubespawner is imported
# The hub's working directory is its database volume (the image's WORKDIR).
os.chdir(os.path.join(ROOT, "srv", "jupyterhub"))

from jupyterhub import orm  # noqa: E402
from jupyterhub.app import JupyterHub  # noqa: E402
from kubespawner import KubeSpawner  # noqa: E402

app = JupyterHub()
app.raise_config_file_errors = True
app.load_config_file(ROOT + MOUNTED + "/jupyterhub_config.py")
config = app.config

authenticator_class = app.authenticator_class
authenticator = authenticator_class(config=config)


def trait(obj, name):
    return getattr(obj, name) if obj.has_trait(name) else None


def names(value):
    return sorted(value) if value else []


report = {
    "hub": {
        "concurrent_spawn_limit": app.concurrent_spawn_limit,
        "active_server_limit": app.active_server_limit,
        "authenticate_prometheus": app.authenticate_prometheus,
        "cleanup_servers": app.cleanup_servers,
        "services": [
            {"name": s["name"], "command": s.get("command"), "has_api_token": bool(s.get("api_token"))}
            for s in app.services
        ],
        "load_roles": app.load_roles,
    },
    "authenticator": {
        "class": f"{authenticator_class.__module__}.{authenticator_class.__name__}",
        "bases": [f"{cls.__module__}.{cls.__name__}" for cls in authenticator_class.__mro__],
        "allow_all": authenticator.allow_all,
        "admin_users": names(authenticator.admin_users),
        "allowed_users": names(authenticator.allowed_users),
        "allowed_organizations": names(trait(authenticator, "allowed_organizations")),
        "allowed_groups": names(trait(authenticator, "allowed_groups")),
        "admin_groups": names(trait(authenticator, "admin_groups")),
        "manage_groups": trait(authenticator, "manage_groups"),
        "client_id": trait(authenticator, "client_id"),
        "client_secret_set": bool(trait(authenticator, "client_secret")),
        "oauth_callback_url": trait(authenticator, "oauth_callback_url"),
        "auth_state_groups_key": (
            "callable"
            if callable(trait(authenticator, "auth_state_groups_key"))
            else trait(authenticator, "auth_state_groups_key")
        ),
    },
}


def group_names_in_config():
    """Every group the loaded config names for profiles or the shared folder."""
    custom = {}
    from z2jh import get_config

    custom = get_config("custom", {}) or {}
    groups = set(custom.get("sharedFolder", {}).get("instructors", {}).get("groups") or [])
    for rule in (custom.get("hubAccess", {}).get("profileAccess") or {}).values():
        groups.update(rule.get("groups") or [])
    users = set(custom.get("sharedFolder", {}).get("instructors", {}).get("users") or [])
    for rule in (custom.get("hubAccess", {}).get("profileAccess") or {}).values():
        users.update(rule.get("users") or [])
    return sorted(groups), sorted(users)


async def spawners():
    db = orm.new_session_factory("sqlite://")()
    groups, users = group_names_in_config()

    # Someone in every group the config names (and named where users are named), and
    # someone in none.
    everyone = hub_support.make_user(db, users[0] if users else "in-every-group", groups)
    participant = hub_support.make_user(db, "participant-with-no-group")

    async def offered(user):
        spawner = KubeSpawner(_mock=True, user=user, config=config)
        return [p["slug"] for p in await hub_support.profiles_offered(spawner)]

    async def spawn(user, options):
        spawner = KubeSpawner(_mock=True, user=user, config=config)
        hub_timeout = await hub_support.prepare_spawn(spawner, options)
        pod = await spawner.get_pod_manifest()
        container = pod.spec.containers[0]
        return {
            "hub_timeout": hub_timeout,
            "start_timeout": spawner.start_timeout,
            "cpu_guarantee": spawner.cpu_guarantee,
            "cpu_limit": spawner.cpu_limit,
            "mem_guarantee": spawner.mem_guarantee,
            "mem_limit": spawner.mem_limit,
            "image": spawner.image,
            "node_selector": dict(spawner.node_selector),
            "extra_resource_guarantees": dict(spawner.extra_resource_guarantees),
            "requests": dict(container.resources.requests or {}),
            "limits": dict(container.resources.limits or {}),
            "labels": dict(pod.metadata.labels or {}),
            "mounts": sorted(
                [m.mount_path, bool(m.read_only)] for m in container.volume_mounts
            ),
        }

    chart_wide = KubeSpawner(_mock=True, user=participant, config=config)
    everyone_slugs = await offered(everyone)
    result = {
        "chart_start_timeout": chart_wide.start_timeout,
        "offered": {"everyone": everyone_slugs, "participant": await offered(participant)},
        "profiles": {slug: await spawn(everyone, {"profile": slug}) for slug in everyone_slugs},
        "default_spawn": {
            "everyone": await spawn(everyone, {}),
            "participant": await spawn(participant, {}),
        },
    }
    db.close()
    return result


report["spawner"] = asyncio.run(spawners())

with builtins.open(REPORT, "w") as f:
    json.dump(report, f, indent=1, default=str)
