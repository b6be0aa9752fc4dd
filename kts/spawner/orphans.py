"""Orphans: server-stopped objects of this instance whose server the hub does not consider running.

Objects are found by their ownership labels (every listable kind, so a Secret whose Pod never
started is found too) and grouped by server identity; each orphaned server's server-stopped
objects are then deleted by its identity, never by escaped names, which distinct users can share.

They appear when the hub crashes mid-spawn, its database is reset, or a stop failed during an
API outage. The sweep runs at hub start-up and then periodically, and only touches servers
whose objects are all older than a grace period, so it never races a spawn in progress.

With ``enable_user_namespaces`` the objects live in the users' namespaces, so one sweep per
instance covers every namespace kts made (or took) for a user of that instance: a Namespace
whose user-id label is the identity of the user its username annotation names, under this
instance. A namespace without that proof (another tool's, another instance's) is never swept.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kts.spawner.contract import INSTANCE_LABEL, SERVER_STOPPED, SERVERNAME_LABEL, USERNAME_LABEL
from kts.spawner.ownership import (
    SERVER_ID_LABEL,
    SERVERNAME_ANNOTATION,
    USER_ID_LABEL,
    USERNAME_ANNOTATION,
    Identity,
)
from kts.spawner.state import STATE_KEY

if TYPE_CHECKING:
    from kts.spawner.cluster import Cluster

log = logging.getLogger("kts.spawner")

START_DELAY = 5.0
MIN_AGE = 120.0


def _age(obj: dict[str, Any], now: dt.datetime) -> float:
    stamp = (obj.get("metadata") or {}).get("creationTimestamp")
    if not stamp:
        return 0.0
    try:
        created = dt.datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    return (now - created).total_seconds()


async def sweep_orphans(cluster: Cluster, *, namespace: str, instance: str, running: set[str],
                        lifecycle_key: str, delete_timeout: float, min_age: float = MIN_AGE,
                        now: dt.datetime | None = None,
                        kinds: set[str] | None = None) -> list[tuple[str, str]]:  # fmt: skip
    """Delete the server-stopped objects of every server whose identity is not in ``running``;
    returns the (raw user, raw server) names of the servers cleaned, as their objects name them."""
    found = await cluster.find(namespace=namespace, labels={INSTANCE_LABEL: instance}, kinds=kinds)
    return await _sweep(cluster, [(namespace, obj) for obj in found], instance=instance, running=running,
                        lifecycle_key=lifecycle_key, delete_timeout=delete_timeout, min_age=min_age,
                        now=now)  # fmt: skip


async def user_namespaces(cluster: Cluster, instance: str) -> list[str]:
    """The namespaces kts holds for users of ``instance``: their user-id label is the identity of
    the user their username annotation names (so neither a copied label nor another instance's
    namespace passes)."""
    listed = await cluster.client.list("v1", "Namespace", None, label_selector=USER_ID_LABEL)
    owned = []
    for ns in listed:
        meta = ns.get("metadata") or {}
        user = (meta.get("annotations") or {}).get(USERNAME_ANNOTATION)
        label = (meta.get("labels") or {}).get(USER_ID_LABEL)
        if isinstance(user, str) and label == Identity(instance, user, "").user_id and meta.get("name"):
            owned.append(str(meta["name"]))
    return sorted(owned)


async def sweep_user_namespaces(cluster: Cluster, *, instance: str, running: set[str], lifecycle_key: str,
                                delete_timeout: float, min_age: float = MIN_AGE,
                                now: dt.datetime | None = None,
                                kinds: set[str] | None = None) -> list[tuple[str, str]]:  # fmt: skip
    """``sweep_orphans`` over every user namespace of ``instance`` (``user_namespaces``), with one
    list per kind across all namespaces rather than one per namespace."""
    owned = set(await user_namespaces(cluster, instance))
    if not owned:
        return []
    found = await cluster.find(namespace="", labels={INSTANCE_LABEL: instance}, kinds=kinds)
    # Cluster-scoped objects have no namespace and stay out: only the user namespaces are swept.
    placed = [(ns, obj) for obj in found if (ns := (obj.get("metadata") or {}).get("namespace")) in owned]
    return await _sweep(cluster, placed, instance=instance, running=running, lifecycle_key=lifecycle_key,
                        delete_timeout=delete_timeout, min_age=min_age, now=now)  # fmt: skip


async def _sweep(cluster: Cluster, found: list[tuple[str, dict[str, Any]]], *, instance: str,
                 running: set[str], lifecycle_key: str, delete_timeout: float, min_age: float,
                 now: dt.datetime | None) -> list[tuple[str, str]]:  # fmt: skip
    """Group ``found`` (namespace, object) by namespace and server identity, then delete the
    server-stopped objects of each server not running whose objects are all old enough."""
    now = now or dt.datetime.now(dt.UTC)
    servers: dict[tuple[str, str], tuple[str, str]] = {}
    seeds: dict[tuple[str, str], dict[str, str]] = {}
    young: set[str] = set()
    for namespace, obj in found:
        meta = obj.get("metadata") or {}
        labels, annotations = meta.get("labels") or {}, meta.get("annotations") or {}
        server_id = labels.get(SERVER_ID_LABEL)
        if not server_id or server_id in running:
            continue
        if annotations.get(lifecycle_key, SERVER_STOPPED) != SERVER_STOPPED or meta.get("deletionTimestamp"):
            continue
        if _age(obj, now) < min_age:
            young.add(server_id)
        user, server = annotations.get(USERNAME_ANNOTATION, ""), annotations.get(SERVERNAME_ANNOTATION, "")
        servers.setdefault((namespace, server_id), (str(user), str(server)))
        seed = {k: str(labels[k]) for k in (USERNAME_LABEL, SERVERNAME_LABEL) if k in labels}
        seeds.setdefault((namespace, server_id), seed)
    cleaned: list[tuple[str, str]] = []
    for (namespace, server_id), (user, server) in sorted(servers.items(), key=lambda kv: (kv[1], kv[0])):
        if server_id in young:
            continue
        log.info("Deleting orphaned objects of server %r of user %r (instance %s, namespace %s)",
                 server, user, instance, namespace)  # fmt: skip
        await cluster.delete(
            namespace=namespace,
            labels={INSTANCE_LABEL: instance, **seeds[(namespace, server_id)], SERVER_ID_LABEL: server_id},
            lifecycles=[SERVER_STOPPED], include_unannotated=True, timeout=delete_timeout,
            lifecycle_annotation=lifecycle_key,
        )  # fmt: skip
        if (user, server) not in cleaned:
            cleaned.append((user, server))
    return cleaned


def running_servers_from_db(db: Any, instance: str) -> set[str]:
    """Server identities the hub's database says are running or starting: from their names, and
    from the state of each (which remembers the identity a since-renamed server started with)."""
    from jupyterhub import orm

    rows: Iterable[Any] = db.query(orm.Spawner).filter(orm.Spawner.server_id.isnot(None))
    out: set[str] = set()
    for row in rows:
        out.add(Identity(instance, row.user.name, row.name or "").server_id)
        state = row.state.get(STATE_KEY) if isinstance(row.state, dict) else None
        labels = state.get("labels") if isinstance(state, dict) else None
        if isinstance(labels, dict) and isinstance(labels.get(SERVER_ID_LABEL), str):
            out.add(labels[SERVER_ID_LABEL])
    return out


class OrphanSweeper:
    """Runs the sweep once per hub process, instance and namespace (the first spawner starts it);
    with ``enable_user_namespaces``, once per hub process and instance, over the user namespaces."""

    _started: set[tuple[int, str, str | None]] = set()
    _tasks: set[asyncio.Task[None]] = set()

    @classmethod
    def ensure_started(cls, spawner: Any) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        db = getattr(getattr(spawner, "user", None), "db", None)
        if db is None:
            return
        # Each spawner's namespace is its user's own then: keying by it would start one per user.
        scope: str | None = None if spawner.enable_user_namespaces else spawner.namespace
        key = (id(loop), spawner.instance, scope)
        if key in cls._started:
            return
        cls._started.add(key)
        task = loop.create_task(cls._run(spawner, db, scope))
        cls._tasks.add(task)
        task.add_done_callback(cls._tasks.discard)

    @classmethod
    async def _run(cls, spawner: Any, db: Any, scope: str | None) -> None:
        await asyncio.sleep(START_DELAY)
        where = "user namespaces" if scope is None else f"namespace {scope}"
        while True:
            try:
                cluster = await spawner.cluster()
                await cls.sweep_once(spawner, cluster, running_servers_from_db(db, spawner.instance), scope)
            except Exception as e:
                log.warning("Orphan cleanup in %s failed: %s", where, e)
            if spawner.orphan_cleanup_interval <= 0:
                return
            await asyncio.sleep(spawner.orphan_cleanup_interval)

    @staticmethod
    async def sweep_once(spawner: Any, cluster: Cluster, running: set[str],
                         scope: str | None, **kwargs: Any) -> list[tuple[str, str]]:  # fmt: skip
        """One sweep of ``scope`` (a namespace; None: the user namespaces) with the spawner's settings."""
        common = dict(instance=spawner.instance, running=running, lifecycle_key=spawner.lifecycle_annotation,
                      delete_timeout=spawner.delete_timeout, **kwargs)  # fmt: skip
        if scope is None:
            return await sweep_user_namespaces(cluster, **common)
        return await sweep_orphans(cluster, namespace=scope, **common)
