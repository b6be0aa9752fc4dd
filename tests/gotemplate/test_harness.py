"""The harness itself: it renders through kts's real chart path, parses errors, and fails on crashes."""

from __future__ import annotations

import pytest

from kts.gotemplate import InternalError, RenderError, TemplateSet
from kts.gotemplate.gotypes import GoFunc, Signature
from tests.gotemplate.helpers import VALUES
from tests.support.harness import error_parts, kts_render, not_internal
from tests.support.oracle import HelmFailure, helm_render

CASES = [
    "{{ .Values.str }} {{ .Release.Name }} {{ .Chart.Name }} {{ .Template.Name }}",
    "{{ range .Values.items }}{{ .name }}={{ .port }} {{ end }}{{ .Values.missing }}",
    "{{ include \"p\" . }}{{ define \"p\" }}[{{ .Values.big }}]{{ end }}",
    "{{ .Values.missing.foo }}",
    "{{ if }}",
]


@pytest.mark.parametrize("template", CASES)
def test_kts_render_matches_helm(chart_factory, template):
    chart = chart_factory({"t.yaml": template, "_p.tpl": "{{ define \"q\" }}q{{ end }}"}, values=VALUES)
    want = helm_render(chart)
    got = kts_render(chart)
    if isinstance(got, RenderError):
        assert isinstance(want, HelmFailure), str(got)
        assert error_parts(str(got)) == error_parts(want.message)
        return
    assert got == want


def _crashing_set(exc: Exception) -> TemplateSet:
    def boom() -> str:
        raise exc

    ts = TemplateSet({"boom": GoFunc(boom, Signature((), result="string"), "boom")})
    ts.parse("t", "{{ boom }}")
    ts.parse("outer", '{{ template "t" }}')
    return ts


@pytest.mark.parametrize("exc", [KeyError("k"), TypeError("unsupported"), AttributeError("x")])
def test_a_python_exception_in_a_function_fails_the_harness(exc):
    with pytest.raises(RenderError) as info:
        _crashing_set(exc).execute("outer")
    with pytest.raises(AssertionError, match="kts crashed"):
        not_internal(info.value)


def test_an_engine_crash_is_an_internal_error_and_fails_the_harness(monkeypatch):
    ts = TemplateSet()
    ts.parse("t", "{{ 1 }}")
    template = ts.lookup("t")
    assert template is not None

    def broken(self, ctx, dot):
        raise KeyError("engine defect")

    monkeypatch.setattr(type(template.compiled()), "run", broken)
    with pytest.raises(InternalError) as info:
        ts.execute("t")
    assert isinstance(info.value, RenderError)
    assert "internal error: KeyError('engine defect')" in str(info.value)
    with pytest.raises(AssertionError, match="kts crashed"):
        not_internal(info.value)


def test_a_chart_error_passes_the_harness():
    ts = TemplateSet()
    ts.parse("t", "{{ index 1 2 }}")
    with pytest.raises(RenderError) as info:
        ts.execute("t")
    assert not_internal(info.value) is info.value


def test_error_parts_forms():
    v4 = 'c/templates/t.yaml:1:10\n  executing "c/templates/t.yaml" at <.a.b>:\n    nil pointer'
    go = 'template: c/templates/t.yaml:1:10: executing "c/templates/t.yaml" at <.a.b>: nil pointer'
    assert error_parts(v4) == error_parts(go)
    assert error_parts("parse error at (c/t.yaml:3): unexpected EOF") == \
        error_parts("template: c/t.yaml:3: unexpected EOF")
