"""A Kubernetes API emulator for tests and demos (shares no code with kts.kube).

``Emulator`` (``kts.testing.emulator``) serves the API over HTTP on a loopback port and runs a
simulated control plane; the pytest fixtures ``kube_env`` and ``kube_emulator`` live in
``kts.testing.pytest_plugin``; ``kts emulator`` (``kts.testing.cli``) runs one from the shell.

Modules: ``server`` (HTTP routes, watch streams), ``operations`` (CRUD/patch/delete semantics),
``managedfields``/``fieldsets`` (server-side apply), ``validation``/``rules``/``schemas`` (defaults
and validation), ``store`` (objects, resourceVersions, history), ``controlplane``/``pods``/
``workloads``/``events`` (scheduler, kubelet, controllers, GC), ``processes``/``proxy`` (pods as
local processes, services on loopback), ``faults`` (fault injection, request log).
"""

from kts.testing.emulator import Emulator
from kts.testing.faults import RequestRecord
from kts.testing.pods import PodFailure

__all__ = ["Emulator", "PodFailure", "RequestRecord"]
