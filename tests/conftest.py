from __future__ import annotations

import asyncio
import functools
import itertools
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from tests.support.oracle import write_chart

# kts.testing's fixtures come from the package's pytest11 entry point (kts/pytest_entry.py).

# CI replays the same hypothesis examples on every run, so a red build always names a real,
# reproducible difference; local runs and KTS_HYPOTHESIS_PROFILE=long explore new examples.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI") and os.environ.get("KTS_HYPOTHESIS_PROFILE") != "long":
    settings.load_profile("ci")

_counter = itertools.count()


@pytest.fixture
def chart_factory(tmp_path: Path):
    """Write a fresh chart directory per call: ``chart_factory({"t.yaml": "..."}, values="a: 1")``."""

    def make(templates: dict[str, str], **kw) -> Path:
        return write_chart(tmp_path / f"chart{next(_counter)}" / "mychart", templates, **kw)

    return make


def _describe(task: asyncio.Task) -> str:
    coro = task.get_coro()
    code = getattr(coro, "cr_code", None)
    where = f" ({code.co_filename}:{code.co_firstlineno})" if code is not None else ""
    return f"{task.get_name()}: {getattr(coro, '__qualname__', coro)}{where}"


def _fail_on_pending_tasks(runner: asyncio.Runner) -> None:
    """Fail if tasks are still pending on a test loop whose fixtures have all been torn down.

    Such a task outlived what started it; the loop's close would otherwise cancel it unseen.
    """
    loop = runner.get_loop()
    if loop.is_closed():
        return
    for _ in range(3):  # tasks that teardown cancelled finish cancelling
        runner.run(asyncio.sleep(0))
    leaked = asyncio.all_tasks(loop)
    if leaked:
        names = "\n  ".join(sorted(_describe(task) for task in leaked))
        pytest.fail(f"{len(leaked)} asyncio task(s) still pending after teardown:\n  {names}", pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest) -> Any:
    # pytest-asyncio runs each loop scope (a test, or a module with loop_scope="module") in a
    # runner fixture. A finalizer added now runs after those of the async fixtures that use the
    # loop, which are added later, and before the runner's own teardown closes the loop.
    result = yield
    if fixturedef.argname.startswith("_") and fixturedef.argname.endswith("_scoped_runner"):
        fixturedef.addfinalizer(functools.partial(_fail_on_pending_tasks, result))
    return result
