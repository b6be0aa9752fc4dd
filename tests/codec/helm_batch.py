"""Render one template over many inputs with real Helm, one line of output per input."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from tests.support.oracle import HelmFailure, helm_render, write_chart

SEP = "\n<<<KTS-SEP>>>\n"


def helm_lines(body: str, items: list[Any], *, values_yaml: str = "") -> list[str]:
    """Render ``body`` once per item (bound to ``$x``) in one chart; return each output.

    ``items`` travel as JSON values under ``.Values.items``, so strings arrive unchanged.
    """
    template = "{{- range $i, $x := .Values.items }}" + body + SEP + "{{ end }}"
    with tempfile.TemporaryDirectory() as tmp:
        chart = write_chart(Path(tmp) / "mychart", {"t.yaml": template}, values=values_yaml)
        result = helm_render(chart, {"items": items})
    assert not isinstance(result, HelmFailure), result
    text = result["mychart/templates/t.yaml"]
    parts = text.split(SEP)
    assert parts[-1] == "", parts[-1]
    return parts[:-1]


def helm_render_one(template: str, values_yaml: str = "") -> str | HelmFailure:
    """Render a single template with a values.yaml text (Helm's own parse of it)."""
    with tempfile.TemporaryDirectory() as tmp:
        chart = write_chart(Path(tmp) / "mychart", {"t.yaml": template}, values=values_yaml)
        result = helm_render(chart)
    if isinstance(result, HelmFailure):
        return result
    return result["mychart/templates/t.yaml"]


def as_helm_values(value: Any) -> Any:
    """What a value becomes on its way into Helm as JSON: every number a float64."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dict):
        return {k: as_helm_values(v) for k, v in value.items()}
    return [as_helm_values(v) for v in value]
