"""Error paths: kts raises RenderError subclasses whose text is Helm's, naming file and cause."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

import kts
from kts.helm.api import load_chart, render_chart
from kts.helm.errors import ChartLoadError, SchemaError
from tests.helm.cases import fixture
from tests.support.oracle import HelmFailure, helm_render

TEMPLATE_ERRORS = {
    "missing-nested": "{{ .Values.missing.foo }}",
    "field-on-string": "a: {{ .Values.s.foo }}",
    "required": "x: {{ required \"need the thing\" .Values.thing }}",
    "required-in-include": '{{ define "h" }}{{ required "deep need" .nope }}{{ end }}v: {{ include "h" . }}',
    "fail": "{{ if true }}{{ fail \"stop here\" }}{{ end }}",
    "bad-call": "{{ index (list 1) 5 }}",
    "include-missing": '{{ include "nope" . }}',
    "include-error": '{{ define "inner" }}{{ .a.b.c }}{{ end }}x: {{ include "inner" . }}',
    "include-chain": ('{{ define "l2" }}{{ .Values.none.x }}{{ end }}{{ define "l1" }}{{ include "l2" . }}'
                      '{{ end }}{{ include "l1" . }}'),
    "tpl-parse": '{{ tpl "{{ .Values.s" . }}',
    "tpl-exec": '{{ tpl "{{ .Values.missing.x }}" . }}',
    "unclosed": "{{ if .Values.s }}open",
    "bad-comment": "{{/* c */ 1}}",
    "bad-function": "{{ nosuchfunc 1 }}",
    "wrong-type": "{{ upper .Values.n }}",
    "table-method": "{{ .Values.Table }}",
    "recursion": '{{ define "r" }}{{ include "r" . }}{{ end }}{{ include "r" . }}',
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(TEMPLATE_ERRORS))
def test_template_errors_match_helm(case: str, chart_factory) -> None:
    chart = chart_factory({"t.yaml": TEMPLATE_ERRORS[case]}, values="s: text\nn: 1\n")
    expected = helm_render(chart, {})
    assert isinstance(expected, HelmFailure)
    with pytest.raises(kts.RenderError) as info:
        render_chart(chart)
    assert str(info.value) == expected.message
    assert info.value.template.startswith("mychart/templates/")


def test_error_in_subchart_template_names_it(chart_factory) -> None:
    chart = chart_factory({"a.yaml": "a: 1"}, chart_yaml="apiVersion: v2\nname: mychart\nversion: 0.1.0\n",
                          files={"charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
                                 "charts/sub/templates/b.yaml": "{{ .Values.x.y }}"})
    expected = helm_render(chart, {})
    assert isinstance(expected, HelmFailure)
    with pytest.raises(kts.RenderError) as info:
        render_chart(chart)
    assert str(info.value) == expected.message
    assert "mychart/charts/sub/templates/b.yaml:1:" in str(info.value)


def _schema_lines(text: str) -> list[str]:
    """Helm lists one chart's violations in Go map order (random): compare them as a sorted block."""
    out: list[str] = []
    block: list[str] = []
    for line in text.splitlines():
        if line.startswith("- at "):
            block.append(line)
        else:
            out.extend(sorted(block))
            block = []
            out.append(line)
    return out + sorted(block)


def test_schema_errors_match_helm() -> None:
    values = {"replicas": 20, "image": {"repository": ""}, "mode": "x", "ports": ["a", 1],
              "limited": {"level": 9, "extra": 1}}
    expected = helm_render(fixture("schema"), values)
    assert isinstance(expected, HelmFailure)
    with pytest.raises(SchemaError) as info:
        render_chart(fixture("schema"), values)
    assert _schema_lines(str(info.value)) == _schema_lines(expected.message)
    for values in ({"replicas": 1.5, "image": {"tag": 3}}, {"image": None}, {"limited": "str"}):
        expected = helm_render(fixture("schema"), values)
        assert isinstance(expected, HelmFailure)
        with pytest.raises(kts.RenderError) as info:
            render_chart(fixture("schema"), values)
        assert _schema_lines(str(info.value)) == _schema_lines(expected.message)


def test_missing_chart_yaml(tmp_path: Path) -> None:
    (tmp_path / "values.yaml").write_text("a: 1\n")
    with pytest.raises(ChartLoadError) as info:
        load_chart(tmp_path)
    assert str(info.value) == "Chart.yaml file is missing"
    assert info.value.path == str(tmp_path / "Chart.yaml")


def test_bad_yaml_names_file_and_line(chart_factory) -> None:
    chart = chart_factory({"a.yaml": "a: 1"}, values="a: 1\nb: [1,\nc: 2\n")
    expected = helm_render(chart, {})
    assert isinstance(expected, HelmFailure)
    with pytest.raises(ChartLoadError) as info:
        load_chart(chart)
    assert str(info.value).startswith("cannot load values.yaml: ")
    assert "line 3" in str(info.value)
    chart = chart_factory({"a.yaml": "a: 1"}, chart_yaml="apiVersion: v2\nname: [x\n")
    with pytest.raises(ChartLoadError) as info:
        load_chart(chart)
    assert str(info.value).startswith("cannot load Chart.yaml: error converting YAML to JSON: yaml: line ")


@pytest.mark.parametrize(("chart_yaml", "message"), [
    ("apiVersion: v2\nversion: 1.0.0\n", "validation: chart.metadata.name is required"),
    ("apiVersion: v2\nname: x\n", "validation: chart.metadata.version is required"),
    ("apiVersion: v2\nname: x\nversion: one\n", 'validation: chart.metadata.version "one" is invalid'),
    ("apiVersion: v2\nname: x\nversion: 1.0.0\ntype: weird\n",
     "validation: chart.metadata.type must be application or library"),
    ("apiVersion: v2\nname: x\nversion: 1.0.0\ndependencies:\n- name: a\n  alias: b.c\n",
     'validation: dependency "a" has disallowed characters in the alias'),
])
def test_invalid_metadata(chart_factory, chart_yaml: str, message: str) -> None:
    chart = chart_factory({"a.yaml": "a: 1"}, chart_yaml=chart_yaml)
    expected = helm_render(chart, {})
    assert isinstance(expected, HelmFailure)
    assert message in expected.message
    with pytest.raises(ChartLoadError) as info:
        load_chart(chart)
    assert str(info.value) == message


def test_missing_dependency(chart_factory, capsys: pytest.CaptureFixture[str]) -> None:
    from kts import cli

    chart = chart_factory({"a.yaml": "a: 1"}, chart_yaml=(
        "apiVersion: v2\nname: mychart\nversion: 1.0.0\ndependencies:\n- name: absent\n  version: 1.0.0\n"))
    # The engine (and Helm's SDK render) skips missing dependencies; `helm template` refuses them.
    assert render_chart(chart) == helm_render(chart)
    assert cli.main(["template", str(chart)]) == 1
    assert capsys.readouterr().err == (
        "Error: an error occurred while checking for chart dependencies. You may need to run 'helm "
        "dependency build' to fetch missing dependencies: found in Chart.yaml, but missing in charts/ "
        "directory: absent\n")


def test_bad_archives(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tgz"
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(ChartLoadError) as info:
        load_chart(bad)
    assert str(bad) in str(info.value)
    assert "does not appear to be a gzipped archive" in str(info.value)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        data = b"apiVersion: v2\nname: x\nversion: 1.0.0\n"
        info_ = tarfile.TarInfo("Chart.yaml")
        info_.size = len(data)
        tar.addfile(info_, io.BytesIO(data))
    flat = tmp_path / "flat.tgz"
    flat.write_bytes(buf.getvalue())
    truncated = tmp_path / "trunc.tgz"
    truncated.write_bytes((fixture("packed-0.2.0.tgz")).read_bytes()[:60])
    for archive in (bad, flat, truncated):
        expected = helm_render(archive)
        assert isinstance(expected, HelmFailure)
        with pytest.raises(ChartLoadError) as info:
            load_chart(archive)
        assert str(info.value) == expected.message


def test_subchart_load_error_names_subchart(chart_factory) -> None:
    chart = chart_factory({"a.yaml": "a: 1"}, files={"charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\n"})
    with pytest.raises(ChartLoadError) as info:
        load_chart(chart)
    assert str(info.value) == ("error unpacking subchart sub in mychart: validation: "
                               "chart.metadata.version is required")
    assert info.value.path == str(chart / "charts/sub/Chart.yaml")


def test_library_chart_is_not_installable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kts import cli

    code = cli.main(["template", str(fixture("library/charts/common"))])
    assert code == 1
    assert capsys.readouterr().err == "Error: library charts are not installable\n"


LOAD_ERRORS = [
    ("values", "a: 1\nb: [1,\nc: 2\n"), ("values", "- 1\n"), ("values", "a: 1\n--- x\nb: 2\n"),
    ("values", "a: .inf\n"), ("chart", "apiVersion: v2\nname: [x\n"),
    ("chart", "apiVersion: v2\nname: x\nversion: 1.0.0\nmaintainers: [null]\n"),
    ("chart", "apiVersion: v2\nname: x\nversion: 1.0.0\nmaintainers: [{name: [1]}]\n"),
    ("chart", "apiVersion: v2\nname: x\nversion: 1.0.0\nkeywords: 5\n"),
    ("chart", "apiVersion: v2\nname: x\nversion: 1.0.0\ndependencies: [{name: a, tags: x}]\n"),
    ("chart", "- a\n"), ("chart", "apiVersion: v2\nname: x/y\nversion: 1.0.0\n"),
    ("chart", "apiVersion: v2\nname: ..\nversion: 1.0.0\n"),
    ("ignore", "a/**/b\n"), ("lock", "dependencies: [\n"),
]


@pytest.mark.parametrize(("kind", "text"), LOAD_ERRORS)
def test_load_errors_match_helm(chart_factory, kind: str, text: str) -> None:
    kw: dict = {"values": text} if kind == "values" else {"chart_yaml": text} if kind == "chart" else {
        "files": {".helmignore" if kind == "ignore" else "Chart.lock": text}}
    chart = chart_factory({"t.yaml": "{{ .Chart.Name }}"}, **kw)
    expected = helm_render(chart, {})
    assert isinstance(expected, HelmFailure)
    with pytest.raises(ChartLoadError) as info:
        load_chart(chart)
    assert str(info.value) == expected.message
    assert info.value.path.startswith(str(chart))
