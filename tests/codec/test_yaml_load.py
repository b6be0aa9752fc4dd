"""YAML decoding (sigs.k8s.io/yaml over go-yaml v2) against real Helm's fromYaml and values files."""

from __future__ import annotations

from pathlib import Path

import pytest

from kts.codec import yaml as kyaml
from kts.codec.json import marshal
from tests.codec.helm_batch import helm_lines, helm_render_one
from tests.support.oracle import HelmFailure, helm_render, write_chart

DOCS = [
    "a: yes\nb: 0755\nc: 1_000\nd: 1:30\ne: 2024-01-02\nf: ~\ng: 1e3\nh: 0x1F\ny: 1\n1: 2\n2.5: x\n",
    "z: 12345678901234567890\nw: -12345678901234567890\nv: 9223372036854775807\n",
    "a: 08\nb: 0o17\nc: 0b101\nd: -0b11\ne: +12\nf: .5\ng: 1.\nh: 1e400\ni: 0.1e-400\n",
    "j: 9223372036854775808\nk: -9223372036854775809\nl: 0x_1F\nm: 1__0\nn: 0b_1\no: -0x10\n",
    "a: Y\nb: NO\nc: On\nd: oFF\ne: TRUE\nf: tRUE\ng: Null\nh: NULL\ni: nULL\nj: '~'\n",
    "a: .5e3\nb: .Inf2\nc: +.5\nd: -.5\ne: 1e-3\nf: 1E3\ng: 6.02e+23\nh: 1.5_0\ni: 0.1\n",
    "a: 1:2:3\nb: 190:20:30.15\nc: 2001-12-14t21:59:43.10-05:00\nd: 2001-12-14 21:59:43.10\n",
    "a: .inf", "a: [1, .nan]\nb: .inf", "a: -.inf\nb: .nan\n",
    "a: &x {b: 1}\nc: *x\nd:\n  <<: *x\n  e: 2\n", "a: 1\na: 2",
    "- 1\n- 2", "just a string", "42", "true", "null", "",
    "# only a comment\n", "a: 1\nb: c: d\n",
    "a:\n\tb: 1", "a: 'x\nb: 1", "a: \"\\q\"", "a: [1, 2\nb: 3", "a: {b: 1\n", "a: 1\n- b",
    "- a\nb: 1", "a: *nope", "a: !!int x", "a: !!float 1\nb: !!str 12\nc: !!binary aGVsbG8=\nd: !foo bar",
    "on: 1\noff: 2\n~: 3", "1.5: a\n1e3: b\n0.1: c\n0.3: d\n1e20: e\n-0.0: f\n", "a: &a [*a]",
    "<<: {a: 1}\na: 2", "a: 2\n<<: {a: 1}", "<<: [{a: 1}, {a: 2, b: 3}]", "<<: 5", "<<: [1]",
    "a: 1\n---\nb: [", "key: \"unterminated", "a: |\n  x\n b", "? [1]\n: 2", "a: - 1",
    "a:\n  - b\n  c: 1", "a: b\n  c: d", "a: @x", "a: `x", "a: %x", "\t", "a: 1\n  b: 2\n",
    "x: !!timestamp 2001-01-01\ny: 2001-13-01\nz: 2001-02-29 1:2:3\n",
    "a: 1 # c\nb: 'it''s'\nc: \"\\u00e9\\x41\\t\"\n",
    "a:\n  b:\n    c: [1, {d: e}]\n", "a: >\n  folded\n  text\n\n  para\nb: |+\n  keep\n\n",
    "---\na: 1\n...\n", "%YAML 1.1\n---\na: 1", "a: !!str\nb: !!null ''", "a: [a, b]: c",
    "a: {b: [c, {d: e}], f: g}\n", "a: &a 1\nb: &a 2\nc: *a\n", "? |\n  block key\n: v\n",
    "a: !!binary |\n  aGVs\n  bG8=\n", "a: !!binary '!!'\n", "a: !!bool 1\n", "a: !!int 1.5\n",
    "a: !!float 1.5\nb: !!int 0x10\nc: !!null ~\n", "&a a: b\n*a : c\n", "[1, 2]", "{a: 1}",
    "a: 'multi\n  line'\nb: \"x\n\n  y\"\nc: plain\n  continued\n",
    "a: \"\\x00\"\n", "a: \"\\ud800\"\n", "a: |\n\tx\n", "- - 1\n  - 2\n- - 3\n",
    "a:\n- 1\n- 2\nb:\n  - 3\n", "a: b: c: d", "a: [b: c]\n", "a: {? b : c}\n",
    "0: a\n00: b\n0.5: c\n", "yes: 1\nno: 2\n", "é: ü\n'a\tb': 1\n",
    # tabs and colons, where libyaml and PyYAML differ
    "a:\tb", "a: b\tc", "a: b \t c", "a:\t\tb\n", "a: [1,\t2]", "{a:\t1}", "- a\n-\tb",
    "a:\n  b: 1\n\tc: 2", "a: b\n\tc", "a: |\n  x\n\ty", "? a\n:\tb", "a: b\t#c", "a: b\t",
    "\ta: 1", "[a:]", "{a:b}", "[a:b, c: d]", "{a: [b:c]}", "a: b:c", "- a :b", "[a :b]",
    "a: x\n  \ty", "a:\n  - b\n  \t- c", "- \ta", "key:\tvalue\nk2:\t  v2", "a:\n\n\tb",
    "a: [", "a: {", "a: 'x", "- [a, b", "a: !!binary", "a: &x", "a: *", "{a: 1}}", "[1]]",
    # directives, block-scalar headers, escapes and end-of-stream positions
    "%YAML 1.1# c\n---\na: 1", "%YAML 1.2\n---\na: 1", "%YAML 1.1?", "%YAML 2.0\n---\na: 1",
    "a: |# c\n  x", "a: |-\t\n  x", "a: >2 # c\n   x", 'a: "\\\'"', 'a: "\\/"', "a: !\"x\"",
    "a: |0\n  x", "a: |-0\n  x", "a: |2-\n   x\n", "a: >+1\n  x\n\n", "a: |1+ # c\n x\n",
    "a: |-2 x\n  y", "a: |3\n x",
    "null*a---~:\n1.5\"1yes", "- :: \t\r\n~", "? \nb<<:|\\n0x1F&a ",
    # flow collections and question marks that libyaml's C parser may read
    "a: [x, y]\nb: {c: d, e: [1, 2.5, yes, null]}\n", "k: [http://x/y, a:b, 'q', \"r\"]\n",
    "a: {b: c:d}\n", "a: 'q?'\nb: c?d\n? e\n: f\n", "a: [b, c]\nd: 1e3\ne: 2001-01-01\nf: ~\n",
    "a: [\n  b,\n  c\n]\nd: {\n  e: f }\n", "a: [b, {c: [d, e]}, []]\n",
]


def _ours(doc: str, target: str, array: bool = False) -> str:
    try:
        value = kyaml.unmarshal(doc, target)
    except kyaml.YAMLError as exc:
        return marshal([str(exc)] if array else {"Error": str(exc)})
    if value is None:
        value = [] if array else {}
    return marshal(value)


def test_from_yaml_matches_helm() -> None:
    expected = helm_lines("{{ fromYaml $x | toJson }}", DOCS)
    for doc, exp in zip(DOCS, expected, strict=True):
        assert _ours(doc, "map") == exp, doc


def test_from_yaml_array_matches_helm() -> None:
    expected = helm_lines("{{ fromYamlArray $x | toJson }}", DOCS)
    for doc, exp in zip(DOCS, expected, strict=True):
        assert _ours(doc, "list", array=True) == exp, doc


VALUES_FILES = [
    "a: 1\n---\nb: 2\n", "---\na: {x: 1}\n---\na: {y: 2}\n", "a: 1\n--- # c\nb: 2", "a: 1\n--- b: 2\n",
    "a: 1\n----\n", "a: 1\n---\n- 1\n", "a: 1\n---\nb: [\n", "a: 1\n---\n\n---\nc: 3\n",
    "x: 1\n...\n---\ny: 2", "a: |\n  x\n  ---\n  y\n", "a: 1\nb: c: d\n", "big: 1000000\nsmall: 0.00001\n",
    "a: {b: 1, c: [1, 2]}\n---\na: {b: 2, d: 3}\n---\na: 4\n",
]


@pytest.mark.parametrize("text", VALUES_FILES)
def test_values_file_matches_helm(text: str) -> None:
    expected = helm_render_one("{{ .Values | toJson }}", text)
    try:
        got = marshal(kyaml.load_values(text, multi_doc=True))
    except kyaml.YAMLError as exc:
        assert not isinstance(expected, str)
        assert expected.message == "cannot load values.yaml: " + str(exc)
        return
    assert got == expected


def test_error_carries_line() -> None:
    with pytest.raises(kyaml.YAMLError) as info:
        kyaml.load_values("a: 1\nb: 2\nc: d: e\n")
    assert info.value.line == 3
    assert str(info.value) == ("error converting YAML to JSON: yaml: line 3: "
                               "mapping values are not allowed in this context")
    assert isinstance(info.value, ValueError)


def test_numbers_become_float64() -> None:
    assert kyaml.load_values("a: 1\nb: [2, 0x10]\n") == {"a": 1.0, "b": [2.0, 16.0]}
    assert type(kyaml.load_values("a: 1\n")["a"]) is float


RAW_VALUES = [b"a: \xff\n", b"a: b\nc: \xc3\n", b"a: \xe2\x82\n", b"x: 1\n# \xff comment\n", b"a: \x01\n",
              b"a: \x7f\n", b'a: "\x85"\n', b"\xef\xbb\xbfa: 1\n", b"a: \xed\xa0\x80\n", b"a: x\xc2\x85y\n"]


@pytest.mark.parametrize("data", RAW_VALUES)
def test_values_file_bytes_match_helm(data: bytes, tmp_path: Path) -> None:
    chart = write_chart(tmp_path / "mychart", {"t.yaml": "{{ .Values | toJson }}"})
    (chart / "values.yaml").write_bytes(data)
    expected = helm_render(chart)
    text = data.decode("utf-8", "surrogateescape")
    try:
        got = marshal(kyaml.load_values(text, multi_doc=True))
    except kyaml.YAMLError as exc:
        assert isinstance(expected, HelmFailure), expected
        assert expected.message == "cannot load values.yaml: " + str(exc)
        return
    assert not isinstance(expected, HelmFailure), expected
    assert got == expected["mychart/templates/t.yaml"]
