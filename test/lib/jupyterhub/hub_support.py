"""What the Python tests of the hub share: KubeSpawner kept off any real cluster, JupyterHub
users in groups, JupyterHub 5.5's steps of a spawn, and loopback ports and JSON servers.

Imported by hub_hooks_test.py, load_hub_config.py, server_owner_test.py and the login and
cookie tests, from this folder (pytest and `python <file>` both put it on sys.path). Call
offline_kubeconfig() before anything imports kubespawner (kubernetes_asyncio reads
KUBECONFIG when it is imported); this module imports neither.
"""

import atexit
import json
import os
import socket
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from jupyterhub import orm
from jupyterhub.user import User
from jupyterhub.utils import maybe_future


def offline_kubeconfig():
    """Points KUBECONFIG at a closed loopback port: KubeSpawner loads a kube config when it
    is constructed, even in mock mode, and any request to Kubernetes then fails the test."""
    with tempfile.NamedTemporaryFile("w", suffix=".kubeconfig", delete=False) as kubeconfig:
        json.dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "none", "cluster": {"server": "https://127.0.0.1:9"}}],
                "users": [{"name": "none", "user": {"token": "none"}}],
                "contexts": [{"name": "none", "context": {"cluster": "none", "user": "none"}}],
                "current-context": "none",
            },
            kubeconfig,
        )
    os.environ["KUBECONFIG"] = kubeconfig.name
    atexit.register(os.unlink, kubeconfig.name)


def make_user(db, name, group_names=()):
    """A JupyterHub user in `db` (an orm session), member of each named group (made if new)."""
    orm_user = orm.User(name=name)
    db.add(orm_user)
    for group_name in group_names:
        group = orm.Group.find(db, group_name) or orm.Group(name=group_name)
        db.add(group)
        orm_user.groups.append(group)
    db.commit()
    return User(orm_user, settings={}, db=db)


async def prepare_spawn(spawner, options):
    """JupyterHub 5.5's steps before the start timer (jupyterhub/user.py, User.spawn), then
    KubeSpawner's first step, which picks and applies the profile. Returns the timeout the
    hub waits for start() with."""
    spawner.user_options = options
    await spawner.apply_group_overrides()
    await maybe_future(spawner.run_pre_spawn_hook())
    hub_timeout = spawner.start_timeout
    await spawner.load_user_options()
    return hub_timeout


async def profiles_offered(spawner):
    """The profiles KubeSpawner offers this spawner's user (profile_list may be a callable)."""
    profiles = spawner.profile_list
    if callable(profiles):
        profiles = await maybe_future(profiles(spawner))
    return profiles


def free_port():
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JsonHandler(BaseHTTPRequestHandler):
    """A quiet request handler that answers in JSON."""

    def log_message(self, *args):
        pass

    def reply(self, status, body=None, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        data = json.dumps(body).encode() if body is not None else b""
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class LoopbackServer:
    """`handler` served on a free loopback port in a daemon thread, at `url`, until close()."""

    def __init__(self, handler):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
