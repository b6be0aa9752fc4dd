"""Deletions that must not be forgotten: a stop or rollback that failed is retried until it succeeds.

When the API server is unreachable, a failed start cannot roll back and the hub's stop() fails
too; the hub then forgets the server while its Pod (and API token) still run. The reaper keeps
retrying in the hub process, with backoff, until the deletion goes through or the server is
started again (its start removes leftovers itself). The periodic orphan sweep covers what a hub
restart loses.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("kts.spawner")

FIRST_DELAY = 1.0
MAX_DELAY = 60.0

_tasks: dict[tuple[int, str], asyncio.Task[None]] = {}


def schedule(key: str, delete: Callable[[], Awaitable[object]], what: str) -> None:
    """Retry ``delete`` until it succeeds; a later schedule or cancel for ``key`` replaces it."""
    loop = asyncio.get_running_loop()
    cancel(key)
    first_delay, max_delay = FIRST_DELAY, MAX_DELAY

    async def run() -> None:
        delay = first_delay
        while True:
            await asyncio.sleep(delay)
            try:
                await delete()
            except Exception as e:
                log.warning("Retrying deletion of %s in %.0fs: %s", what, min(delay * 2, max_delay), e)
                delay = min(delay * 2, max_delay)
                continue
            log.info("Deleted the leftover objects of %s", what)
            return

    slot = (id(loop), key)
    task = _tasks[slot] = loop.create_task(run())

    def forget(done: asyncio.Task[None]) -> None:
        if _tasks.get(slot) is done:
            del _tasks[slot]

    task.add_done_callback(forget)


def cancel(key: str) -> None:
    """Stop retrying for ``key`` (its server is starting again)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    task = _tasks.pop((id(loop), key), None)
    if task is not None:
        task.cancel()


def pending(key: str) -> bool:
    """Whether a deletion for ``key`` is still being retried on the running loop."""
    task = _tasks.get((id(asyncio.get_running_loop()), key))
    return task is not None and not task.done()
