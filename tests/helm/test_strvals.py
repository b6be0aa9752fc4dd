"""``--set`` parsing against Helm's own strvals parser (helm_python), including generated input."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import helm_python
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kts.gotemplate.gotypes import Int64
from kts.helm import strvals

EXAMPLES = [
    "a=1,b.c=two,ports={80,443}", "a=0123", "x=1.5", "a[0]=x,a[2].b=3", "name=a\\,b", "a.b=", "a=", "a",
    "a.b.c=d,a.e=f", "a={x,y}", "a[1][0]=z", "a=null,b=TRUE", "x=-5", "x=+5", "a.b=1,a=2", "a=2,a.b=1",
    "a=b=c", "a[x]=1", "a={1,2", "a=1,,b=2", "a=9223372036854775808", "a[-1]=2", "a[0].b[1].c=3",
    "a\\.b=c", "a={}", "a={,}", "a=x,", ",", "", "a[65537]=1", "a[0]=1,a[0].b=2", "a.b[0]=1,a.b[1]=2",
    "outer.inner={a,b},outer.x=0", "k=v\\=w", "é=ü", "a= spaced ", "a[0]x=1", "a..b=1", "a]=1",
]
JSON_EXAMPLES = ['a={"b":[1,2]}', "a=1", 'a="s",b=null', "a.b=[1,{\"c\":true}]", "a=", "a[1]=2.5",
                 'a={"x":1},b=[]', "a=bad", "a={", 'a=1 , b=2', "a[0]={}"]
LITERAL_EXAMPLES = ["a=b,c=d", "a.b=x=y", "a[0]=1", "a[0].b=c", "a", "a.b", "x=\\,", "=v"]


def plain(value: Any) -> Any:
    """kts types (int64, float64) as JSON would carry them."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Int64):
        return int(value)
    return value


def outcome(fn: Any, expr: str) -> Any:
    try:
        return ("ok", json.loads(json.dumps(plain(fn(expr)))))
    except (helm_python.HelmError, strvals.StrvalsError) as exc:
        return ("error", str(exc))


def helm_json(expr: str) -> dict[str, Any]:
    out = helm_python.parse_set_json(expr)
    return json.loads(json.dumps(out), parse_int=float)


@pytest.mark.parametrize("expr", EXAMPLES)
def test_set_matches_helm(expr: str) -> None:
    assert outcome(strvals.parse_set, expr) == outcome(helm_python.parse_set_string, expr)
    assert outcome(strvals.parse_set_string, expr) == outcome(helm_python.parse_set_string_values, expr)


def test_set_types() -> None:
    parsed = strvals.parse_set("a=1,b=0,c=007,d=true,e=1e3")
    assert parsed == {"a": 1, "b": 0, "c": "007", "d": True, "e": "1e3"}
    assert type(parsed["a"]) is Int64 and type(parsed["b"]) is Int64


@pytest.mark.parametrize("expr", JSON_EXAMPLES)
def test_set_json_matches_helm(expr: str) -> None:
    assert outcome(strvals.parse_set_json, expr)[0] == outcome(helm_json, expr)[0]
    if outcome(helm_json, expr)[0] == "ok":
        assert outcome(strvals.parse_set_json, expr) == outcome(helm_json, expr)


@pytest.mark.parametrize("expr", LITERAL_EXAMPLES)
def test_set_literal_matches_helm(expr: str) -> None:
    assert outcome(strvals.parse_set_literal, expr) == outcome(helm_python.parse_set_literal, expr)


def test_set_file_matches_helm(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("content\nline2\n")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        for expr in ("a=f.txt", "a.b=f.txt,c=f.txt", "a[0]=f.txt"):
            assert outcome(strvals.parse_set_file, expr) == outcome(helm_python.parse_set_file, expr)
        assert outcome(strvals.parse_set_file, "a=missing.txt")[0] == "error"
    finally:
        os.chdir(cwd)


PROFILE = os.environ.get("KTS_HYPOTHESIS_PROFILE", "")
EXAMPLE_COUNT = 2000 if PROFILE == "long" else 150


@settings(max_examples=EXAMPLE_COUNT, deadline=None)
@given(st.text(alphabet="ab0129.=,[]{}\\ -x", max_size=14))
def test_generated_set_expressions_match_helm(expr: str) -> None:
    assert outcome(strvals.parse_set, expr) == outcome(helm_python.parse_set_string, expr)


@pytest.mark.slow
@settings(max_examples=EXAMPLE_COUNT, deadline=None)
@given(st.text(alphabet="ab0.=,[]\\", max_size=10))
def test_generated_literal_expressions_match_helm(expr: str) -> None:
    assert outcome(strvals.parse_set_literal, expr) == outcome(helm_python.parse_set_literal, expr)
