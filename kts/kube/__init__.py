"""Kubernetes engine: discovery, server-side apply, readiness, deletion by label, watch caches."""
