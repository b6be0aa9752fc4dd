"""Go encoding/json (toJson, toPrettyJson, toRawJson, fromJson) against real Helm."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kts.codec import json as gojson
from kts.gotemplate.gotypes import GoError, GoObject, Int64
from kts.helm.codec_funcs import fromJson
from tests.codec.helm_batch import as_helm_values, helm_lines
from tests.codec.strategies import BATCH_SETTINGS, BATCH_SIZE, SPECIAL_WORDS, json_values

VALUES: list[Any] = [
    *SPECIAL_WORDS,
    0, -0.0, 1, 1.5, 1e6, 1e20, 1e21, 1.5e300, 1e-5, 1e-6, 1e-7, 9.99e-7, 123456789.123, 5e-324,
    2**63, 2**64, 0.1, 100.0, 1e100, -1e21,
    "<script>&amp;</script>", "\u2028\u2029", "\x00\x1f\x7f\x85", "\b\f\n\r\t", "é日😀", "\\\"/",
    {"b": 1, "a": [1, {"z": None, "é": True, "A": "x"}], "": {}, "c": []},
    [[], {}, [[]], None], {"k" * 10: {"nested": {"deep": [1, "two", 3.5]}}},
]


def _run(template: str, fn: Any, items: list[Any]) -> None:
    expected = helm_lines(template, items)
    mismatches = [(item, exp, fn(as_helm_values(item)))
                  for item, exp in zip(items, expected, strict=True) if fn(as_helm_values(item)) != exp]
    assert not mismatches, mismatches[:3]


def test_to_json_matches_helm() -> None:
    _run("{{ toJson $x }}", gojson.marshal, VALUES)


def test_to_pretty_json_matches_helm() -> None:
    _run("{{ toPrettyJson $x }}", lambda v: gojson.marshal(v, indent="  "), VALUES)


def test_to_raw_json_matches_helm() -> None:
    _run("{{ toRawJson $x }}", lambda v: gojson.marshal(v, escape_html=False), VALUES)


BAD_JSON = [
    "", " ", "x", "{", "[", "[1,]", "[1 2]", '{"a" 1}', '{"a":1,}', '{"a":1 "b":2}', "{a:1}", "tru",
    "trux", "nul", "nulx", "fals", "falsy", "01", "-", "-x", "1.", "1.x", "1e", "1e+", "1ex", '"abc',
    '"\\x"', '"\\u12"', '"\\u12g4"', '"a\nb"', '"\t"', "1 2", "{} x", "[1]]", "1e400", '{"a":1e400}',
    "'a'", "\u00e9", "[1,\n2,\nx]", "NaN", "Infinity", "+1", ".5", "[-]", "[1e5.5]", '"\\ud800"',
    '"\\ud83d\\ude00"', '"\\ud83dx"', "null", '{"a": null}', "[]", '"s"', "3", "true",
    '{"a":{"b":[1,2,{"c":"d"}]},"e":1.5e3}', '{"a":1,"a":2}', "\ufeff{}", '{"x":"\\u003c\\/"}',
]


def _from_json_map(text: str) -> str:
    return gojson.marshal(fromJson.fn(text))


def _from_json_list(text: str) -> str:
    try:
        value = gojson.unmarshal(text, "list")
    except GoError as exc:
        return gojson.marshal([str(exc)])
    return gojson.marshal(value if value is not None else gojson.NilList())


def test_from_json_errors_match_helm() -> None:
    expected = helm_lines("{{ fromJson $x | toJson }}", BAD_JSON)
    for text, exp in zip(BAD_JSON, expected, strict=True):
        assert _from_json_map(text) == exp, text


def test_from_json_array_matches_helm() -> None:
    expected = helm_lines("{{ fromJsonArray $x | toJson }}", BAD_JSON)
    for text, exp in zip(BAD_JSON, expected, strict=True):
        assert _from_json_list(text) == exp, text


def test_unsupported_values_raise_go_errors() -> None:
    with pytest.raises(GoError, match=r"^json: unsupported value: NaN$"):
        gojson.marshal({"a": float("nan")})
    with pytest.raises(GoError, match=r"^json: unsupported value: -Inf$"):
        gojson.marshal([float("-inf")])
    with pytest.raises(GoError, match=r"^json: unsupported type: complex128$"):
        gojson.marshal(1j)


def test_go_types_and_structs() -> None:
    class Version(GoObject):
        go_type = "chart.Version"
        json_fields = (("Major", "major"), ("Minor", "minor,omitempty"), ("Raw", "-"), ("Note", ""))

        def __init__(self) -> None:
            self.Major, self.Minor, self.Raw, self.Note = Int64(1), 0, "x", None

    assert gojson.marshal({"v": Version(), "b": b"hi", "i": Int64(-3)}) == \
        '{"b":"aGk=","i":-3,"v":{"major":1,"Note":null}}'


@pytest.mark.slow
@BATCH_SETTINGS
@given(st.lists(json_values, min_size=BATCH_SIZE, max_size=BATCH_SIZE))
def test_random_values_match_helm(values: list[Any]) -> None:
    _run("{{ toJson $x }}|{{ toPrettyJson $x }}",
         lambda v: gojson.marshal(v) + "|" + gojson.marshal(v, indent="  "), values)


@pytest.mark.slow
@BATCH_SETTINGS
@given(st.lists(json_values.map(lambda v: gojson.marshal(as_helm_values(v))),
                min_size=BATCH_SIZE, max_size=BATCH_SIZE))
def test_random_documents_decode_like_helm(texts: list[str]) -> None:
    expected = helm_lines("{{ fromJsonArray (printf \"[%s]\" $x) | toJson }}", texts)
    for text, exp in zip(texts, expected, strict=True):
        assert _from_json_list(f"[{text}]") == exp


JSON_PIECES = ["{", "}", "[", "]", ",", ":", '"a"', '"\\u00e9"', '"\\ud83d\\ude00"', '"\\ud800"',
               '"\\udc00x"', "1", "-0", "0.5", "1e3", "1E-400", "1e400", "12345678901234567890", "01", "-",
               "true", "null",
               "NaN", "Infinity", " ", "\n", "\t", '"\x01"', '"\\q"', "\ufeff", '"é"', '"\\/"', "0x1"]


JSON_ATOMS = ['"a"', '"\\ud800"', '"\\udc00x"', '"\\ud83d\\ude00"', '"\\u00e9"', '"\\/"', "1e400", "1E-400",
              "-0", "12345678901234567890", "1" * 320, "true", "null", "0.5", '"\\u2028"']
VALID_JSON = st.recursive(
    st.sampled_from(JSON_ATOMS),
    lambda inner: st.one_of(st.lists(inner, max_size=3).map(lambda xs: "[" + ",".join(xs) + "]"),
                            st.lists(st.tuples(st.sampled_from(JSON_ATOMS[:6]), inner), max_size=3).map(
                                lambda kvs: "{" + ",".join(f"{k}:{v}" for k, v in kvs) + "}")),
    max_leaves=6)


@pytest.mark.slow
@settings(max_examples=500, derandomize=True)
@given(st.one_of(
    st.lists(st.sampled_from(JSON_PIECES), max_size=14).map("".join),
    json_values.map(lambda v: gojson.marshal(as_helm_values(v))),
    VALID_JSON,
))
def test_c_decoder_agrees_with_go_parser(text: str) -> None:
    """Python's C decoder, where used, reads a text exactly as the port of Go's parser does."""
    fast = gojson._loads_c(text)
    try:
        slow = gojson._Parser(text).document()
    except GoError:
        assert fast is gojson._DECLINED, text
        return
    if fast is not gojson._DECLINED:
        assert repr(fast) == repr(slow), text
