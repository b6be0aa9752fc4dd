"""toYaml / toYamlPretty (sigs.k8s.io/yaml.Marshal, go-yaml v2/v3 emitters) against real Helm."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kts.codec import yaml as kyaml
from kts.codec.json import marshal
from kts.codec.yaml import to_yaml, to_yaml_pretty
from kts.gotemplate.gotypes import GoError
from tests.codec.helm_batch import as_helm_values, helm_lines
from tests.codec.strategies import (
    BATCH_SETTINGS,
    BATCH_SIZE,
    SPECIAL_WORDS,
    json_values,
    natural_order_is_total,
    yaml_safe_values,
)

WORDS = [
    *SPECIAL_WORDS,
    "tab\there", "x\x01y", "trailing spaces  \nx", "a'b", 'a"b', "é unicode", "a#b", "-x", ":x", ": x",
    "?x", "|x", ">x", "\n\n", "a\n", "a\n\n", "a\nb\n", "\na", " \na", "a \nb", "a\n b", "a\n\n b\n",
    "a\u2028b", "\x85", "a\x85b", "a \x85 b", "a\x85\x85b", "\x7f", "a😀b", "\r\n", "a\rb", "0b101",
    "-0b101", "0.", "-.5", "+.5e1", "0:12", "190:20:30.15", "1:2:3.4", "x" * 200,
    " ".join(["word"] * 40), " ".join(["w"] * 100), "a  " + " ".join(["word"] * 30), "a" + "  b" * 50,
    "'" + "ab " * 40, "#" + "ab " * 40, "ab  " * 30 + "\t", '"a" ' * 40, "é" * 90 + " x y",
    "nULL", "tRUE", "oN", "yES", "00", "1.", "+", "1e", "e1", "0x", "0xG", "12e3.4", "x: y: z",
    "long line with a tab\t" + "word " * 30, "multi\nline with a very long second line " + "w " * 50,
    "trailing newline and long " + "w " * 50 + "\n", " leading space and long " + "w " * 50,
    "---", "--- a", "... b", "a\n---\nb", "- a\n- b", "key: value\nother: 1\n", "\ufeffbom",
]

NUMBERS = [0, -0.0, 1, -1, 1.5, 3.0, 1e6, 1234567.0, 1500000.5, 1e20, 1e21, 1.5e300, 1e-5, 1e-7,
           0.1, 12345678901234567890, 2**63, 2**64, 2**64 + 1e5, -(2**63), 123456789.123, 5e-324]

STRUCTURES: list[Any] = [
    {"b": [True, False], "el": [], "em": {}, "nested": {"a": 2, "b": {"c": [1, {"a": 2, "x": 1}]}}},
    [[1, [2, []]], {}, [{}], {"a": []}],
    {"a": [{"b": [{"c": "d"}]}], "e": [[["deep"]]], "f": [{"x": {"y": "z"}, "w": None}]},
    {w: w for w in SPECIAL_WORDS if w and w not in ("0755", "08", "6.02e+23")},
    {k: 1 for k in ["a10", "a9", "a01", "a1", "a001", "_x", "1", "2", "10", "Ab", "B", "a 1", "a-b",
                    "a.b", "z1", "z1z", "z01z", "é", "a0", "a00", "a", "A", "0", "00", "01", "x10y",
                    "x9y", "x09y", "ß", "Z", "z", "1.5", "01.5", "b2", "b10", "b02"]},
    {"k" * 130: "long key", "multi\nline key": "v", "": "empty key", " ": "space"},
    {"list": ["multi\nline", " lead", "x" * 100 + " y", {"k": "v\n"}]},
    {"nested": {"deeper": {"text": "a long paragraph " * 10}}},
]

CORPUS: list[Any] = WORDS + NUMBERS + STRUCTURES + [None, True, False, "", [], {}]


def test_corpus_key_orders_are_deterministic_in_go() -> None:
    assert all(natural_order_is_total(s) and natural_order_is_total(s, v3=True) for s in STRUCTURES)


def _ours(value: Any) -> str:
    try:
        return to_yaml(as_helm_values(value))
    except GoError:
        return ""


def _compare(items: list[Any], template: str = "{{ toYaml $x }}", ours: Any = _ours) -> None:
    expected = helm_lines(template, items)
    mismatches = [(item, exp, ours(item)) for item, exp in zip(items, expected, strict=True)
                  if ours(item) != exp]
    assert not mismatches, mismatches[:3]


def test_to_yaml_corpus_matches_helm() -> None:
    _compare(CORPUS)


def test_to_yaml_strings_as_keys_and_in_lists() -> None:
    items = [{"k": w} for w in WORDS] + [{w: 1} for w in WORDS if w] + [[w] for w in WORDS]
    _compare(items)


def _roundtrip(value: Any) -> str:
    try:
        text = to_yaml(as_helm_values(value))
    except GoError:
        text = ""  # Helm's toYaml gives "" when it cannot encode
    try:
        back = kyaml.unmarshal(text, "map")
    except kyaml.YAMLError as exc:
        return marshal({"Error": str(exc)})
    return marshal(back if back is not None else {})


def test_from_yaml_of_to_yaml_matches_helm() -> None:
    items = [{"v": item} for item in CORPUS if item != "\x85" and item != "\x7f"]
    _compare(items, "{{ fromYaml (toYaml $x) | toJson }}", _roundtrip)


@pytest.mark.slow
@BATCH_SETTINGS
@given(st.lists(yaml_safe_values, min_size=BATCH_SIZE, max_size=BATCH_SIZE))
def test_to_yaml_random_values_match_helm(values: list[Any]) -> None:
    _compare(values)


@pytest.mark.slow
@BATCH_SETTINGS
@given(st.lists(st.dictionaries(st.text(max_size=4), json_values, max_size=3),
                min_size=BATCH_SIZE // 2, max_size=BATCH_SIZE // 2))
def test_yaml_round_trip_random_values_match_helm(values: list[Any]) -> None:
    _compare(values, "{{ fromYaml (toYaml $x) | toJson }}", _roundtrip)


def _pretty(value: Any) -> str:
    try:
        return to_yaml_pretty(as_helm_values(value))
    except GoError:
        return ""


def test_to_yaml_pretty_corpus_matches_helm() -> None:
    items = CORPUS + [{"k": w} for w in WORDS] + [[w] for w in WORDS] + [{w: [w]} for w in WORDS if w]
    _compare(items, "{{ toYamlPretty $x }}", _pretty)


@pytest.mark.slow
@BATCH_SETTINGS
@given(st.lists(yaml_safe_values.filter(lambda v: natural_order_is_total(v, v3=True)),
                min_size=BATCH_SIZE, max_size=BATCH_SIZE))
def test_to_yaml_pretty_random_values_match_helm(values: list[Any]) -> None:
    _compare(values, "{{ toYamlPretty $x }}", _pretty)
