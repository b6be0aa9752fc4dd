"""toToml / fromToml (BurntSushi/toml v1.6.0) against real Helm."""

from __future__ import annotations

from typing import Any

from kts.codec import toml as gotoml
from kts.codec.json import marshal
from kts.gotemplate.gotypes import GoError
from kts.helm.codec_funcs import fromToml, toToml
from tests.codec.helm_batch import as_helm_values, helm_lines

VALUES: list[Any] = [
    {"a": 1, "b": {"c": 2.5, "d": [1, 2]}, "e": "x"},
    {"a b": 1, "": 2, "é": 3, "c": None, "k.dot": {"x": "y"}},
    {"t": [{"x": 1}, {"y": {"z": 2}}], "s": "q\"\\\n\t\x7f\x01é\u2028"},
    {"a": {"b": {"c": {"d": 1}}, "e": 1}, "f": [[1, 2], ["a"]], "g": [{"x": 1}, 2], "h": [], "i": {}},
    {"a": [{"b": [{"c": 1}]}]}, {"m": {"k": [{"x": {"y": 1}}]}},
    {"x": 1e-7, "y": 123456789.0, "z": -0.0, "w": 1e6, "v": 1e21, "u": 0.1, "t": 2**70},
    {"d": [None]}, {"d": [1, None]}, {"d": {"e": [{"f": None}]}},
    {"inline": [{"a": {"b": 1}, "c": [1, {"d": 2}]}, 3]}, {"empty": [{}]},
    "str", 1.0, [1, 2], [{"a": 1}], True, 1e21, [],
]


def _ours_to(value: Any) -> str:
    return toToml.fn(as_helm_values(value))


def test_to_toml_matches_helm() -> None:
    expected = helm_lines("{{ toToml $x }}", VALUES)
    for value, exp in zip(VALUES, expected, strict=True):
        assert _ours_to(value) == exp, value


def test_to_toml_of_nil_panics_like_go() -> None:
    try:
        gotoml.dumps(None)
    except GoError as exc:
        assert str(exc) == "reflect: call of reflect.Value.Type on zero Value"
    else:
        raise AssertionError("expected a panic")


DOCS = [
    'a = 1\nb = "x"', "a = [1, \"x\"]", "a = 0x1F\nb = 1e3\ne = 1_000\nf = 3.0\ng = -0.0\nh = +5",
    "a.b.c = 1\n[[arr]]\nx = 1\n[[arr]]\nx = 2", "a = 'lit'\nb = '''\nml'''\nc = \"\"\"\nx\\\n  y\"\"\"",
    "a = {x = 1, y = [1, 2]}", "[t]\nx = 1\n[t.u]\ny = 2", "a = true\nb = false", "",
    "# comment only\n", 'k = "\\u00e9\\t\\n"', "a = 1979-05-27T07:32:00Z", "b = 1979-05-27",
    "c = 07:32:00", "d = 1979-05-27T07:32:00", "e = 1979-05-27T07:32:00.5+01:30",
    # TOML 1.1 forms BurntSushi v1.6 accepts
    "a = {x = 1,\n y = 2}", 'a = "\\e"', 'a = "\\x41"', "a = 07:32", "a = 1979-05-27 07:32",
    "a = {x = 1, }", "a = {\n  x = [1,\n 2], # c\n  y = 'p\\e',\n}\nb = '\\x41'",
    'a = """\nx\\e"y""""\nb = "07:32"', "t = 1979-05-27T00:32:00-07:00",
    "a = 0o17\nb = 0b11\nc = 3.0e-400",
    "a = 1979-05-27T00:32:00.999999999-07:00\nb = 07:32:00.1234567\nc = [1979-05-27T00:32:00.5]",
]
BAD = ["a = ", "a = 1\na = 2", "= 1", 'a = "\\q"', "x", "a = 1 b = 2", "[a\nb = 1", "a = 01",
       "a = 1e400", "a = 9223372036854775808", "[t]\nx = 1\n[t]\ny=2", "[t]\nx=1\nx=2",
       "a.b = 1\na.b = 2", "[t.u]\nk = 'v'\nk = 1", 'b = 2\na = "x\\qy"', "x = 1\ny"]
# Inputs whose Go message kts reproduces word for word.
EXACT = {"a = ", "a = 1\na = 2", "= 1", 'a = "\\q"', "x", "a = 1 b = 2", "a = 1e400",
         "a = 9223372036854775808", "[t]\nx = 1\n[t]\ny=2", "[t]\nx=1\nx=2", "a.b = 1\na.b = 2",
         "[t.u]\nk = 'v'\nk = 1", 'b = 2\na = "x\\qy"', "x = 1\ny"}


def test_from_toml_matches_helm() -> None:
    expected = helm_lines("{{ fromToml $x | toJson }}", DOCS)
    for doc, exp in zip(DOCS, expected, strict=True):
        assert marshal(fromToml.fn(doc)) == exp, doc


def test_from_toml_errors_are_reported_in_the_map() -> None:
    expected = helm_lines("{{ fromToml $x | toJson }}", BAD)
    for doc, exp in zip(BAD, expected, strict=True):
        got = fromToml.fn(doc)
        # Go's wording is not reproduced (tomllib parses); the shape of the result is.
        assert list(got) == ["Error"] and got["Error"].startswith("toml: line ")
        assert exp.startswith('{"Error":"toml: line '), exp
        if doc in EXACT:
            assert marshal(got) == exp


def test_from_toml_integers_are_int64() -> None:
    value = gotoml.loads("a = 3\nb = [1]")
    assert type(value["a"]).__name__ == "Int64" and type(value["b"][0]).__name__ == "Int64"
