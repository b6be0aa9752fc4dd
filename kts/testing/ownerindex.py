"""What the garbage collector and namespace deletion need, kept up to date from the store's
events so each reconcile pass looks only at what changed: objects by uid, dependents by owner
uid, objects being deleted, objects by namespace (Events too), and the objects whose owners may
have gone."""

from __future__ import annotations

from typing import Any

from kts.testing.store import Event, Key


class OwnerIndex:
    def __init__(self) -> None:
        self.uids: dict[str, Key] = {}
        self.dependents: dict[str, set[Key]] = {}
        self.terminating: set[Key] = set()
        self.by_namespace: dict[str, set[Key]] = {}
        self._uid_of: dict[Key, str] = {}
        self._owners_of: dict[Key, tuple[str, ...]] = {}
        self._orphan_candidates: set[Key] = set()

    def seed(self, objects: dict[Key, dict[str, Any]]) -> None:
        """Index objects already in the store."""
        for key, obj in objects.items():
            self._put(key, obj)

    def observe(self, ev: Event) -> None:
        key = ev.key
        if ev.type == "DELETED":
            self._drop(key)
        else:
            self._put(key, ev.obj)

    def _put(self, key: Key, obj: dict[str, Any]) -> None:
        self.by_namespace.setdefault(key[2], set()).add(key)
        if key[1] == "events":  # Events own nothing and are owned by nothing the collector tracks
            return
        meta = obj["metadata"]
        uid = meta.get("uid", "")
        old_uid = self._uid_of.get(key)
        if old_uid is not None and old_uid != uid:
            self._drop(key)
            self.by_namespace.setdefault(key[2], set()).add(key)
        self._uid_of[key] = uid
        self.uids[uid] = key
        if meta.get("deletionTimestamp"):
            self.terminating.add(key)
        else:
            self.terminating.discard(key)
        owners = tuple(r.get("uid", "") for r in meta.get("ownerReferences") or [])
        self._set_owners(key, owners)
        if owners:
            self._orphan_candidates.add(key)

    def _drop(self, key: Key) -> None:
        uid = self._uid_of.pop(key, None)
        if uid is not None and self.uids.get(uid) == key:
            del self.uids[uid]
            self._orphan_candidates.update(self.dependents.get(uid, ()))
        self.terminating.discard(key)
        keys = self.by_namespace.get(key[2])
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self.by_namespace[key[2]]
        self._set_owners(key, ())
        self._orphan_candidates.discard(key)

    def _set_owners(self, key: Key, owners: tuple[str, ...]) -> None:
        old = self._owners_of.get(key, ())
        if old == owners:
            return
        for uid in old:
            deps = self.dependents.get(uid)
            if deps is not None:
                deps.discard(key)
                if not deps:
                    del self.dependents[uid]
        for uid in owners:
            self.dependents.setdefault(uid, set()).add(key)
        if owners:
            self._owners_of[key] = owners
        else:
            self._owners_of.pop(key, None)

    def take_orphan_candidates(self) -> list[Key]:
        """Objects whose owners changed or went since the last call, in a stable order."""
        out = sorted(self._orphan_candidates)
        self._orphan_candidates.clear()
        return out
