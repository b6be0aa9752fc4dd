"""``format`` and ``unevaluated*`` in ``values.schema.json``, each case compared with real Helm.

Helm's validator asserts ``format`` for draft-04/06/07 schemas only, and tracks which
properties and items each passing subschema evaluated for ``unevaluatedProperties`` and
``unevaluatedItems``. Expected texts come from Helm at test time.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from kts.gotemplate import RenderError
from tests.helm.test_schema import _assert_like_helm, _chart
from tests.support.harness import kts_render
from tests.support.oracle import HelmFailure, helm_render

DRAFTS = [
    "http://json-schema.org/draft-04/schema#", "http://json-schema.org/draft-06/schema#",
    "http://json-schema.org/draft-07/schema#", "https://json-schema.org/draft/2019-09/schema",
    "https://json-schema.org/draft/2020-12/schema", None,
]

_URLS = [
    "http://example.com/a?b#c", "relative/path", "/abs", "", "#frag", "?q", "*", "mailto:a@b.c",
    "urn:isbn:123", "x:", ":x", "1http://x", "a b", "http://a b/", "http://x/a b", "http://x/%zz",
    "http://x/%4", "http://x/#%zz", "http://x/#a%", "c:\\x", "a\\b", "http://a:b:c/", "http://a:80/",
    "http://a:8x/", "http://:80/", "http://[::1]/", "http://[::1]:80/", "http://[::1/", "http://x[::1]/",
    "http://[12345::]/", "http://[1.2.3.4]/", "http://[::1]x/", "http://[::1%25en0]/", "http://[::1%en0]/",
    "http://[::1%25]/", "http://[::ffff:1.2.3.4]/", "http://[]/", "http://a|b/", "http://%41/",
    "http://%c3%a9/", "http://us er@host/", "http://u:p@host/", "http://u%zz@host/", "http://ü@host/",
    "http://é.com/", "http://x/\x7f", "cache_object:foo/bar", "a:b/c", "x/a:b", "./a:b", "//host/p",
    "///p", "//[::1", "HTTP://X", "h+t-t.p://x",
    "htp://a:b:1/", "HTTPS://a:b:1/", "ftp://a:b/", "//a:b:1/", "htp://%:::1]:80/a",
    "http://x/?a?b", "http://x/p?", "http://x/é",
    "http://[::1%25%0A]/", "http://[::1%25a b]/", "http://[::1%25%41]/", "http://x:1[/",
]

FORMAT_VALUES: dict[str, list[Any]] = {
    "email": ["a@b.c", "notanemail", "@x.y", "a.@x.y", ".a@x.y", "a..b@x.y", "a b@x.y", "é@x.y",
              '"q"@x.y', '"a\\b"@x.y', '"ab@x.y', "a@", "a@-x.y", "a@x-.y", "a@[1.2.3.4]",
              "a@[1.2.3]", "a@[IPv6:::1]", "a@[IPv6:1.2]", "a@x_y.z", "x" * 65 + "@x.y",
              "a@" + "x" * 300, "a@b@c.d", "a@b.c.", "a@x.." , 5, None],
    "hostname": ["example.com", "a-b.c", "-a.b", "a-.b", "a..b", "", ".", "a_b", "ü.com", "x" * 64,
                 ("a." * 130) + "b", "a.b.", "1.2.3.4", "a b"],
    "ipv4": ["1.2.3.4", "1.2.3", "1.2.3.4.5", "01.2.3.4", "0.0.0.0", "256.1.1.1", "+1.2.3.4",
             "-1.2.3.4", "a.b.c.d", "1..2.3", "99999999999999999999.1.1.1", "1.2.3.", " 1.2.3.4",
             "١.2.3.4"],
    "ipv6": ["::1", "::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2", "12345::", "::g", "1::2::3",
             "1:", ":1", "::ffff:1.2.3.4", "::ffff:1.2.3.4.5", "::1.2.3", "::01.2.3.4", "::1.2.3.256",
             "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "::1%eth0", "::1%", "1.2.3.4",
             "1.2.3.4:5", "fffff::", "1:2:3:4:5:6:7::", "::1.2..3", "::1.2.3.x", "1::2:"],
    "date": ["2020-01-01", "2020-13-01", "2021-02-29", "2020-02-29", "1900-02-29", "2000-02-29",
             "2020-1-01", "20x0-01-01", "2020-01-01x", "2020/01/01", "", "2020-00-10", "2020-01-00",
             "2020-01-1", "-020-01-01", "2020-01-32", "2020-04-31", "２020-01-01", "2020-01-0é"],
    "time": ["12:00:00Z", "12:00:00", "12:00:00.Z", "12:00:00.123z", "1:00:00:0Z", "+1:-1:00Z",
             "23:59:60Z", "12:59:60+01:00", "22:59:60-01:00", "12:00:00+0100", "12:00:00+01:0x",
             "24:00:00Z", "12:60:00Z", "12:00:61Z", "12:00:00*01:00", "12:00:00+01-00",
             "12:00:00+24:00", "12:00:00+-1:00", "::::::::Z", "12:00:00+:1:00", "12:00:00.5+01:30"],
    "date-time": ["2020-01-01T12:00:00Z", "2020-01-01t12:00:00z", "2020-01-01 12:00:00Z",
                  "2020-01-01T12:00:00", "2020-13-01T12:00:00Z", "2020-01-01T25:00:00Z",
                  "2020-01-01T12:00:00.123456+05:30", "2020-01-01T12:00:00Zx", "é020-01-01T12:00:00Z",
                  "2020-01-01T23:59:60Z"],
    "duration": ["P1D", "PT1H", "P1Y2M3DT4H5M6S", "P1W", "PW", "P1xW", "P", "1D", "PT", "P1DT",
                 "P1D1Y", "P1X", "PT1H1H", "P1DT1H T", "P1TT1H", "PD", "P1", "P1Ü", "P1M1Y", "PT1D"],
    "period": ["2020-01-01T00:00:00Z/P1D", "P1D/2020-01-01T00:00:00Z",
               "2020-01-01T00:00:00Z/2020-02-01T00:00:00Z", "x", "P1D/x", "Px/2020-01-01T00:00:00Z",
               "2020-01-01T00:00:00Z/Px", "x/P1D", "2020-01-01T00:00:00Z/y"],
    "uuid": ["123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456", "123e4567e89b12d3",
             "123e4567-e89b-12d3-a456-42661417400g", "123e456-e89b-12d3-a456-426614174000",
             "123E4567-E89B-12D3-A456-426614174000", "123e4567-e89b-12d3-a456-4266141740é"],
    "json-pointer": ["", "/", "/a/b", "a", "/a~0b", "/a~2", "/a~", "/~1~0", "/é"],
    "relative-json-pointer": ["0", "1/a", "0#", "01", "x", "", "2/a~", "10#", "1#/a", "-1"],
    "semver": ["1.2.3", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.x", "1.2.3-alpha.1", "1.2.3-",
               "1.2.3-01", "1.2.3-a..b", "1.2.3-é", "1.2.3+", "1.2.3+build.1", "1.2.3+a..b",
               "1.2.3+é", ".2.3", "1..3", "1.2.3-0a", "1.2.3-alpha+001"],
    "uri": _URLS, "iri": _URLS, "uri-reference": _URLS, "iri-reference": _URLS,
    "uri-template": [*_URLS, "http://x/{a}", "http://x/{a", "http://x/{{a}}", "http://x/a}", "/{a}/{b}",
                             "http://x/%7Ba", "http://x/%7Ba}", "http://x/{a}?q={b", "x:{a", "{a}",
                             "http://x/%zz{"],
    "regex": ["^a+$", "(", "(?=x)", "[z-a]", "\\p{Greek}"],
    "unknown-format": ["x"], "idn-email": ["notanemail", "a@b.c"], "idn-hostname": ["-x", "a..b"],
}


def _format_schema(draft: str | None, fmt: str) -> str:
    schema: dict[str, Any] = {"properties": {"e": {"format": fmt}}}
    if draft is not None:
        schema["$schema"] = draft
    return json.dumps(schema)


@pytest.mark.slow
@pytest.mark.parametrize("draft", DRAFTS)
@pytest.mark.parametrize("fmt", sorted(FORMAT_VALUES))
def test_formats_are_checked_as_helm_checks_them(tmp_path, fmt, draft):
    chart = _chart(tmp_path, _format_schema(draft, fmt))
    for value in FORMAT_VALUES[fmt]:
        _assert_like_helm(chart, {"e": value})


def test_format_failures_sit_among_other_failures(tmp_path):
    schema = json.dumps({"$schema": "http://json-schema.org/draft-07/schema#", "properties": {
        "a": {"format": "email", "minLength": 50}, "b": {"type": "string", "format": "ipv4"},
        "c": {"allOf": [{"format": "date"}, {"format": "uuid"}]},
        "d": {"anyOf": [{"format": "ipv4"}, {"format": "ipv6"}]},
        "e": {"type": "array", "items": {"format": "hostname"}}}})
    chart = _chart(tmp_path, schema)
    _assert_like_helm(chart, {"a": "x", "b": "1.2.3", "c": "x", "d": "x", "e": ["ok", "-bad", "a..b"]})
    _assert_like_helm(chart, {"a": "a@b.c", "b": "1.2.3.4", "c": "2020-01-01", "d": "::1", "e": []})


def _u(**kw: Any) -> dict[str, Any]:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **kw}


UNEVALUATED: list[tuple[dict[str, Any], list[Any]]] = [
    (_u(properties={"a": {}}, unevaluatedProperties=False), [{"a": 1, "b": 2}, {"a": 1}, {"b": 1, "c": 2}]),
    (_u(properties={"a": True}, unevaluatedProperties={"type": "string"}),
     [{"a": 1, "b": 2, "c": "x"}, {"b": "x"}]),
    (_u(patternProperties={"^x": {}}, unevaluatedProperties=False), [{"x1": 1, "y": 2}]),
    (_u(additionalProperties=True, unevaluatedProperties=False), [{"q": 1}]),
    (_u(allOf=[{"properties": {"a": {}}}, {"properties": {"b": {}}}], unevaluatedProperties=False),
     [{"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 2}]),
    (_u(allOf=[{"properties": {"a": {"type": "string"}}}], unevaluatedProperties=False), [{"a": 1, "b": 2}]),
    (_u(anyOf=[{"properties": {"a": {"type": "string"}}, "required": ["a"]},
               {"properties": {"b": {"type": "integer"}}, "required": ["b"]}], unevaluatedProperties=False),
     [{"a": "x", "b": 1}, {"a": 1, "b": 1}, {"a": "x", "b": "y"}, {"a": "x", "b": 1, "c": 0}]),
    (_u(oneOf=[{"properties": {"a": {}}, "required": ["a"]}, {"properties": {"b": {}}, "required": ["b"]}],
        unevaluatedProperties=False), [{"a": 1}, {"a": 1, "c": 1}, {"b": 1, "a": 1}]),
    (_u(**{"if": {"properties": {"k": {"const": "x"}}, "required": ["k"]},
           "then": {"properties": {"t": {}}}, "else": {"properties": {"e": {}}}},
        unevaluatedProperties=False),
     [{"k": "x", "t": 1}, {"k": "x", "e": 1}, {"k": "y", "e": 1}, {"k": "y", "t": 1}, {"e": 1}]),
    (_u(**{"$defs": {"base": {"properties": {"a": {}}}}, "$ref": "#/$defs/base"},
        properties={"b": {}}, unevaluatedProperties=False), [{"a": 1, "b": 2, "c": 3}, {"a": 1}]),
    (_u(dependentSchemas={"a": {"properties": {"b": {}}}}, properties={"a": {}},
        unevaluatedProperties=False), [{"a": 1, "b": 2}, {"b": 2}, {"a": 1, "b": 2, "c": 3}]),
    (_u(**{"not": {"properties": {"a": {}}, "required": ["zz"]}}, unevaluatedProperties=False),
     [{"a": 1, "b": 2}]),
    (_u(**{"not": {"not": {"properties": {"a": {}}}}}, unevaluatedProperties=False), [{"a": 1, "b": 2}]),
    (_u(properties={"n": {"properties": {"a": {}}, "unevaluatedProperties": False}}),
     [{"n": {"a": 1, "z": 2}}, {"n": 5}]),
    (_u(allOf=[{"unevaluatedProperties": False}], properties={"a": {}}), [{"a": 1}, {}]),
    (_u(properties={"a": {}}, allOf=[{"properties": {"b": {}}, "unevaluatedProperties": False}]),
     [{"a": 1, "b": 2}, {"b": 2}]),
    (_u(unevaluatedProperties=False), [{}, {"a": 1}, [1], "x"]),
    (_u(prefixItems=[{}], unevaluatedItems=False), [[1], [1, 2, 3], []]),
    (_u(prefixItems=[{}], items={}, unevaluatedItems=False), [[1, 2, 3]]),
    (_u(allOf=[{"prefixItems": [{}, {}]}], unevaluatedItems={"type": "string"}),
     [[1, 2, "x", 4], [1, 2, 3]]),
    (_u(contains={"type": "string"}, unevaluatedItems=False), [["a", 1, "b"], ["a"], [1]]),
    (_u(anyOf=[{"prefixItems": [{"type": "integer"}]}, {"prefixItems": [{}, {}, {}]}],
        unevaluatedItems=False), [[1, 2, 3], [1, 2, 3, 4], ["x", 2]]),
    (_u(**{"if": {"prefixItems": [{"const": 1}]}, "then": {"prefixItems": [{}, {}]}},
        unevaluatedItems=False), [[1, 2], [1, 2, 3], [2, 3]]),
    (_u(**{"$defs": {"two": {"prefixItems": [{}, {}]}}, "$ref": "#/$defs/two"}, unevaluatedItems=False),
     [[1, 2, 3]]),
    (_u(items={"unevaluatedItems": False, "prefixItems": [{}]}), [[[1], [1, 2]]]),
    ({"$schema": "https://json-schema.org/draft/2019-09/schema", "items": [{}],
      "unevaluatedItems": False}, [[1, 2], [1]]),
    ({"$schema": "https://json-schema.org/draft/2019-09/schema", "items": [{}], "additionalItems": True,
      "unevaluatedItems": False}, [[1, 2]]),
    ({"$schema": "https://json-schema.org/draft/2019-09/schema", "contains": {"type": "string"},
      "unevaluatedItems": False}, [["a", 1]]),
    ({"$schema": "https://json-schema.org/draft/2019-09/schema", "properties": {"a": {}},
      "allOf": [{"properties": {"b": {}}}], "unevaluatedProperties": False}, [{"a": 1, "b": 2, "c": 3}]),
    ({"$schema": "http://json-schema.org/draft-07/schema#", "properties": {"a": {}},
      "unevaluatedProperties": False}, [{"a": 1, "b": 2}]),
    ({"properties": {"a": {}}, "unevaluatedProperties": False}, [{"a": 1, "b": 2}]),
]


def _at_u(case: dict[str, Any]) -> str:
    """The case's schema applied to ``.Values.u`` (its ``$schema`` and ``$defs`` kept at the root)."""
    inner = dict(case)
    root = {k: inner.pop(k) for k in ("$schema", "$defs") if k in inner}
    return json.dumps({**root, "properties": {"u": inner}})


@pytest.mark.slow
@pytest.mark.parametrize(("schema", "values"), UNEVALUATED, ids=lambda x: json.dumps(x)[:60])
def test_unevaluated_keywords_see_what_helm_sees(tmp_path, schema, values):
    chart = _chart(tmp_path, _at_u(schema))
    for v in values:
        _assert_like_helm(chart, {"u": v})


_D4, _D7 = "http://json-schema.org/draft-04/schema#", "http://json-schema.org/draft-07/schema#"


@pytest.mark.parametrize("schema", [
    {"$schema": _D7, "$id": "http://[::1"}, {"$schema": _D7, "properties": {"a": {"$ref": "%zz"}}},
    {"$schema": _D7, "$id": "x:y/a b"}, {"$schema": _D7, "$comment": "a", "$id": "a:b"},
    {"$schema": _D4, "id": "http://x/%zz"}, {"$schema": _D4, "properties": {"a": {"id": "a b:c"}}},
    {"$schema": _D7, "properties": {"a": {"pattern": "("}}},
    {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "http://[::1"},
    {"$id": "http://a]b/"}, {"$id": "http://x/a#frag%zz"}, {"$id": "#%zz"}, {"$ref": "%zz"},
    {"$ref": "http://[x]/"}, {"properties": {"a": {"$id": "http://[x]/"}}},
    {"$schema": _D7, "$ref": "#/definitions/a", "$id": "http://[x", "definitions": {"a": {}}},
    {"$schema": _D7, "$ref": "#/definitions/a", "$id": "http://x/%zz", "definitions": {"a": {}}},
])
def test_metaschema_formats_reject_schemas_as_helm_does(tmp_path, schema):
    _assert_like_helm(_chart(tmp_path, json.dumps(schema)), {"a": 1})


_FUZZ_ALPHABETS = {
    "email": '@.a-"\\[]:1IPv6_é ', "hostname": "a-.1_é", "ipv4": "0123456789.+-a",
    "ipv6": "0123456789abcdefABCDEF:.%g", "date": "0123456789-x", "time": "0123456789:.+-zZ",
    "date-time": "0123456789:-.TtZz+", "duration": "PYMDTHSW0123xÜ", "period": "P1DT/2020-01-01T00:00:00Z",
    "uuid": "0123456789abcdefg-", "json-pointer": "/~01a2", "relative-json-pointer": "0123#/~a",
    "semver": "0123456789.-+aé", "uri": "h:/[]@%?#:123abzf.| \\\x01é",
    "uri-reference": "htps:/[]@%?#:1af. \\",
    "uri-template": "h:/{}%7Bb:?",
}
_FUZZ_SEEDS = {
    "date-time": "2020-01-01T12:00:00Z", "period": "2020-01-01T00:00:00Z/P1D", "time": "12:00:00+01:30",
    "date": "2020-02-29", "ipv6": "1:2:3:4:5:6:1.2.3.4", "uri": "http://[::1]:80/a?b#c",
    "uri-reference": "https://u:p@[::1%25x]:80/a?b#c", "email": "a.b@[IPv6:::1]", "semver": "1.2.3-a.1+b.2",
    "uri-template": "http://x/{a}/b{c}",
}


def _fuzz_value(rnd: random.Random, fmt: str) -> str:
    alphabet = _FUZZ_ALPHABETS[fmt]
    if fmt in _FUZZ_SEEDS and rnd.random() < 0.6:
        chars = list(_FUZZ_SEEDS[fmt])
        for _ in range(rnd.randint(1, 3)):
            i = rnd.randrange(len(chars) + 1)
            op = rnd.random()
            if op < 0.4 and chars:
                del chars[min(i, len(chars) - 1)]
            elif op < 0.7:
                chars.insert(i, rnd.choice(alphabet))
            elif chars:
                chars[min(i, len(chars) - 1)] = rnd.choice(alphabet)
        return "".join(chars)
    return "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 14)))


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(_FUZZ_ALPHABETS))
def test_random_strings_fail_each_format_as_in_helm(tmp_path, fmt):
    rnd = random.Random(f"{fmt}-15")
    values = {f"e{i}": _fuzz_value(rnd, fmt) for i in range(150)}
    schema = {"$schema": _D7, "properties": {k: {"format": fmt} for k in values}}
    want = helm_render(_chart(tmp_path, json.dumps(schema)), values)
    got = kts_render(_chart(tmp_path, json.dumps(schema)), values)
    assert isinstance(want, HelmFailure), "every batch holds invalid values"
    assert isinstance(got, RenderError), f"kts rendered where Helm failed: {want.message}"
    assert sorted(str(got).split("\n")) == sorted(want.message.split("\n"))


def _random_schema(rnd: random.Random, depth: int) -> Any:
    """A random schema of applicators, so that evaluated properties and items flow in every way."""
    if depth <= 0 or rnd.random() < 0.25:
        return rnd.choice([True, False, {}, {"type": "integer"}, {"type": "string"}, {"const": 1}])
    keys = ["a", "b", "c"]
    s: dict[str, Any] = {}
    for _ in range(rnd.randint(1, 3)):
        kw = rnd.choice(["properties", "patternProperties", "additionalProperties", "allOf", "anyOf", "oneOf",
                         "not", "if", "then", "else", "dependentSchemas", "unevaluatedProperties",
                         "unevaluatedItems", "prefixItems", "items", "contains", "required", "$ref", "type"])
        if kw in ("properties", "dependentSchemas"):
            s[kw] = {k: _random_schema(rnd, depth - 1) for k in rnd.sample(keys, rnd.randint(1, 2))}
        elif kw == "patternProperties":
            s[kw] = {rnd.choice(["^a", "b", "^[bc]$"]): _random_schema(rnd, depth - 1)}
        elif kw in ("allOf", "anyOf", "oneOf", "prefixItems"):
            s[kw] = [_random_schema(rnd, depth - 1) for _ in range(rnd.randint(1, 3))]
        elif kw == "required":
            s[kw] = rnd.sample(keys, 1)
        elif kw == "$ref":
            s[kw] = "#/$defs/d"
        elif kw == "type":
            s[kw] = rnd.choice(["object", "array"])
        else:
            s[kw] = _random_schema(rnd, depth - 1)
    return s


def _random_value(rnd: random.Random, depth: int = 2) -> Any:
    r = rnd.random()
    if depth <= 0 or r < 0.3:
        return rnd.choice([1, "x", None, 2.5])
    if r < 0.65:
        return {k: _random_value(rnd, depth - 1) for k in rnd.sample(["a", "b", "c"], rnd.randint(0, 3))}
    return [_random_value(rnd, depth - 1) for _ in range(rnd.randint(0, 4))]


@pytest.mark.slow
@pytest.mark.parametrize("draft", ["https://json-schema.org/draft/2020-12/schema",
                                   "https://json-schema.org/draft/2019-09/schema"])
@pytest.mark.parametrize("seed", range(4))
def test_random_applicator_trees_leave_what_helm_leaves_unevaluated(tmp_path, draft, seed):
    rnd = random.Random(f"{draft}-{seed}")
    for n in range(15):
        inner = _random_schema(rnd, 3)
        inner = inner if isinstance(inner, dict) else {"allOf": [inner]}
        inner.setdefault(rnd.choice(["unevaluatedProperties", "unevaluatedItems"]),
                         rnd.choice([False, {"type": "integer"}]))
        defs = {"d": _random_schema(rnd, 2)}
        text = json.dumps({"$schema": draft, "$defs": defs, "properties": {"u": inner}})
        if "2019" in draft:
            text = text.replace('"prefixItems"', '"items"')
        chart = _chart(tmp_path / str(n), text)
        for _ in range(4):
            _assert_like_helm(chart, {"u": _random_value(rnd)})
