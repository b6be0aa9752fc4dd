"""Fuzzing whole charts: mutated chart files and archives only ever fail as a chart error.

Loading and rendering may raise a RenderError (the loader's ChartLoadError, a values or schema
error, a template error) but never an engine crash, and ``kts template`` never prints a
Python traceback.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kts.gotemplate import RenderError
from kts.helm.api import load_chart
from tests.support.harness import not_internal

LONG = os.environ.get("KTS_HYPOTHESIS_PROFILE") == "long"
EXAMPLES = 2000 if LONG else 120

CHART = {
    "Chart.yaml": "apiVersion: v1\nname: fuzz\nversion: 0.1.0\nkubeVersion: '>=1.20.0-0'\n",
    "values.yaml": "a: 1\nlist: [1, x]\nsub:\n  p: 2\nglobal:\n  g: true\n",
    "values.schema.json": '{"type":"object","properties":{"a":{"type":"integer","minimum":0},'
                          '"list":{"type":"array","items":{"anyOf":[{"type":"number"},{"type":"string"}]}}},'
                          '"$defs":{"x":{"$ref":"#/$defs/x/not"}}}',
    ".helmignore": "*.bak\n# comment\n/secret/\ntemplates/*.orig\n",
    "requirements.yaml": "dependencies:\n- name: sub\n  version: 0.1.0\n  condition: sub.enabled\n",
    "templates/cm.yaml": "a: {{ .Values.a }}\nl: {{ .Values.list | toJson }}\n",
    "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
    "charts/sub/values.schema.json": '{"properties":{"p":{"multipleOf":2}}}',
    "charts/sub/templates/s.yaml": "p: {{ .Values.p }}\n",
}
MUTABLE = ["Chart.yaml", "values.yaml", "values.schema.json", ".helmignore", "requirements.yaml",
           "charts/sub/values.schema.json"]
ALPHABET = st.sampled_from([b"{", b"}", b"[", b"]", b":", b",", b'"', b"'", b"-", b" ", b"\n", b"\t",
                            b"#", b"&a", b"*a", b"!!", b"~", b"0", b"1e999", b"null", b"$ref", b"\xff",
                            b"\x00", b"/", b"\\", b"*", b"!", b"name", b"version", b"type"])


def _write(root: Path, files: dict[str, bytes]) -> Path:
    chart = root / "fuzz"
    for name, data in files.items():
        path = chart / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return chart


def _mutate(data: bytes, draw: st.DataObject) -> bytes:
    for _ in range(draw.draw(st.integers(1, 4))):
        i = draw.draw(st.integers(0, len(data)))
        if data and draw.draw(st.booleans()):
            j = draw.draw(st.integers(i, min(len(data), i + 6)))
            data = data[:i] + data[j:]
        else:
            data = data[:i] + draw.draw(ALPHABET) + data[i:]
    return data


def _exercise(path: Path) -> None:
    try:
        chart = load_chart(path)
    except RenderError as exc:
        not_internal(exc)
        return
    for values in (None, {"a": -1, "sub": {"p": 3}}, {"sub": None}):
        try:
            chart.render(values)
        except RenderError as exc:
            not_internal(exc)


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=not LONG)
@given(name=st.sampled_from(MUTABLE), data=st.data())
def test_mutated_chart_files_only_fail_as_chart_errors(name, data):
    files = {k: v.encode() for k, v in CHART.items()}
    files[name] = _mutate(files[name], data)
    with tempfile.TemporaryDirectory() as tmp:
        _exercise(_write(Path(tmp), files))


def _archive() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, text in CHART.items():
            data = text.encode()
            info = tarfile.TarInfo(f"fuzz/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


ARCHIVE = _archive()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=not LONG)
@given(data=st.data())
def test_mutated_archives_only_fail_as_chart_errors(data):
    raw = bytearray(ARCHIVE)
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        raw = raw[:data.draw(st.integers(0, len(raw)))]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz-0.1.0.tgz"
        path.write_bytes(bytes(raw))
        _exercise(path)


BROKEN = {
    "schema-json": {"values.schema.json": "{bad"},
    "schema-type": {"values.schema.json": '{"type":"objecc"}'},
    "schema-list": {"values.schema.json": "[]"},
    "schema-ref": {"values.schema.json": '{"$ref":"#/nope"}'},
    "chart-yaml": {"Chart.yaml": "name: [\n"},
    "values-yaml": {"values.yaml": "a: *x\n"},
    "requirements": {"requirements.yaml": "dependencies: 7\n"},
    "helmignore": {".helmignore": "[\n"},
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(BROKEN))
def test_cli_never_prints_a_traceback(tmp_path, case):
    files = {k: v.encode() for k, v in {**CHART, **BROKEN[case]}.items()}
    chart = _write(tmp_path, files)
    proc = subprocess.run([sys.executable, "-m", "kts.cli", "template", str(chart)], capture_output=True,
                          text=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert "Traceback" not in proc.stderr
    assert "internal error" not in proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    if proc.returncode:
        assert proc.stderr.startswith("Error: "), proc.stderr
