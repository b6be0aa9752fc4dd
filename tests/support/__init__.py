"""Shared test helpers: the real-Helm oracle and chart writers."""
