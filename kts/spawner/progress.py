"""Progress of one spawn: steps and Kubernetes Events, readable while the spawn runs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from kts.spawner.errors import html_message


class ProgressLog:
    """Append-only events of one spawn; readers follow until it is closed.

    Each event also carries its message as HTML (escaped, line breaks kept), which JupyterHub's
    spawn page shows instead of the text.

    A fresh log per spawn means a reader never sees an earlier spawn's events, and closing it
    on every exit path means a reader always terminates.
    """

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.closed = False
        self._changed = asyncio.Event()
        self._wait_progress = 50.0

    def add(self, message: str, progress: int | None = None, **extra: Any) -> None:
        if self.closed:
            return
        # The spawn page shows html_message when there is one: a pod's log keeps its lines.
        event: dict[str, Any] = {"message": message, "html_message": html_message(message), **extra}
        if progress is not None:
            event["progress"] = progress
        self.events.append(event)
        self._changed.set()

    def add_waiting(self, message: str, **extra: Any) -> None:
        """An event while waiting for readiness: progress creeps towards 95 without reaching it."""
        self._wait_progress += (95 - self._wait_progress) / 4
        self.add(message, int(self._wait_progress), **extra)

    def close(self) -> None:
        self.closed = True
        self._changed.set()

    async def follow(self) -> AsyncIterator[dict[str, Any]]:
        index = 0
        while True:
            while index < len(self.events):
                yield self.events[index]
                index += 1
            if self.closed:
                return
            self._changed.clear()
            if index < len(self.events) or self.closed:
                continue
            await self._changed.wait()
