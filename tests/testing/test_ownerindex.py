"""The owner index follows the store's events: what the collector sees each pass is what changed."""

from __future__ import annotations

from typing import Any

from kts.testing.ownerindex import OwnerIndex
from kts.testing.store import Key, Store


def _obj(
    name: str, uid: str, namespace: str = "ns", owners: tuple[str, ...] = (), **meta: Any
) -> dict[str, Any]:
    refs = [{"uid": u, "kind": "ReplicaSet", "name": u, "apiVersion": "apps/v1"} for u in owners]
    md: dict[str, Any] = {"name": name, "namespace": namespace, "uid": uid, **meta}
    if refs:
        md["ownerReferences"] = refs
    return {"metadata": md}


def _store() -> tuple[Store, OwnerIndex]:
    store, index = Store(), OwnerIndex()
    store.listeners.append(index.observe)
    return store, index


def test_dependents_follow_reference_changes_and_deletes() -> None:
    store, index = _store()
    owner: Key = ("apps", "replicasets", "ns", "rs")
    pod: Key = ("", "pods", "ns", "p")
    store.put(owner, _obj("rs", "u-rs"), "ADDED")
    store.put(pod, _obj("p", "u-p", owners=("u-rs",)), "ADDED")
    assert index.dependents == {"u-rs": {pod}}
    assert index.take_orphan_candidates() == [pod]
    assert index.take_orphan_candidates() == []  # nothing changed since
    store.remove(owner)
    assert "u-rs" not in index.uids
    assert index.take_orphan_candidates() == [pod]  # its owner went
    store.put(pod, _obj("p", "u-p"), "MODIFIED")  # orphaned: references dropped
    assert index.dependents == {}
    store.remove(pod)
    assert index.uids == {} and index.by_namespace == {}


def test_terminating_and_namespaces_include_only_live_state() -> None:
    store, index = _store()
    cm: Key = ("", "configmaps", "team", "c")
    event: Key = ("", "events", "team", "e")
    store.put(cm, _obj("c", "u-c", "team", finalizers=["x"]), "ADDED")
    store.put(event, _obj("e", "u-e", "team"), "ADDED")
    assert index.by_namespace == {"team": {cm, event}}
    assert "u-e" not in index.uids  # Events are namespace content, not owners or dependents
    store.put(cm, _obj("c", "u-c", "team", deletionTimestamp="2026-01-01T00:00:00Z"), "MODIFIED")
    assert index.terminating == {cm}
    store.remove(cm)
    store.remove(event)
    assert index.terminating == set() and index.by_namespace == {}


def test_seeding_indexes_what_the_store_already_holds() -> None:
    store = Store()
    pod: Key = ("", "pods", "ns", "p")
    store.put(pod, _obj("p", "u-p", owners=("gone",)), "ADDED")
    index = OwnerIndex()
    index.seed(store.objects)
    assert index.uids == {"u-p": pod} and index.take_orphan_candidates() == [pod]
