"""Makes every user server a dependent of one Kubernetes object, so deleting it stops them.

KubeSpawner's pods belong to no controller: helm does not know them, and the chart leaves
them running when the hub stops (cleanup_servers is off, so a hub restart keeps sessions).
The platform stack creates a ConfigMap for this purpose and passes its name and uid here;
this hook adds an owner reference to it on each new server pod. When Terraform destroys the
platform stack it deletes the ConfigMap after the hub and before the home and shared claims,
and Kubernetes' garbage collector deletes every server pod, so the claims are released.

The reference is not a controller's: cluster-autoscaler and the termination handler keep
treating servers as unreplicated pods, as before.
"""

from kubernetes_asyncio.client.models import V1OwnerReference


def owner_reference(owner):
    return V1OwnerReference(
        api_version=owner["apiVersion"],
        kind=owner["kind"],
        name=owner["name"],
        uid=owner["uid"],
        controller=False,
        block_owner_deletion=False,
    )


def make_modify_pod_hook(owner, previous=None):
    """A KubeSpawner.modify_pod_hook that adds the owner reference, after any earlier hook."""

    async def modify_pod_hook(spawner, pod):
        if previous is not None:
            pod = previous(spawner, pod)
            if hasattr(pod, "__await__"):
                pod = await pod
        refs = [r for r in (pod.metadata.owner_references or []) if r.uid != owner["uid"]]
        pod.metadata.owner_references = [*refs, owner_reference(owner)]
        return pod

    return modify_pod_hook


def configure(c, owner):
    """Installs the hook when the platform passes an owner (custom.serverOwner)."""
    if not owner:
        return
    previous = c.KubeSpawner.modify_pod_hook if "modify_pod_hook" in c.KubeSpawner else None
    c.KubeSpawner.modify_pod_hook = make_modify_pod_hook(owner, previous)
