"""Helm charts: loading, values, dependencies, rendering and output, as Helm v4.2 does them."""
