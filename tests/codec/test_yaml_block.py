"""The one-pass block writer agrees with the emitter route byte for byte, or declines.

The emitter route (``_tree_v2`` + the libyaml port) is itself judged against Helm in
test_yaml_dump; here every value the writer accepts must come out exactly as that route writes it.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kts.codec import yaml_dump
from kts.codec.yaml_block import write_block
from kts.codec.yaml_emit import Emitter
from tests.codec.helm_batch import as_helm_values
from tests.codec.strategies import json_values, keys, texts
from tests.codec.test_yaml_dump import CORPUS, WORDS

LONG = os.environ.get("KTS_HYPOTHESIS_PROFILE") == "long"


def _general(value: Any) -> str | None:
    try:
        tree, _ = yaml_dump._tree_v2(value)
    except yaml_dump.YAMLError:
        return None
    return Emitter().document(tree)


def _fast(value: Any) -> str | None:
    return write_block(value, yaml_dump._string_scalar, yaml_dump._sorted_keys)


def _agrees(value: Any) -> bool:
    """True when the writer wrote the value (and then it matched)."""
    got = _fast(value)
    if got is None:
        return False
    assert got == _general(value), value
    return True


def test_corpus_agrees_or_declines() -> None:
    items = [*CORPUS, *({"k": w} for w in WORDS), *({w: 1} for w in WORDS if w), *([w] for w in WORDS),
             *({"a": [{"b": w, "c": [w, [w]]}]} for w in WORDS)]
    written = sum(_agrees(as_helm_values(item)) for item in items)
    assert written > len(items) // 3  # the common case does take this route


def test_typical_pod_spec_is_written() -> None:
    pod = {"containers": [{"name": "notebook", "image": "quay.io/jupyter/base-notebook:2024-01-01",
                           "args": ["start-notebook.sh", "--ip=0.0.0.0"], "ports": [{"containerPort": 8888}],
                           "env": [{"name": "A", "value": "a value with spaces"}, {"name": "B", "value": ""}],
                           "resources": {"limits": {"cpu": 2.0, "memory": "1G"}, "requests": {}}}],
           "securityContext": {"fsGroup": 100.0, "runAsNonRoot": True}, "volumes": [], "x": None}
    assert _agrees(pod)


WORDISH = st.text(st.sampled_from(list("ab :#-'\"\\\n\t ,[]{}é😀\x01")), max_size=120)
VALUES = st.recursive(
    st.one_of(texts, WORDISH, st.text(max_size=100), st.integers(), st.booleans(), st.none(),
              st.floats(allow_nan=False, allow_infinity=False)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(keys, WORDISH), inner, max_size=4)),
    max_leaves=14)


@pytest.mark.slow
@settings(max_examples=20000 if LONG else 2000, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=not LONG)
@given(st.one_of(VALUES, json_values))
def test_random_values_agree_or_decline(value: Any) -> None:
    _agrees(as_helm_values(value))


def test_declines_what_it_does_not_write() -> None:
    for value in [{"a": "trailing space \nline"}, {"a": "x\r\ny"}, {"a": "x" * 85 + " y"}, {"k" * 130: 1},
                  {1: "a"},
                  {"a": float("nan")}, {"a": "tab\there"}, {"a": "\x85"}, ["\ud800"], "scalar", []]:
        if value == []:
            assert _fast(value) == "[]\n"
            continue
        assert _fast(value) is None, value


def test_literal_blocks_are_written() -> None:
    texts = ["a\nb", "a\nb\n", "a\n\n", "\n", "\n\n", " lead\nx", "\nlead", "x\n\n\ny\n", "é\nü"]
    for text in texts:
        for value in ({"k": text, "z": 1}, [text, "after"], {"a": [{"b": text}], "c": {"d": text}}, [[text]]):
            assert _agrees(value), value
