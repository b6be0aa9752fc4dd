"""pytest's entry point for kts's fixtures (``kube_env`` and the rest of ``kts.testing``'s plugin).

Registered for every install, so it loads the plugin only where the ``[kube]`` extra is present:
with the base install alone, importing ``kts.testing`` would fail and stop every pytest run.
"""

from __future__ import annotations

from importlib.util import find_spec

if all(find_spec(name) is not None for name in ("aiohttp", "kubernetes_asyncio", "kubernetes_validate")):
    pytest_plugins = ["kts.testing.pytest_plugin"]
