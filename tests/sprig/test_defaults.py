"""Sprig defaults/flow and reflection functions compared with real Helm."""

from __future__ import annotations

import pytest

from kts.sprig import defaults, dicts, lists, reflection
from tests.sprig.sprig_oracle import compare

FUNCS = {**lists.FUNCS, **dicts.FUNCS, **defaults.FUNCS, **reflection.FUNCS}

VALUES = {"str": "hello", "int": 3, "zero": 0, "f": False, "t": True, "nul": None, "emptys": "",
          "list": [1, "two", 3.5], "el": [], "m": {"a": 1}, "em": {}, "zs": "0"}

EXPRS = [
    'default "d" .Values.missing', 'default "d" .Values.emptys', 'default "d" .Values.zero',
    'default "d" .Values.f', 'default "d" .Values.el', 'default "d" .Values.em', 'default "d" .Values.str',
    'default "d" .Values.zs', 'default "d"', 'default "d" 0.0', 'default "d" (list nil)',
    'default "d" .Values.nul', 'default 1 2 3', 'default nil nil',
    "empty .Values.missing", "empty 0", "empty 0.0", 'empty "0"', "empty (dict)", "empty (list 0)",
    "empty .Values.m", "empty false", "empty .Values.t", 'empty " "',
    'coalesce .Values.missing .Values.zero "" "x" "y"', "coalesce", "coalesce 0 nil false",
    "all 1 true \"a\"", "all 1 0", "all", "any 0 \"\" nil", "any 0 1", "any",
    'ternary "a" "b" true', 'ternary "a" "b" false', 'ternary (list 1) nil true',
    # reflection
    "typeOf 1", "typeOf 1.0", 'typeOf "s"', "typeOf nil", "typeOf .Values.int", "typeOf .Values.list",
    "typeOf .Values.m", "typeOf .Values", "typeOf (keys (dict))", "typeOf true", "typeOf (dict)",
    'typeIs "int" 1', 'typeIs "float64" .Values.int', 'typeIs "<nil>" nil',
    'typeIsLike "int" 1', 'typeIsLike "string" 1',
    "kindOf 1", "kindOf .Values.int", "kindOf nil", "kindOf .Values.list", "kindOf .Values.m",
    "kindOf .Values", 'kindOf "x"', "kindOf true", 'kindIs "map" .Values', 'kindIs "slice" (list)',
    'kindIs "invalid" nil',
    "deepEqual .Values.int 3", "deepEqual .Values.int 3.0", "deepEqual (list 1 2) (list 1 2)",
    "deepEqual (list 1 2) (list 1 2.0)", 'deepEqual (dict "a" 1) (dict "a" 1)', "deepEqual nil nil",
    "deepEqual nil 0", 'deepEqual .Values.m (dict "a" 1.0)', 'deepEqual .Values.m (dict "a" 1)',
    "deepEqual (list) (list)", 'deepEqual "a" "a"',
    "deepCopy .Values.m | toJson", "deepCopy nil", "mustDeepCopy nil", "deepCopy 3", "deepCopy .Values.list",
    'typeOf (deepCopy .Values)',
]


@pytest.mark.slow
def test_defaults_and_reflection_match_helm(tmp_path):
    assert compare(tmp_path, FUNCS, EXPRS, VALUES) == []


def test_deep_copy_is_deep():
    src = {"a": {"b": [1, {"c": 2}]}}
    out = reflection.deep_copy(src)
    assert out == src
    out["a"]["b"][1]["c"] = 3
    assert src["a"]["b"][1]["c"] == 2


TEMPLATE_LINES = [
    '{{ default "d" .Values.missing }}|{{ .Values.zero | default 5 }}|{{ default "x" .Values.str }}',
    '{{ empty .Values.em }} {{ coalesce .Values.missing .Values.emptys "c" }} {{ all 1 "a" }} {{ any 0 "" }}',
    '{{ ternary "yes" "no" .Values.t }} {{ .Values.f | ternary "y" "n" }}',
    '{{ ternary "a" "b" .Values.str }}',
    '{{ typeOf .Values }} {{ typeOf .Values.list }} '
    '{{ kindOf .Values.m }} {{ kindOf nil }} {{ typeOf (add 1 2) }}',
    '{{ typeIs "float64" .Values.int }} {{ typeIsLike "Version" (semver "1.0") }} '
    '{{ kindIs "ptr" (semver "1.0") }}',
    '{{ deepEqual .Values.int 3 }} {{ deepEqual .Values.int 3.0 }} {{ deepEqual .Values.m (dict "a" 1.0) }}',
    '{{ typeOf (semver "1.0") }} {{ kindOf (genCA "x" 1) }} {{ typeIsLike "semver.Version" (semver "1.0") }}',
    '{{ deepCopy nil }}',
    '{{ typeOf (regexFindAll "a" "b" -1) }} {{ typeOf (keys (dict)) }}',
    '{{ mustDeepCopy (semver "1.0") }} {{ (deepCopy (semver "v1.0")).Original | quote }}',
    '{{ (deepCopy (semver "1.2.3")).IncMajor }} {{ deepCopy (list (semver "1.2.3")) }}',
    '{{ $c := genCA "x" 1 }}{{ eq (deepCopy $c).Cert $c.Cert }} {{ typeOf (deepCopy $c) }}',
    '{{ deepEqual (semver "1.0") (semver "1.0") }} {{ deepEqual (semver "1.0") (semver "v1.0") }}',
    '{{ merge (dict) .Values | toJson }} {{ keys .Values | sortAlpha }} {{ hasKey .Values "m" }}',
    '{{ deepCopy (dict "a" (rest (list))) | toJson }} {{ list (rest (list)) }}',
    '{{ deepCopy (list) | toJson }}',
    '{{ uniq (list (rest (list)) (list)) | len }} {{ deepCopy (regexFindAll "x" "y" -1) | toJson }}',
]


@pytest.mark.slow
def test_defaults_in_templates_match_helm(tmp_path):
    import json

    from tests.sprig.sprig_oracle import template_mismatches

    assert template_mismatches(tmp_path, TEMPLATE_LINES, json.dumps(VALUES)) == []
