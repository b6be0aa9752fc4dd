"""The harness itself: its stand-alone renderer agrees with Helm, and error parsing works."""

from __future__ import annotations

import pytest

from kts.gotemplate import RenderError
from tests.gotemplate.helpers import VALUES
from tests.support.harness import error_parts, fallback_render
from tests.support.oracle import HelmFailure, helm_render

CASES = [
    "{{ .Values.str }} {{ .Release.Name }} {{ .Chart.Name }} {{ .Template.Name }}",
    "{{ range .Values.items }}{{ .name }}={{ .port }} {{ end }}{{ .Values.missing }}",
    "{{ include \"p\" . }}{{ define \"p\" }}[{{ .Values.big }}]{{ end }}",
    "{{ .Values.missing.foo }}",
    "{{ if }}",
]


@pytest.mark.parametrize("template", CASES)
def test_fallback_renderer_matches_helm(chart_factory, template):
    chart = chart_factory({"t.yaml": template, "_p.tpl": "{{ define \"q\" }}q{{ end }}"}, values=VALUES)
    want = helm_render(chart)
    try:
        got = fallback_render(chart)
    except RenderError as exc:
        assert isinstance(want, HelmFailure), str(exc)
        assert error_parts(str(exc)) == error_parts(want.message)
        return
    assert got == want


def test_error_parts_forms():
    v4 = 'c/templates/t.yaml:1:10\n  executing "c/templates/t.yaml" at <.a.b>:\n    nil pointer'
    go = 'template: c/templates/t.yaml:1:10: executing "c/templates/t.yaml" at <.a.b>: nil pointer'
    assert error_parts(v4) == error_parts(go)
    assert error_parts("parse error at (c/t.yaml:3): unexpected EOF") == \
        error_parts("template: c/t.yaml:3: unexpected EOF")
