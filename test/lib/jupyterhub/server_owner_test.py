"""The server-owner hook with the hub's real KubeSpawner 7: the pod manifest KubeSpawner
builds, passed through the hook as KubeSpawner's _start does, serialized as it is sent to
the API server. Run by test/lib/jupyterhub/server-owner.test.ts under the hub's Python:
python -m pytest server_owner_test.py --hooks <values/jupyterhub/files>.
"""

import asyncio
import sys

import hub_support

# KubeSpawner loads a client configuration when constructed; nothing here calls the API.
hub_support.offline_kubeconfig()  # before kubespawner is imported

import pytest  # noqa: E402
from jupyterhub.objects import Hub, Server  # noqa: E402
from kubernetes_asyncio.client import ApiClient  # noqa: E402
from kubespawner import KubeSpawner  # noqa: E402
from traitlets.config import Config  # noqa: E402

OWNER = {"apiVersion": "v1", "kind": "ConfigMap", "name": "user-servers", "uid": "0b9c5d2e-1111-4c1e-9b5a-000000000001"}


@pytest.fixture(scope="module")
def server_owner(request):
    sys.path.insert(0, request.config.getoption("hooks"))
    import server_owner

    return server_owner


class User:
    name = "participant"
    id = 1
    url = "/user/participant/"
    escaped_name = "participant"
    groups = []
    settings = {}
    authenticator = None

    def __init__(self):
        self.spawners = {}
        self.server = Server()


def manifest(c):
    async def build():
        # Inside the loop: KubeSpawner creates its API client on construction.
        spawner = KubeSpawner(config=c, _mock=True, user=User(), hub=Hub(), namespace="jupyterhub")
        pod = await spawner.get_pod_manifest()
        if spawner.modify_pod_hook:
            pod = await spawner.modify_pod_hook(spawner, pod)
        return ApiClient().sanitize_for_serialization(pod)

    return asyncio.run(build())


def test_server_pods_are_dependents_of_the_owner_but_not_controlled(server_owner):
    c = Config()
    server_owner.configure(c, OWNER)
    refs = manifest(c)["metadata"]["ownerReferences"]
    assert refs == [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "name": "user-servers",
            "uid": OWNER["uid"],
            "controller": False,
            "blockOwnerDeletion": False,
        }
    ]


def test_an_earlier_hook_still_runs(server_owner):
    c = Config()

    def label(spawner, pod):
        pod.metadata.labels["earlier"] = "yes"
        return pod

    c.KubeSpawner.modify_pod_hook = label
    server_owner.configure(c, OWNER)
    pod = manifest(c)
    assert pod["metadata"]["labels"]["earlier"] == "yes"
    assert [r["name"] for r in pod["metadata"]["ownerReferences"]] == ["user-servers"]


def test_no_owner_configured_leaves_pods_unowned(server_owner):
    c = Config()
    server_owner.configure(c, None)
    assert "ownerReferences" not in manifest(c)["metadata"]
