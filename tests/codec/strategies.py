"""Hypothesis strategies for JSON-like values full of YAML-ambiguous text."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from kts.codec.yaml_dump import natural_key, natural_key_v3, natural_less

LONG = os.environ.get("KTS_HYPOTHESIS_PROFILE") == "long"

# Each example is a whole batch rendered by Helm at once, so few examples go a long way.
BATCH_SETTINGS = settings(max_examples=30 if LONG else 4, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
BATCH_SIZE = 60

SPECIAL_WORDS = [
    "yes", "no", "on", "off", "y", "n", "Y", "N", "true", "False", "TRUE", "null", "Null", "~", "",
    "1.0", "123", "-1", "+1", "0x1F", "0o17", "0755", "08", "1_000", ".5", "1e3", "1E3", "6.02e+23",
    "1:30", "12:30:45", "2024-01-02", "2001-12-14t21:59:43.10-05:00", "<<", "NaN", ".nan", ".inf",
    "-.inf", "=", "-", "--- x", "...", "? x", "- x", "a: b", "a #b", "#x", "@at", "`x", "!x", "&x",
    "*x", "%x", "{x}", "[x]", "'q'", '"q"', "|", ">", "a,b", "a:b", " lead", "trail ", "é", "日本",
    "😀", "\t", "\n", "\r", "\x01", "\u2028", "\ufeff", "<&>", "\\", "0", "-0", "1e400",
]

ALPHABET = st.sampled_from(list("abcxyzAZ019 :#-_.'\"\\\n\t{}[],&*!|>%@`?é日😀\u2028\x85\x00\x7f<>"))

texts = st.one_of(
    st.sampled_from(SPECIAL_WORDS),
    st.text(ALPHABET, max_size=12),
    st.lists(st.sampled_from([*SPECIAL_WORDS, "word", "x" * 30, "  ", "\n"]), max_size=30).map(" ".join),
    st.text(max_size=8),
)

keys = st.one_of(st.sampled_from(SPECIAL_WORDS), st.text(ALPHABET, max_size=6),
                 st.from_regex(r"[a-z]{0,3}[0-9]{0,3}[a-z]{0,2}", fullmatch=True))

numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1e21, 1e20, 1e-7, 1e-6, 0.1, 1.5, 1500000.5, 123456789.0, 5e-324]),
)

scalars = st.one_of(st.none(), st.booleans(), numbers, texts)

json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=12,
)


def natural_order_is_total(value: Any, v3: bool = False) -> bool:
    """go-yaml's key order is not transitive for some key sets (``a10``, ``a1b``, ``a9``);
    Go then emits them in map-iteration (random) order, so such values cannot be compared."""
    if isinstance(value, dict):
        ordered = sorted(value, key=natural_key_v3 if v3 else natural_key)
        for i in range(len(ordered)):
            for j in range(i + 1, len(ordered)):
                if not natural_less(ordered[i], ordered[j], v3):
                    return False
        return all(natural_order_is_total(v, v3) for v in value.values())
    if isinstance(value, list):
        return all(natural_order_is_total(v, v3) for v in value)
    return True


yaml_safe_values = json_values.filter(natural_order_is_total)
