from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
from hypothesis import settings

from tests.support.oracle import write_chart

pytest_plugins = ["kts.testing.pytest_plugin"]

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
