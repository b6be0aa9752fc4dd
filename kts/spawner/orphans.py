"""Orphans: server-stopped objects of this instance whose server the hub does not consider running.

Objects are found by their ownership labels (every listable kind, so a Secret whose Pod never
started is found too) and grouped by server identity; each orphaned server's server-stopped
objects are then deleted by its identity, never by escaped names, which distinct users can share.

They appear when the hub crashes mid-spawn, its database is reset, or a stop failed during an
API outage. The sweep runs at hub start-up and then periodically, and only touches servers
whose objects are all older than a grace period, so it never races a spawn in progress.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kts.spawner.contract import INSTANCE_LABEL, SERVER_STOPPED, SERVERNAME_LABEL, USERNAME_LABEL
from kts.spawner.ownership import SERVER_ID_LABEL, SERVERNAME_ANNOTATION, USERNAME_ANNOTATION, Identity
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
    now = now or dt.datetime.now(dt.UTC)
    servers: dict[str, tuple[str, str]] = {}
    seeds: dict[str, dict[str, str]] = {}
    young: set[str] = set()
    for obj in await cluster.find(namespace=namespace, labels={INSTANCE_LABEL: instance}, kinds=kinds):
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
        servers.setdefault(server_id, (str(user), str(server)))
        seed = {k: str(labels[k]) for k in (USERNAME_LABEL, SERVERNAME_LABEL) if k in labels}
        seeds.setdefault(server_id, seed)
    cleaned = []
    for server_id, (user, server) in sorted(servers.items(), key=lambda item: item[1]):
        if server_id in young:
            continue
        log.info("Deleting orphaned objects of server %r of user %r (instance %s)", server, user, instance)
        await cluster.delete(
            namespace=namespace,
            labels={INSTANCE_LABEL: instance, **seeds[server_id], SERVER_ID_LABEL: server_id},
            lifecycles=[SERVER_STOPPED], include_unannotated=True, timeout=delete_timeout,
            lifecycle_annotation=lifecycle_key,
        )  # fmt: skip
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
    """Runs the sweep once per hub process, instance and namespace (the first spawner starts it)."""

    _started: set[tuple[int, str, str]] = set()
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
        key = (id(loop), spawner.instance, spawner.namespace)
        if key in cls._started:
            return
        cls._started.add(key)
        task = loop.create_task(cls._run(spawner, db))
        cls._tasks.add(task)
        task.add_done_callback(cls._tasks.discard)

    @classmethod
    async def _run(cls, spawner: Any, db: Any) -> None:
        await asyncio.sleep(START_DELAY)
        while True:
            try:
                cluster = await spawner.cluster()
                await sweep_orphans(
                    cluster, namespace=spawner.namespace, instance=spawner.instance,
                    running=running_servers_from_db(db, spawner.instance),
                    lifecycle_key=spawner.lifecycle_annotation,
                    delete_timeout=spawner.delete_timeout,
                )  # fmt: skip
            except Exception as e:
                log.warning("Orphan cleanup in namespace %s failed: %s", spawner.namespace, e)
            if spawner.orphan_cleanup_interval <= 0:
                return
            await asyncio.sleep(spawner.orphan_cleanup_interval)
