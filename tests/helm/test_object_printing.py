"""Helm's built-in objects as fmt sees them: Go prints a struct through ``String()`` only where the
method is reachable (``KubeVersion.String`` has a pointer receiver), dereferences pointers at the
top of ``{{ }}``, and shows unexported fields under ``%v``/``%+v``."""

from __future__ import annotations

from pathlib import Path

from tests.support.harness import kts_render
from tests.support.oracle import helm_render, write_chart

EXPRESSIONS = [
    '.Capabilities.KubeVersion',
    'printf "%s" .Capabilities.KubeVersion',
    'printf "%v" .Capabilities.KubeVersion',
    'printf "%+v" .Capabilities.KubeVersion',
    'printf "%T" .Capabilities.KubeVersion',
    'toString .Capabilities.KubeVersion',
    '.Capabilities.KubeVersion | quote',
    '.Capabilities.KubeVersion | squote',
    'cat .Capabilities.KubeVersion',
    'print .Capabilities.KubeVersion',
    'list .Capabilities.KubeVersion',
    '.Capabilities.KubeVersion | toJson',
    '$kv := .Capabilities.KubeVersion }}{{ $kv',
    '.Capabilities.KubeVersion.String',
    '.Capabilities',
    'printf "%v" .Capabilities',
    'printf "%+v" .Capabilities',
    '.Capabilities.HelmVersion',
    'printf "%#v" .Capabilities.HelmVersion',
    'semver "1.2.3"',
    'printf "%v" ((semver "1.2.3").IncMinor)',
    '.Files',
    'typeOf .',
    'typeOf $',
    'typeOf .Template',
    'typeOf .Subcharts',
    'typeOf .Values',
]


def test_builtin_objects_print_like_helm(tmp_path: Path) -> None:
    chart = write_chart(tmp_path / "mychart", {"t.yaml": "\n".join("{{ " + e + " }}" for e in EXPRESSIONS)})
    want = helm_render(chart)["mychart/templates/t.yaml"].split("\n")
    got = kts_render(chart)["mychart/templates/t.yaml"].split("\n")
    assert len(want) == len(got) == len(EXPRESSIONS)
    bad = [(e, w, g) for e, w, g in zip(EXPRESSIONS, want, got, strict=True) if w != g]
    assert not bad, "\n".join(map(repr, bad))
