from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from tests.support.oracle import write_chart

_counter = itertools.count()


@pytest.fixture
def chart_factory(tmp_path: Path):
    """Write a fresh chart directory per call: ``chart_factory({"t.yaml": "..."}, values="a: 1")``."""

    def make(templates: dict[str, str], **kw) -> Path:
        return write_chart(tmp_path / f"chart{next(_counter)}" / "mychart", templates, **kw)

    return make

pytest_plugins = ["kts.testing.pytest_plugin"]
