"""The one-loop scanner gives exactly the items Go's one-token-at-a-time states give."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kts.gotemplate.lexer import Lexer, lex
from tests.gotemplate.test_fuzz import ALPHABET, SEEDS

LONG = os.environ.get("KTS_HYPOTHESIS_PROFILE") == "long"
EXAMPLES = 5000 if LONG else 400
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "charts"
# Characters where the scanner hands over to the one-token states, or must not.
EXTRA = "é\u00a0\u2028世!#%&*+;<>?@[]^~\\\r0xX.eEpPi_'\"`}"


class _OneTokenLexer(Lexer):
    """Only the per-token states, as Go's lexer runs them."""

    def lex_text(self):
        return self._text_slow()

    def lex_inside_action(self):
        return self._inside_slow()


def _items(items: list) -> list[tuple[int, int, str, int]]:
    return [(i.typ, i.pos, i.val, i.line) for i in items]


def _check(text: str) -> None:
    for ok in (True, False):
        want = _OneTokenLexer(text, break_ok=ok, continue_ok=not ok).run()
        assert _items(lex(text, break_ok=ok, continue_ok=not ok)) == _items(want), text


def test_fixture_templates_lex_alike() -> None:
    texts = [p.read_text() for p in FIXTURES.glob("*/templates/**/*") if p.is_file()]
    assert texts
    for text in texts:
        _check(text)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=not LONG)
@given(st.text(alphabet=ALPHABET + EXTRA, max_size=40))
def test_random_actions_lex_alike(body: str) -> None:
    _check("a {{" + body + "}} b\n{{- " + body[::-1] + " -}}\n c")


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=not LONG)
@given(seed=st.sampled_from(SEEDS), data=st.data())
def test_mutated_templates_lex_alike(seed: str, data: st.DataObject) -> None:
    text = seed
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        j = data.draw(st.integers(i, min(len(text), i + 3)))
        text = text[:i] + data.draw(st.text(alphabet=ALPHABET + EXTRA, max_size=4)) + text[j:]
    _check(text)
