"""The one-pass decoder of simple YAML agrees with the general go-yaml route, or declines."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kts.codec import yaml as kyaml
from kts.codec.yaml_fast import DECLINED, unmarshal_simple

LONG = os.environ.get("KTS_HYPOTHESIS_PROFILE") == "long"
EXAMPLES = 20000 if LONG else 1500
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "charts"

PIECES = [
    "? ", "?", "\n? ", "\n: ", "!x ", "!!int ", "|\n  ", ">\n  ", "--- ", "\n---\n", "...", '"a\\"b"',
    "\\", "é", "%", "@", "`", "<<: ", "'<<': ", "*a ", "&b ", ":a", "a:", ":]", ":,", ",,", "[]", "{}",
    ":}", " :", '"a":b', "'a':b", "[a, b]: ", "{a: 1}: ", "[", "]", "{", "}", ",", ": ", ":", " ", "a",
    "b", "1", "'x'", '"y"', "\n", "\n  ", "- ", "#c", "k: ", "-", ".", "/", "http://x", "~", "null",
    "\t", "1.5", "0x1F", "yes", "on", "2001-01-01", ".nan", ".inf", "1e3", "0755", "1: ", "true: ",
    "~: ", "12345678901234567890", '"\\u00e9"', '"\\ud800"', "\x01", "\r\n",
]
PREFIXES = ["k: ", "", "- ", "k:\n  - ", "a:\n  b: "]


def _general(text: str) -> tuple[str, object]:
    try:
        return "ok", kyaml._unmarshal_general(text)
    except kyaml.YAMLError as exc:
        return "error", str(exc)


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=not LONG)
@given(st.sampled_from(PREFIXES), st.lists(st.sampled_from(PIECES), min_size=1, max_size=12))
def test_simple_route_agrees_or_declines(prefix: str, pieces: list[str]) -> None:
    text = prefix + "".join(pieces)
    value = unmarshal_simple(text)
    if value is DECLINED:
        return
    assert _general(text) == ("ok", value), text
    assert repr(_general(text)[1]) == repr(value)  # float and int kinds alike


def test_chart_yaml_takes_the_simple_route() -> None:
    files = [p for p in FIXTURES.glob("*/*.yaml") if p.name in ("values.yaml", "Chart.yaml")]
    declined = []
    for path in files:
        text = path.read_text()
        value = unmarshal_simple(text)
        if value is DECLINED:
            declined.append(path.parent.name + "/" + path.name)
            continue
        assert value == _general(text)[1], path
    # multidoc's values have a key ``y``, which go-yaml reads as the bool true.
    assert declined == ["multidoc/values.yaml"]


def test_declines_what_it_cannot_decide() -> None:
    for text in ["a: &x 1\nb: *x\n", "<<: {a: 1}\n", "a: !!str 1\n", "1: a\n", "a: .nan\n",
                 "a: [b?]\n", "a: [b:]\n", "a:\tb\n", 'a: "\\ud800"\n', "%YAML 1.1\n---\na: 1\n",
                 "a: [" * 300 + "]" * 300, "a: b\n  c: d\n"]:
        assert unmarshal_simple(text) is DECLINED, text
    assert unmarshal_simple("a: [x, {z: 1}]\nb: q\n") == {"a": ["x", {"z": 1.0}], "b": "q"}
    assert unmarshal_simple("a: 'q?'\nb: c?d\n") == {"a": "q?", "b": "c?d"}
    assert unmarshal_simple("") is None
