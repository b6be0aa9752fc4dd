"""Orphans: server-stopped objects of this instance whose server the hub does not consider running.

Orphaned servers are found from the shared pod cache (no extra request); each one's
server-stopped objects of every kind are then deleted by label.

They appear when the hub crashes mid-spawn, its database is reset, or a stop failed. The sweep
runs once at hub start-up (optionally periodically) and only touches objects older than a grace
period, so it never races a spawn in progress.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from kts.spawner.contract import INSTANCE_LABEL, SERVER_STOPPED, SERVERNAME_LABEL, USERNAME_LABEL

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


async def sweep_orphans(cluster: Cluster, *, namespace: str, instance: str, running: set[tuple[str, str]],
                        lifecycle_key: str, delete_timeout: float, min_age: float = MIN_AGE,
                        now: dt.datetime | None = None) -> list[tuple[str, str]]:  # fmt: skip
    """Delete server-stopped objects of servers not in ``running`` (escaped user, server); returns
    the servers cleaned."""
    now = now or dt.datetime.now(dt.UTC)
    found: set[tuple[str, str]] = set()
    pods = await cluster.pods(namespace, f"{INSTANCE_LABEL}={instance}")
    for obj in pods.items():
        meta = obj.get("metadata") or {}
        labels, annotations = meta.get("labels") or {}, meta.get("annotations") or {}
        if annotations.get(lifecycle_key, SERVER_STOPPED) != SERVER_STOPPED:
            continue
        if USERNAME_LABEL not in labels or SERVERNAME_LABEL not in labels:
            continue
        key = (str(labels[USERNAME_LABEL]), str(labels[SERVERNAME_LABEL]))
        if key in running or _age(obj, now) < min_age:
            continue
        found.add(key)
    for user, server in sorted(found):
        log.info("Deleting orphaned objects of server %r of user %r (instance %s)", server, user, instance)
        await cluster.delete(
            namespace=namespace,
            labels={INSTANCE_LABEL: instance, USERNAME_LABEL: user, SERVERNAME_LABEL: server},
            lifecycles=[SERVER_STOPPED], include_unannotated=True, timeout=delete_timeout,
            lifecycle_annotation=lifecycle_key,
        )  # fmt: skip
    return sorted(found)


def running_servers_from_db(db: Any, names: Callable[[str, str], tuple[str, str]]) -> set[tuple[str, str]]:
    """Escaped (user, server) of every server the hub's database says is running or starting."""
    from jupyterhub import orm

    rows: Iterable[Any] = db.query(orm.Spawner).filter(orm.Spawner.server_id.isnot(None))
    return {names(row.user.name, row.name or "") for row in rows}


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
        from kts.names import server_names

        def names(user: str, server: str) -> tuple[str, str]:
            n = server_names(user, server, spawner._scheme)
            return n.username, n.servername

        await asyncio.sleep(START_DELAY)
        while True:
            try:
                cluster = await spawner.cluster()
                await sweep_orphans(
                    cluster, namespace=spawner.namespace, instance=spawner.instance,
                    running=running_servers_from_db(db, names), lifecycle_key=spawner.lifecycle_annotation,
                    delete_timeout=spawner.delete_timeout,
                )  # fmt: skip
            except Exception as e:
                log.warning("Orphan cleanup in namespace %s failed: %s", spawner.namespace, e)
            if spawner.orphan_cleanup_interval <= 0:
                return
            await asyncio.sleep(spawner.orphan_cleanup_interval)
