"""A pytest plugin that reports what the real-cluster mode does, for tests/test_real_cluster_mode.py.

Loaded with ``-p tests.support.real_cluster_probe`` in a pytest run where ``KTS_TEST_KUBECONFIG``
is set, it writes a JSON report to the path in ``KTS_REAL_MODE_REPORT``: every collected test with
its fixtures and the skip marks that apply to it, the outcome and skip reason of each test run, and
every in-process ``Emulator`` a test started (in this mode there should be none: the cluster is
the one behind the kubeconfig). ``KTS_REAL_MODE_RUN`` (node-id prefixes, comma-separated; a
leading ``!`` excludes) limits what runs; the rest is deselected after being recorded.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import pytest

REPORT_ENV = "KTS_REAL_MODE_REPORT"
RUN_ENV = "KTS_REAL_MODE_RUN"

_report: dict[str, Any] = {"collected": {}, "outcomes": {}, "emulators": []}
_current: list[str] = [""]


def pytest_configure(config: pytest.Config) -> None:
    from kts.testing.emulator import Emulator

    original = Emulator.start

    @functools.wraps(original)
    async def start(self: Emulator) -> None:
        _report["emulators"].append(_current[0])
        await original(self)

    Emulator.start = start  # type: ignore[method-assign]


def _static_skip(item: pytest.Item) -> str | None:
    """The reason of a skip mark that applies before the test runs (skip, or skipif whose
    condition was already decided at import), else None."""
    for mark in item.iter_markers():
        if mark.name == "skip":
            return str(mark.kwargs.get("reason", mark.args[0] if mark.args else "skipped"))
        if mark.name == "skipif":
            condition = mark.args[0] if mark.args else mark.kwargs.get("condition")
            if isinstance(condition, bool) and condition:
                return str(mark.kwargs.get("reason", ""))
    return None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        _report["collected"][item.nodeid] = {
            "fixtures": sorted(getattr(item, "fixturenames", [])),
            "static_skip": _static_skip(item),
        }
    wanted = [p for p in os.environ.get(RUN_ENV, "").split(",") if p]
    if not wanted:
        return
    included = tuple(p for p in wanted if not p.startswith("!"))
    excluded = tuple(p[1:] for p in wanted if p.startswith("!"))
    kept = [i for i in items if i.nodeid.startswith(included) and not i.nodeid.startswith(excluded)]
    config.hook.pytest_deselected(items=[i for i in items if i not in kept])
    items[:] = kept


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    _current[0] = item.nodeid
    yield
    _current[0] = ""


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    outcomes = _report["outcomes"]
    if report.skipped:
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        outcomes[report.nodeid] = {"outcome": "skipped", "reason": reason.removeprefix("Skipped: ")}
    elif report.failed:
        detail = str(report.longrepr)[-3000:]
        outcomes[report.nodeid] = {"outcome": "failed", "when": report.when, "detail": detail}
    elif report.when == "call":
        outcomes.setdefault(report.nodeid, {"outcome": "passed"})


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = os.environ.get(REPORT_ENV)
    if path:
        Path(path).write_text(json.dumps(_report, indent=1))
