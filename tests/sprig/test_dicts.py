"""Sprig dict functions (and mergo's merge rules) compared with real Helm."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kts.sprig import defaults, dicts, lists, reflection
from tests.sprig.sprig_oracle import compare

FUNCS = {**lists.FUNCS, **dicts.FUNCS, **defaults.FUNCS, **reflection.FUNCS}

VALUES = {"m": {"b": 2, "a": 1, "c": {"x": "y"}}, "n": {"a": {"b": {"c": "deep"}}}, "z": 0, "l": [1]}

EXPRS = [
    'dict "b" 2 "a" 1 "c"', "dict", 'dict 1 2 nil 3 2.5 4 true 5', 'toJson (dict "a" (list 1 nil))',
    'get (dict "a" 1) "a"', 'get (dict "a" 1) "b"', 'get (dict "a" nil) "a"', 'get .Values.m "c"',
    'set (dict "a" 1) "b" 2', 'unset (dict "a" 1 "b" 2) "a"', 'unset (dict) "x"',
    'hasKey (dict "a" nil) "a"', 'hasKey .Values.m "zz"',
    'pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3)', 'pluck "a"', 'keys (dict "a" 1)',
    'pick .Values.m "a" "zz" "c"', 'omit .Values.m "a" "zz"', 'pick (dict "a" 1)', 'values (dict "a" 1)',
    # dig
    'dig "n" "a" "b" "c" "dflt" .Values', 'dig "a" "b" "c" "dflt" .Values.n', 'dig "a" "x" "d" .Values.n',
    'dig "a" "b" "d" (dict "a" (dict "b" 1))', 'dig "a" "b" "d" (dict "a" "x")',
    'dig "a" "b" "d" (dict "a" nil)', 'dig 1 "d" (dict "a" nil)', 'dig "d" (dict "a" nil)',
    'dig "a" "d" .Values.missing', 'dig "a" "d" (list)', 'dig "zz" nil .Values.m',
    'dig "a" "b" 1 (dict "a" (dict "b" nil))',
    # merge (mergo.Merge)
    'merge (dict "a" 1) (dict "b" 2) | toJson',
    'merge (dict "a" 1 "n" (dict "x" 1)) (dict "a" 2 "b" 3 "n" (dict "x" 2 "y" 2)) | toJson',
    'merge (dict "e" false "z" 0 "s" "" "l" (list) "m" (dict) "n" nil) '
    '(dict "e" true "z" 5 "s" "x" "l" (list 1) "m" (dict "k" 1) "n" 2) | toJson',
    'merge (dict "a" 1 "s" "x" "l" (list 1)) (dict "a" 0 "s" "" "l" (list) "q" nil) | toJson',
    'merge (dict "a" "str") (dict "a" (dict "x" 1)) | toJson',
    'merge (dict "a" (dict "x" 1)) (dict "a" "str") | toJson',
    'merge (dict "a" (dict)) (dict "a" (dict)) | toJson',
    'merge (dict "a" (list 1)) (dict "a" (list 2 3)) | toJson',
    'merge (dict "a" "x") (dict "a" (list 2 3)) | toJson',
    'merge (dict) (dict "a" (list 2 3)) (dict "a" 1 "b" 2) | toJson',
    'merge (dict "a" 1) | toJson', 'mustMerge (dict "a" nil) (dict "a" 1.5) | toJson',
    'merge (dict "a" (dict "b" (dict "c" 1 "d" 0))) (dict "a" (dict "b" (dict "d" 4 "e" 5))) | toJson',
    'merge (dict "z" 0.0) .Values.m | toJson', 'merge (dict) .Values.m .Values.n | toJson',
    # mergeOverwrite (mergo.MergeWithOverwrite)
    'mergeOverwrite (dict "a" 1 "s" "x") (dict "a" 0 "s" "") | toJson',
    'mergeOverwrite (dict "a" 1 "n" (dict "x" 1)) (dict "a" 2 "b" 3 "n" (dict "x" 2 "y" 2)) | toJson',
    'mergeOverwrite (dict "a" 1) (dict "a" nil) | toJson',
    'mergeOverwrite (dict "a" (dict "x" 1)) (dict "a" (dict)) | toJson',
    'mergeOverwrite (dict "a" (list 1)) (dict "a" (list)) | toJson',
    'mergeOverwrite (dict "a" (dict "x" 1)) (dict "a" "s") | toJson',
    'mergeOverwrite (dict "a" "s") (dict "a" (dict "x" 1)) | toJson',
    'mergeOverwrite (dict "a" (dict)) (dict "a" (dict)) | toJson',
    'mergeOverwrite (dict "a" false "b" true) (dict "a" true "b" false) | toJson',
    'mustMergeOverwrite (dict "a" (dict "b" (dict "c" 1 "d" 0)))'
    ' (dict "a" (dict "b" (dict "d" nil))) | toJson',
    'mergeOverwrite (dict) .Values.m (dict "c" (dict "x" "z")) | toJson',
]


def test_dicts_match_helm(tmp_path):
    assert compare(tmp_path, FUNCS, EXPRS, VALUES) == []


def test_set_and_merge_mutate_their_first_argument():
    d = {"a": 1}
    assert dicts.FUNCS["set"].fn(d, "b", 2) is d and d == {"a": 1, "b": 2}
    nested = {"x": 1}
    out = dicts.FUNCS["merge"].fn(d, {"n": nested})
    assert out is d and d["n"] is nested  # shared by reference, as mergo does
    dicts.FUNCS["mergeOverwrite"].fn(d, {"n": {"y": 2}})
    assert nested == {"x": 1, "y": 2}


def test_merge_shares_nested_maps_like_helm(tmp_path):
    expr = ('{{ $src := dict "n" (dict "x" 1) }}{{ $d := merge (dict) $src }}'
            '{{ $_ := set $d.n "y" 2 }}{{ toJson $src }}')
    from tests.sprig.sprig_oracle import helm_eval

    src = {"n": {"x": 1}}
    d = dicts.FUNCS["merge"].fn({}, src)
    dicts.FUNCS["set"].fn(d["n"], "y", 2)
    from tests.sprig.sprig_oracle import go_json

    assert helm_eval(tmp_path, [expr]) == [go_json(src)]


TEMPLATE_LINES = [
    '{{ $_ := set .Values.m "added" 1 }}{{ .Values.m | toJson }}',
    '{{ $d := dict "a" 1 }}{{ $_ := unset $d "a" }}{{ $d }} {{ hasKey $d "a" }}',
    '{{ merge (dict "a" 1) .Values.m | toJson }} {{ .Values.m | toJson }}',
    '{{ $x := mergeOverwrite (dict) .Values.n (dict "a" (dict "b" (dict "c" "over"))) }}{{ toJson $x }}',
    '{{ dig "n" "a" "b" "c" "dflt" (.Values | toJson | fromJson) }}',
    '{{ dig "a" "b" "c" "x" .Values.n }}',
    '{{ keys .Values.m | sortAlpha }} {{ values (dict "k" "v") }} '
    '{{ pick .Values.m "a" }} {{ omit .Values.m "a" }}',
    '{{ pluck "a" .Values.m .Values.n | toJson }} {{ get .Values.m "zz" | quote }}',
    '{{ dig "a" "d" .Values }}',
    '{{ merge .Values.missing (dict) }}',
    '{{ get .Values.l "a" }}',
    '{{ dict "a" 1 "b" | toJson }} {{ dict 1 2 | toJson }}',
    '{{ deepCopy .Values.m | toJson }}',
]


def test_dicts_in_templates_match_helm(tmp_path):
    import json

    from tests.sprig.sprig_oracle import template_mismatches

    assert template_mismatches(tmp_path, TEMPLATE_LINES, json.dumps(VALUES)) == []


_EXAMPLES = 60 if os.environ.get("KTS_HYPOTHESIS_PROFILE") == "long" else 8
_scalars = st.sampled_from(["0", "1", "2.5", "0.0", "\"\"", "\"s\"", "true", "false", "nil", "(list)",
                           "(list 1)"])
_keys = st.sampled_from(['"a"', '"b"', '"c"'])
_values = st.recursive(_scalars, lambda inner: st.lists(st.tuples(_keys, inner), max_size=3).map(
    lambda kv: "(dict " + " ".join(f"{k} {v}" for k, v in kv) + ")"), max_leaves=6)
_dicts = st.lists(st.tuples(_keys, _values), max_size=3).map(
    lambda kv: "(dict " + " ".join(f"{k} {v}" for k, v in kv) + ")")


@settings(max_examples=_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(dst=_dicts, srcs=st.lists(_dicts, min_size=1, max_size=2))
def test_random_merges_match_helm(dst, srcs):
    exprs = [f"{fn} {dst} {' '.join(srcs)} | toJson" for fn in ("merge", "mergeOverwrite")]
    with tempfile.TemporaryDirectory() as d:
        assert compare(Path(d), FUNCS, exprs) == []
