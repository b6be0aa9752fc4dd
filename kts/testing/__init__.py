"""A Kubernetes API emulator for tests and demos (shares no code with kts.kube)."""

from kts.testing.emulator import Emulator
from kts.testing.faults import RequestRecord
from kts.testing.pods import PodFailure

__all__ = ["Emulator", "PodFailure", "RequestRecord"]
