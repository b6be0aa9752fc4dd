"""KubeSpawner's ``enable_user_namespaces``: each user's objects go to a namespace of their own,
created when missing, as KubeSpawner's ``_ensure_namespace`` does.

The name comes from ``user_namespace_template`` and so from an escaped user name, which two
users can share. The namespace therefore carries the user's identity label and raw-name
annotation: a namespace another user's identity holds is refused (HTTP 409), so no user's
objects land among another's. An existing namespace without an identity is taken only if it is
annotated as this user's, or with ``adopt_unidentified``; it then gets the identity.

Namespaces carry no instance label and no lifecycle: kts never deletes them (KubeSpawner does not
either), and no label selector kts deletes by can match them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kts.spawner.errors import OwnershipError
from kts.spawner.ownership import Identity, judge

if TYPE_CHECKING:
    from kubespawner import KubeSpawner

    from kts.spawner.cluster import Cluster


@dataclass(frozen=True)
class NamespacePlan:
    """What a start must do about the user's namespace: its body, and whether to apply it (absent,
    or adopted) with forced conflicts (adopted only)."""

    body: dict[str, Any]
    apply: bool
    force: bool


def namespace_body(spawner: KubeSpawner, identity: Identity) -> dict[str, Any]:
    """KubeSpawner's Namespace (``user_namespace_labels``/``annotations`` expanded) with the
    user's identity."""
    from kubespawner.objects import make_namespace

    from kts.spawner.kubeobjects import serialize

    body: dict[str, Any] = serialize(
        make_namespace(
            spawner.namespace,
            labels=spawner._expand_all(spawner.user_namespace_labels),
            annotations=spawner._expand_all(spawner.user_namespace_annotations),
        )
    )
    body.setdefault("apiVersion", "v1")
    body.setdefault("kind", "Namespace")
    meta = body.setdefault("metadata", {})
    meta["labels"] = {**(meta.get("labels") or {}), **identity.labels(server_level=False)}
    meta["annotations"] = {**(meta.get("annotations") or {}), **identity.annotations(server_level=False)}
    return body


async def plan(
    spawner: KubeSpawner, identity: Identity, cluster: Cluster, *, adopt_unidentified: bool
) -> NamespacePlan:
    """Read the user's namespace and decide (nothing written): raises ``OwnershipError`` when it
    is another user's."""
    body = namespace_body(spawner, identity)
    live = await cluster.get("v1", "Namespace", spawner.namespace, None)
    if live is None:
        return NamespacePlan(body, apply=True, force=False)
    verdict = judge(live, identity, server_level=False, adopt_unidentified=adopt_unidentified)
    if not verdict.allowed:
        raise OwnershipError(f"Namespace {spawner.namespace}", verdict.reason)
    return NamespacePlan(body, apply=verdict.kind == "adopt", force=True)


async def ensure(cluster: Cluster, planned: NamespacePlan, *, field_manager: str) -> None:
    """Create (or take) the namespace as planned. Created without force: if another user's start
    created it meanwhile, the identity label conflicts and the API server refuses."""
    if planned.apply:
        await cluster.apply([planned.body], namespace="", field_manager=field_manager, force=planned.force)
