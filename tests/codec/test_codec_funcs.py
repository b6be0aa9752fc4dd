"""Helm's and Sprig's serialization template functions: results and error behaviour vs real Helm."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kts.codec.json import marshal
from kts.gotemplate.gotypes import GoError, GoFunc, GoSlice, Int64
from kts.helm.codec_funcs import HELM_CODEC_FUNCS as H
from kts.sprig.serialization import FUNCS as S
from tests.codec.helm_batch import SEP, helm_render_one
from tests.support.oracle import HelmFailure

NAN = float("nan")


def call(funcs: dict[str, GoFunc], name: str, *args: Any) -> Any:
    return funcs[name].fn(*args)


# (template expression, what kts computes for it)
CASES: list[tuple[str, Callable[[], Any]]] = [
    ('fromYaml "" | toJson', lambda: marshal(call(H, "fromYaml", ""))),
    ('fromYaml "~" | toJson', lambda: marshal(call(H, "fromYaml", "~"))),
    ('fromYaml "- 1" | toJson', lambda: marshal(call(H, "fromYaml", "- 1"))),
    ('fromYaml "a: [" | toJson', lambda: marshal(call(H, "fromYaml", "a: ["))),
    ('fromYaml "a: 1\\nb: yes" | toJson', lambda: marshal(call(H, "fromYaml", "a: 1\nb: yes"))),
    ('fromYamlArray "" | toJson', lambda: marshal(call(H, "fromYamlArray", ""))),
    ('fromYamlArray "a: 1" | toJson', lambda: marshal(call(H, "fromYamlArray", "a: 1"))),
    ('fromYamlArray "[1, on]" | toJson', lambda: marshal(call(H, "fromYamlArray", "[1, on]"))),
    ('fromJson "null" | toJson', lambda: marshal(call(H, "fromJson", "null"))),
    ('fromJson "[1]" | toJson', lambda: marshal(call(H, "fromJson", "[1]"))),
    ('fromJson "{\\"a\\":1e400,\\"b\\":2}" | toJson',
     lambda: marshal(call(H, "fromJson", '{"a":1e400,"b":2}'))),
    ('fromJsonArray "null" | toJson', lambda: marshal(call(H, "fromJsonArray", "null"))),
    ('fromJsonArray "{}" | toJson', lambda: marshal(call(H, "fromJsonArray", "{}"))),
    ('toYaml (float64 "NaN")', lambda: call(H, "toYaml", NAN)),
    ('toYaml (list 1 "a" (dict "k" "v"))', lambda: call(H, "toYaml", [1, "a", {"k": "v"}])),
    ('toYaml nil', lambda: call(H, "toYaml", None)),
    ('toYamlPretty (dict "a" (list 1 2) "b" 3.5)', lambda: call(H, "toYamlPretty", {"a": [1, 2], "b": 3.5})),
    ('toJson (float64 "NaN")', lambda: call(H, "toJson", NAN)),
    ('toPrettyJson (float64 "NaN")', lambda: call(S, "toPrettyJson", NAN)),
    ('toToml (float64 "NaN")', lambda: call(H, "toToml", NAN)),
    ('toToml (list (dict "a" 1) nil)', lambda: call(H, "toToml", [{"a": 1}, None])),
    ('toToml (dict "a" (list 1 nil))', lambda: call(H, "toToml", {"a": [1, None]})),
    ('toToml (list (dict "a" 1))', lambda: call(H, "toToml", [{"a": 1}])),
    ('mustFromJson "[1,2]" | toJson', lambda: marshal(call(S, "mustFromJson", "[1,2]"))),
    ('toRawJson (dict "a" "<&>")', lambda: call(S, "toRawJson", {"a": "<&>"})),
    ('mustToRawJson (list "<")', lambda: call(S, "mustToRawJson", ["<"])),
    ('mustToPrettyJson (dict)', lambda: call(S, "mustToPrettyJson", {})),
    ('toPrettyJson (list)', lambda: call(S, "toPrettyJson", [])),
    ('toYamlPretty nil', lambda: call(H, "toYamlPretty", None)),
    ('toYamlPretty (int64 5)', lambda: call(H, "toYamlPretty", Int64(5))),
    ('toYamlPretty (until 3)', lambda: call(H, "toYamlPretty", GoSlice([0, 1, 2], "int"))),
    ('toYamlPretty (dict "n" (list) "m" (dict) "s" "yes" "f" 1.0 "e" 1e6 "t" "a\\nb")',
     lambda: call(H, "toYamlPretty", {"n": [], "m": {}, "s": "yes", "f": 1.0, "e": 1e6, "t": "a\nb"})),
    ('toJson (until 3)', lambda: call(H, "toJson", GoSlice([0, 1, 2], "int"))),
    ('toJson (splitList "," "a,b")', lambda: call(H, "toJson", GoSlice(["a", "b"], "string"))),
    ('toYaml (dict "i" (int64 7) "u" (splitList "," "x,y"))',
     lambda: call(H, "toYaml", {"i": Int64(7), "u": GoSlice(["x", "y"], "string")})),
    ('toToml (dict "i" (int64 7) "f" 7.0 "s" (splitList "," "x,y"))',
     lambda: call(H, "toToml", {"i": Int64(7), "f": 7.0, "s": GoSlice(["x", "y"], "string")})),
]


def test_function_results_match_helm() -> None:
    template = "".join("{{ " + expr + " }}" + SEP for expr, _ in CASES)
    out = helm_render_one(template)
    assert isinstance(out, str), out
    parts = out.split(SEP)[:-1]
    for (expr, ours), exp in zip(CASES, parts, strict=True):
        assert ours() == exp, expr


ERRORS: list[tuple[str, str, Callable[[], Any]]] = [
    ("mustToYaml", 'mustToYaml (float64 "NaN")', lambda: call(H, "mustToYaml", NAN)),
    ("mustToJson", 'mustToJson (float64 "NaN")', lambda: call(H, "mustToJson", NAN)),
    ("mustToToml", 'mustToToml (list (dict "a" 1))', lambda: call(H, "mustToToml", [{"a": 1}])),
    ("toToml", "toToml nil", lambda: call(H, "toToml", None)),
    ("toRawJson", 'toRawJson (float64 "NaN")', lambda: call(S, "toRawJson", NAN)),
    ("mustToRawJson", 'mustToRawJson (float64 "NaN")', lambda: call(S, "mustToRawJson", NAN)),
    ("mustToPrettyJson", 'mustToPrettyJson (float64 "-Inf")',
     lambda: call(S, "mustToPrettyJson", -float("inf"))),
    ("mustFromJson", 'mustFromJson "[1,"', lambda: call(S, "mustFromJson", "[1,")),
]


@pytest.mark.parametrize(("name", "expr", "ours"), ERRORS, ids=[e[1] for e in ERRORS])
def test_function_errors_match_helm(name: str, expr: str, ours: Callable[[], Any]) -> None:
    out = helm_render_one("{{ " + expr + " }}")
    assert isinstance(out, HelmFailure), out
    with pytest.raises(GoError) as info:
        ours()
    assert f"error calling {name}: {info.value}" in out.message


def test_signatures_follow_go() -> None:
    assert H["fromYaml"].sig.result == "map[string]interface {}"
    assert H["fromJsonArray"].sig.result == "[]interface {}"
    assert not H["mustToYaml"].sig.error and S["mustToJson"].sig.error
    assert set(H) == {"toYaml", "mustToYaml", "toYamlPretty", "fromYaml", "fromYamlArray", "toToml",
                      "mustToToml", "fromToml", "toJson", "mustToJson", "fromJson", "fromJsonArray"}
