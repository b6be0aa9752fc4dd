"""Fuzzing: arbitrary and mutated template text only ever raises a chart's RenderError (never an
engine crash), and never hangs."""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kts.gotemplate import RenderError, TemplateSet
from tests.gotemplate.test_exec_diff import CONTROL, EXEC_ERRORS, FIELDS_AND_PRINTING, VARIABLES
from tests.gotemplate.test_syntax_diff import PARSE_ERRORS, TEXT_AND_TRIM
from tests.support.harness import not_internal

LONG = os.environ.get("KTS_HYPOTHESIS_PROFILE") == "long"
EXAMPLES = 5000 if LONG else 300

SEEDS = TEXT_AND_TRIM + PARSE_ERRORS + FIELDS_AND_PRINTING + CONTROL + VARIABLES + EXEC_ERRORS
ALPHABET = "{}{}{}()$.|:=-, \n\t\"'`/*abcxyz019_éif rangeendelsewithdefinetemplateblock"
DATA = {"Values": {"a": 1.0, "s": "x", "l": [1.0, None, "z"], "m": {"k": {"n": None}}, "n": None},
        "Release": {"Name": "r"}}


def _funcs() -> dict:
    try:
        from kts.sprig import sprig_funcs
    except ImportError:
        return {}
    funcs = dict(sprig_funcs())
    for unsafe in ("randAlpha", "randAlphaNum", "randAscii", "randNumeric", "randBytes", "repeat",
                   "genPrivateKey", "genCA", "genSelfSignedCert", "genSignedCert", "bcrypt",
                   "htpasswd", "derivePassword", "until", "untilStep", "seq", "wrap", "wrapWith",
                   "getHostByName"):
        funcs.pop(unsafe, None)
    return funcs


FUNCS = _funcs()


def _exercise(text: str) -> None:
    start = time.monotonic()
    for missingkey in ("zero", "default", "error"):
        ts = TemplateSet(FUNCS, missingkey=missingkey)
        try:
            ts.parse("f", text)
            ts.execute("f", DATA)
        except RenderError as exc:
            not_internal(exc)
    assert time.monotonic() - start < 60  # generous for loaded CI machines; a hang never ends


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=not LONG)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_random_text_only_raises_render_error(text):
    _exercise(text)


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=not LONG)
@given(seed=st.sampled_from(SEEDS), data=st.data())
def test_mutated_templates_only_raise_render_error(seed, data):
    text = seed
    for _ in range(data.draw(st.integers(1, 4))):
        if text and data.draw(st.booleans()):
            i = data.draw(st.integers(0, len(text) - 1))
            j = data.draw(st.integers(i, min(len(text), i + 4)))
            text = text[:i] + text[j:]
        else:
            i = data.draw(st.integers(0, len(text)))
            text = text[:i] + data.draw(st.text(alphabet=ALPHABET, min_size=1, max_size=4)) + text[i:]
    _exercise(text)


@pytest.mark.slow
def test_pathological_inputs():
    for text in ["{{" * 5000, "}}" * 5000, "(" * 5000, "{{ " + "(" * 5000 + " }}",
                 "{{ if 1 }}" * 1500, "{{ range . }}" * 800 + "{{ end }}" * 800,
                 '{{ define "a" }}{{ template "a" }}{{ end }}{{ template "a" }}',
                 "{{ " + " | ".join(["print"] * 2000) + " }}",
                 "{{/*" + "x" * 100000, "{{ \"" + "\\" * 10001 + "\" }}"]:
        _exercise(text)
