"""``values.schema.json``: kts fails exactly where Helm fails, with Helm's words.

Every expectation comes from real Helm. Helm walks Go maps in random order, so when several
properties of one object fail, the order of those sibling errors is compared as a set.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from kts.cli import main
from kts.gotemplate import RenderError
from kts.gotemplate.gotypes import Int64
from kts.helm.api import render_chart
from kts.helm.schema import validate_single
from tests.support.harness import kts_render
from tests.support.oracle import HelmFailure, helm_render, write_chart


def S(**kw: Any) -> str:
    return json.dumps(kw)


def _props(**kw: Any) -> str:
    return S(properties=kw)


MALFORMED = [
    '{"type":"objecc"}', '{"minimum":"x"}', '{"$ref":"#/definitions/nope"}', "[]", '"str"', "null",
    "{bad json", "", '{"a":1,}', '{"a" 1}', "[1,2", '{"a":tru}', '{"a":"\\x"}', '{"a":01}',
    '{"type":"object"} x', '{"pattern":"("}', '{"properties":{"a":{"pattern":"(?=x)"}}}',
    '{"$ref":"#foo"}', '{"$ref":"other-missing.json"}', '{"required":"a"}', '{"properties":[]}',
    '{"properties":{"a":{"minLength":-1}}}', '{"type":["string","string"]}',
    '{"$schema":"http://json-schema.org/draft-04/schema#","minimum":"x"}',
    '{"$schema":"http://json-schema.org/draft-07/schema#","type":"objecc"}',
    '{"$schema":"https://json-schema.org/draft/2019-09/schema","type":"objecc"}',
    '{"$ref":"#"}', '{"$defs":{"a":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}', "true", "false",
    # found by fuzzing: definitions nothing references are never compiled, dangling refs and all
    '{"$defs":{"x":{"$ref":"#/$defs/x/not"}}}', '{"definitions":{"x":{"$ref":"#/nope"}},"type":"object"}',
    '{"$defs":{"x":{"$ref":"#/nope"}},"properties":{"a":{"$ref":"#/$defs/x"}}}',
]

KEYWORDS = [
    _props(a={"multipleOf": 3}), _props(a={"type": "integer", "minimum": 5}),
    _props(a={"minimum": 5, "multipleOf": 3}), _props(a={"maximum": 3, "exclusiveMinimum": 1}),
    _props(a={"not": {"type": "number"}}), _props(a={"allOf": [{"minimum": 5}, {"maximum": 1}]}),
    _props(a={"oneOf": [{"type": "string"}, {"type": "boolean"}]}),
    _props(a={"oneOf": [{"type": "number"}, {"minimum": 0}]}),
    _props(a={"anyOf": [{"type": "string"}, {"oneOf": [{"type": "integer"}, {"minimum": 3}]}]}),
    _props(a={"anyOf": [{"type": "string"}, {"allOf": [{"type": "array"}, {"minItems": 9}]}]}),
    _props(a={"enum": ["x", 1, None, {"k": 1}]}), _props(a={"enum": ["x", True, None]}),
    _props(a={"const": "x"}), _props(a={"const": {"k": [1, 2]}}),
    _props(a={"pattern": "^x+$", "minLength": 3, "maxLength": 0}),
    _props(a={"type": ["string", "boolean"]}),
    _props(a={"type": "array", "items": {"type": "integer"}, "minItems": 5, "uniqueItems": True}),
    _props(a={"contains": {"type": "string"}, "minContains": 2}),
    _props(a={"prefixItems": [{"type": "string"}], "items": False}),
    _props(a={"if": {"type": "number"}, "then": {"minimum": 10}, "else": {"type": "string"}}),
    _props(a={"type": "object", "required": ["x", "y"], "additionalProperties": False,
              "properties": {"k": {"type": "string"}}, "maxProperties": 0}),
    S(propertyNames={"pattern": "^[a-b]$"}), S(dependentRequired={"a": ["b", "c"]}),
    S(**{"$defs": {"x": {"minimum": 4, "maximum": 1}}}, properties={"a": {"$ref": "#/$defs/x"}}),
    S(**{"$schema": "http://json-schema.org/draft-07/schema#", "definitions": {"x": {"minimum": 4}}},
      properties={"a": {"$ref": "#/definitions/x", "maximum": 1}}),
    S(**{"$schema": "http://json-schema.org/draft-04/schema#"},
      properties={"a": {"minimum": 2, "exclusiveMinimum": True}}, dependencies={"a": ["zz"]}),
    S(required=["a", "b"], properties={"ports": {"type": "array", "items": {"type": "integer"},
                                                 "minItems": 5}}),
]

VALUES: list[dict[str, Any]] = [
    {}, {"a": 2}, {"a": 4.5}, {"a": "y"}, {"a": [1, "x", 1]}, {"a": {"k": 1, "z": None}},
    {"a": None, "zz": True}, {"ports": ["a", 2]},
]


def _tree(lines: list[str]) -> list[Any]:
    """Error lines as a tree by indentation, siblings sorted (Go's random map order)."""
    out: list[Any] = []
    i = 0
    while i < len(lines):
        indent = len(lines[i]) - len(lines[i].lstrip(" "))
        j = i + 1
        while j < len(lines) and len(lines[j]) - len(lines[j].lstrip(" ")) > indent:
            j += 1
        head = re.sub(r"additional properties (.*) not allowed",
                      lambda m: "additional properties " + ", ".join(sorted(m[1].split(", "))), lines[i])
        out.append((head.strip(), _tree(lines[i + 1:j])))
        i = j
    return sorted(out)


def normalized(text: str) -> Any:
    return _tree(text.split("\n"))


def _chart(root: Path, schema: str, **kw: Any) -> Path:
    return write_chart(root / "mychart", {"cm.yaml": "a: {{ .Values.a | toJson }}\n"},
                       files={"values.schema.json": schema}, **kw)


def _assert_like_helm(chart: Path, values: dict[str, Any] | None) -> None:
    want = helm_render(chart, values)
    got = kts_render(chart, values)
    if isinstance(want, HelmFailure) or isinstance(got, RenderError):
        assert isinstance(want, HelmFailure), f"kts failed where Helm rendered: {got}"
        assert isinstance(got, RenderError), f"kts rendered where Helm failed: {want.message}"
        assert normalized(str(got)) == normalized(want.message), f"\nhelm: {want.message}\nkts:  {got}"
    else:
        assert got == want


@pytest.mark.slow
@pytest.mark.parametrize("schema", MALFORMED)
def test_malformed_schemas_fail_as_helm_fails(tmp_path, schema):
    _assert_like_helm(_chart(tmp_path, schema), {"a": 1})


@pytest.mark.slow
@pytest.mark.parametrize("schema", KEYWORDS)
def test_validation_failures_are_worded_as_helm_words_them(tmp_path, schema):
    chart = _chart(tmp_path, schema)
    for values in VALUES:
        _assert_like_helm(chart, values)


def test_sibling_failures_of_one_object_are_each_reported(tmp_path):
    schema = _props(**{k: {"type": "string"} for k in "abcd"}, e={"minimum": 1, "maximum": 0})
    _assert_like_helm(_chart(tmp_path, schema), {"a": 1, "b": 1, "c": 1, "d": "ok", "e": 0.5})


def _with_subchart(root: Path, parent_schema: str | None, sub_schema: str | None) -> Path:
    files = {"charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
             "charts/sub/values.yaml": "p: 1\n",
             "charts/sub/templates/s.yaml": "p: {{ .Values.p }}\n"}
    if parent_schema is not None:
        files["values.schema.json"] = parent_schema
    if sub_schema is not None:
        files["charts/sub/values.schema.json"] = sub_schema
    return write_chart(root / "mychart", {"cm.yaml": "a: 1\n"}, files=files, values="a: 1\n")


@pytest.mark.parametrize(("parent", "sub", "values"), [
    (_props(a={"type": "string"}), _props(p={"multipleOf": 3}), None),
    ('{"type":"objecc"}', '{"minimum":"x"}', None),
    ("{bad", _props(p={"type": "string"}), None),
    (None, _props(p={"maximum": 0}), {"sub": {"p": 4}}),
    (None, _props(p={"maximum": 0}), {"sub": "not a map"}),
    (None, '{"$ref":"#/nope"}', None),
])
def test_subchart_schemas_fail_as_helm_fails(tmp_path, parent, sub, values):
    _assert_like_helm(_with_subchart(tmp_path, parent, sub), values)


@pytest.mark.parametrize("schema", ['{"type":"objecc"}', "{bad", _props(a={"type": "string"})])
def test_skip_schema_validation_renders_as_without_a_schema(tmp_path, schema):
    chart = _chart(tmp_path / "with", schema)
    plain = write_chart(tmp_path / "without" / "mychart", {"cm.yaml": "a: {{ .Values.a | toJson }}\n"})
    want = helm_render(plain, {"a": 1})
    assert render_chart(chart, {"a": 1}, skip_schema_validation=True) == want
    with pytest.raises(RenderError):
        render_chart(chart, {"a": 1})


def test_cli_honours_skip_schema_validation(tmp_path, capsys):
    chart = _chart(tmp_path, _props(a={"multipleOf": 3}))
    helm = helm_render(chart, {"a": 4})
    assert isinstance(helm, HelmFailure)
    assert main(["template", str(chart), "--set", "a=4"]) == 1
    err = capsys.readouterr().err
    assert err == f"Error: {helm.message}\n"
    assert "Int64" not in err
    assert main(["template", str(chart), "--set", "a=4", "--skip-schema-validation"]) == 0
    assert "a: 4" in capsys.readouterr().out


def test_go_typed_values_are_reported_as_numbers(tmp_path):
    chart = _chart(tmp_path, _props(a={"multipleOf": 3}))
    helm = helm_render(chart, {"a": 5})
    assert isinstance(helm, HelmFailure)
    want = helm.message.split("mychart:\n", 1)[1]
    assert validate_single({"a": Int64(5)}, _props(a={"multipleOf": 3}).encode()) == want
