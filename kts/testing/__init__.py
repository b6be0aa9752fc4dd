"""A Kubernetes API emulator for tests and demos (shares no code with kts.kube).

``Emulator`` (``kts.testing.emulator``) serves the API over HTTP on a loopback port and runs a
simulated control plane; the pytest fixtures ``kube_env`` and ``kube_emulator`` live in
``kts.testing.pytest_plugin``; ``kts emulator`` (``kts.testing.cli``) runs one from the shell.

Modules: ``server`` (HTTP routes, watch streams), ``operations`` (CRUD/patch/delete semantics),
``managedfields``/``fieldsets`` (server-side apply), ``validation``/``rules``/``schemas`` (defaults
and validation), ``kubeschema``/``openapi`` (Kubernetes' published schemas, /openapi/v2 and v3),
``protobuf`` (protobuf request bodies), ``authz`` (self-subject reviews), ``tables`` (Table
responses), ``store`` (objects, resourceVersions, history), ``controlplane``/``pods``/
``workloads``/``events`` (scheduler, kubelet, controllers, GC), ``processes``/``proxy`` (pods as
local processes, services on loopback), ``faults`` (fault injection, request log).
"""

import importlib.util

from kts.extras import missing_extra

# Third-party modules of the [kube] extra: aiohttp serves the API, the pytest plugin's clients use
# kubernetes_asyncio, kubernetes_validate ships Kubernetes' own schemas.
for _module in ("aiohttp", "kubernetes_asyncio", "kubernetes_validate"):
    if importlib.util.find_spec(_module) is None:
        raise missing_extra("kts.testing", _module, "kube")

from kts.testing.emulator import Emulator  # noqa: E402
from kts.testing.faults import RequestRecord  # noqa: E402
from kts.testing.pods import PodFailure  # noqa: E402

__all__ = ["Emulator", "PodFailure", "RequestRecord"]
