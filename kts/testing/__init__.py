"""A Kubernetes API emulator for tests and demos (shares no code with kts.kube)."""
