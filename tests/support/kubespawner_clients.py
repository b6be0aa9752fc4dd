"""Closing real KubeSpawner's shared clients at the end of a test, as JupyterHub's shutdown does."""

from __future__ import annotations

import asyncio

from kubespawner import clients

_HOLDER = "shared_client.<locals>.close_client_task"


async def close_shared_clients() -> None:
    """Close this loop's shared clients by cancelling the tasks that hold them open.

    KubeSpawner keeps each client open in a task that closes it once cancelled (JupyterHub cancels
    every task at shutdown); closing the client alone would leave that task pending.
    """
    loop = asyncio.get_running_loop()
    holders = [task for task in asyncio.all_tasks(loop)
               if getattr(task.get_coro(), "__qualname__", "").endswith(_HOLDER)]
    for task in holders:
        task.cancel()
    await asyncio.gather(*holders, return_exceptions=True)
    for key, api in list(clients._client_cache.items()):
        if key[0] is loop:
            clients._client_cache.pop(key, None)
            await api.api_client.close()
