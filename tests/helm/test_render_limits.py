"""Limits passed to render_chart bound one render: time, here, for charts that loop on slow calls."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import kts
from kts import RenderLimits
from tests.support.oracle import write_chart

SLOW = '{{ $s := repeat 2000 "x" }}{{ range until 1000000 }}{{ $_ := sha256sum $s }}{{ end }}'
SLOW_TEMPLATES = ('{{ define "g" }}{{ end }}{{ define "h" }}' + '{{ template "g" }}' * 20 + '{{ end }}'
                  '{{ range until 1000000 }}{{ template "h" }}{{ end }}')


@pytest.mark.slow
@pytest.mark.parametrize("text", [SLOW, SLOW_TEMPLATES], ids=["function-calls", "template-calls"])
def test_a_render_past_max_seconds_stops(tmp_path: Path, text: str) -> None:
    chart = write_chart(tmp_path / "mychart", {"t.yaml": text})
    started = time.monotonic()
    with pytest.raises(kts.RenderError) as info:
        kts.render_chart(chart, limits=RenderLimits(max_seconds=1))
    assert time.monotonic() - started < 15  # stopped soon after the second, not at the end
    assert "RenderLimits.max_seconds (1 s)" in str(info.value)
    assert info.value.template == "mychart/templates/t.yaml" and info.value.line == 1


def test_a_render_within_max_seconds_is_unchanged(tmp_path: Path) -> None:
    text = '{{ range until 100 }}{{ sha256sum "x" | trunc 4 }}{{ end }}'
    chart = write_chart(tmp_path / "mychart", {"t.yaml": text})
    out = kts.render_chart(chart, limits=RenderLimits(max_seconds=1))
    assert out["mychart/templates/t.yaml"] == "2d71" * 100


def test_max_seconds_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_seconds"):
        RenderLimits(max_seconds=0)
