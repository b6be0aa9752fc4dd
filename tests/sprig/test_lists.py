"""Sprig list functions compared with real Helm, expression by expression."""

from __future__ import annotations

import json

import pytest

from kts.sprig import defaults, dicts, lists, reflection
from tests.sprig.sprig_oracle import compare

FUNCS = {**lists.FUNCS, **dicts.FUNCS, **defaults.FUNCS, **reflection.FUNCS}

VALUES = {"ints": [1, 2, 3, 2, 1], "mixed": [1, "two", 3.5, True, None], "empty": [], "n": 3,
          "s": "str", "m": {"a": 1}}

EXPRS = [
    # construction and copies
    'list 1 "a" 2.5 nil true', "tuple", "list", 'toJson (list 1 "a" nil)',
    "append (list 1 2) 3", "push (list) nil", "prepend (list 1 2) 0", "mustAppend (list 1) (list 2)",
    "mustPrepend .Values.ints 9", 'append "abc" 1', 'mustAppend 3 1', "prepend (dict) 1",
    "append .Values.missing 1", "mustPush nil 1",
    # first / last / rest / initial
    "first (list 1 2)", "first (list)", "first .Values.mixed", "last .Values.mixed", "last (list)",
    "rest (list 1 2 3)", "rest (list 1)", "initial (list 1 2 3)", "initial (list 9)",
    'first "abc"', "mustFirst 3", "last .Values.m", "rest 1.5", "initial true", "mustRest .Values.s",
    "mustInitial .Values.missing", "first nil", "mustLast (list 1 2)",
    # reverse, uniq, without, has, compact
    "reverse .Values.ints", "reverse (list)", "mustReverse 1", "uniq .Values.ints",
    'uniq (list 1 1.0 "1" 1 nil nil (list 1) (list 1) (dict "a" 1) (dict "a" 1))', "mustUniq (dict)",
    "without .Values.ints 1 2", "without (list 1 2 1.0 3) 1 3", "without (list nil 1) nil",
    "mustWithout 5 1", "has 1 .Values.ints", "has 1.0 .Values.ints", 'has "two" .Values.mixed',
    "has nil .Values.mixed", "has 1 nil", "has 1 .Values.missing", 'has "a" "abc"', "mustHas 1 (list 1)",
    "mustHas 1 (dict)", "has (list 1) (list (list 1))",
    'compact (list 0 1 "" nil false (list) (dict) "a" 0.0 " ")', "mustCompact .Values.mixed",
    "compact 3",
    # slice
    "slice (list 1 2 3) 1", "slice (list 1 2 3) 1 2", "slice (list 1 2 3)", 'slice (list 1 2 3) "1"',
    'slice (list 1 2 3) "0x1" 2.9', "slice (list 1 2 3) 0 5", "slice (list 1 2 3) 2 1",
    "slice (list 1 2 3) -1", "slice (list) 2 1", 'slice "hello" 1 3', "mustSlice .Values.ints 3",
    "slice .Values.ints nil 2", "mustSlice 1",
    # concat, chunk
    "concat (list 1) (list 2 3) .Values.ints", "concat", "concat (list)", "concat (list 1) nil",
    'concat (list 1) "x"', "chunk 2 (list 1 2 3 4 5)", "chunk 2 (list 1 2 3 4)", "chunk 5 (list 1 2)",
    "chunk 2 (list)", "chunk 0 (list 1 2)", "chunk -1 (list 1 2 3)", "chunk -2 (list 1)",
    "chunk 0 (list)", "chunk -1 (list)", "mustChunk 1 .Values.s", "chunk 1 (list 1 2 3)",
    "toJson (chunk 2 .Values.mixed)",
]


@pytest.mark.slow
def test_lists_match_helm(tmp_path):
    assert compare(tmp_path, FUNCS, EXPRS, VALUES) == []


def test_append_copies_and_leaves_the_input_alone():
    base = [1, 2]
    out = lists.FUNCS["append"].fn(base, 3)
    assert out == [1, 2, 3] and base == [1, 2] and out is not base


TEMPLATE_LINES = [
    '{{ list 1 2 3 | toJson }}',
    '{{ $l := list 1 2 }}{{ $m := append $l 3 }}{{ $l }} {{ $m }}',
    '{{ .Values.ints | first }} {{ .Values.ints | last }} '
    '{{ .Values.ints | rest }} {{ .Values.ints | initial }}',
    '{{ has 1 .Values.ints }} {{ has 1.0 .Values.ints }} {{ .Values.ints | uniq | toJson }}',
    '{{ toJson (rest (list)) }} {{ toJson (concat) }} '
    '{{ rest (list) }}|{{ first (list) }}|{{ slice (list) }}|',
    '{{ slice (splitList "," "a,b,c") 1 | toJson }} {{ typeOf (slice (splitList "," "a,b,c") 1) }}',
    '{{ range chunk 2 .Values.ints }}[{{ join "," . }}]{{ end }}',
    '{{ without .Values.mixed nil | toJson }}',
    '{{ compact .Values.mixed | len }} {{ reverse .Values.ints }} {{ prepend .Values.ints 0 }}',
    '{{ first .Values.missing }}',
    '{{ mustFirst "x" }}',
    '{{ slice "hello" 1 3 }}',
    '{{ chunk 0 (list 1) }}',
    '{{ concat (list 1) 2 }}',
    '{{ append .Values.s 1 }}',
    '{{ typeOf (chunk 2 (list 1 2 3)) }} {{ chunk 2 (list 1 2 3) | toJson }}',
    '{{ typeOf (first (chunk 2 (list 1))) }}',
]


def test_lists_in_templates_match_helm(tmp_path):
    from tests.sprig.sprig_oracle import template_mismatches

    assert template_mismatches(tmp_path, TEMPLATE_LINES, json.dumps(VALUES)) == []
