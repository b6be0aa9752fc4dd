"""The pytest11 entry point loads kts.testing's fixtures only where the [kube] extra is installed."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
from typing import Any

import pytest

import kts.pytest_entry


def test_the_entry_point_is_registered() -> None:
    (entry,) = [e for e in importlib.metadata.entry_points(group="pytest11") if e.name == "kts"]
    assert entry.value == "kts.pytest_entry"


def test_the_fixtures_load_with_the_kube_extra(kube_env: Any) -> None:
    assert kts.pytest_entry.pytest_plugins == ["kts.testing.pytest_plugin"]
    assert kube_env is not None  # the fixture came from the entry point: no conftest names the plugin


def test_nothing_loads_without_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "kubernetes_asyncio" else real(name, *a))
    try:
        del kts.pytest_entry.pytest_plugins  # a reload runs the module again in the same namespace
        module = importlib.reload(kts.pytest_entry)
        assert not hasattr(module, "pytest_plugins")
    finally:
        monkeypatch.undo()
        importlib.reload(kts.pytest_entry)
