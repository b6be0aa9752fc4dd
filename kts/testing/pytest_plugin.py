"""Pytest fixtures that give engine and spawner tests a Kubernetes API: the emulator, or a real
cluster when KTS_TEST_KUBECONFIG is set."""
