"""Sprig regex functions (Go RE2 semantics) compared with real Helm, plus a randomized check."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kts.sprig import regex
from tests.sprig.sprig_oracle import compare, helm_eval

FUNCS = dict(regex.FUNCS)


def q(s: str) -> str:
    return json.dumps(s)


CASES = [
    # (pattern, input)
    ("a*", "baaac"), ("a*", "abaabaccadaaae"), ("", "abc"), ("", ""), ("x*", "héllo wörld"),
    ("^a", "aaa"), ("(?m)^a", "a\na\nb"), ("a$", "aa\na"), (r"\z", "ab"), (r"\bfoo\b", "foo foobar foo"),
    ("[[:alpha:]]+", "ab1cd2"), ("[[:^digit:]]+", "ab1cd2"), (r"\pL+", "héllo wörld 42"),
    (r"\p{Greek}+", "abc αβγ"), ("(?i)HELLO", "hello HeLLo"), ("(?s)a.b", "a\nb"), ("a.b", "a\nb"),
    ("(?U)a+", "aaa"), ("(?U)a+?", "aaa"), ("a+?", "aaa"), ("a|ab", "ab"), ("(a|ab)(c|bcd)", "abcd"),
    (r"\d+", "a1b22c333"), (r"[^a]", "aab\n"), (r"\s+", "a \t\nb\v c"), (r"\Qa.b\E", "a.b axb"),
    (r"(?P<first>\w+) (?P<last>\w+)", "Jane Doe"), (r"(?<y>\d{4})-(?<m>\d\d)", "2024-01 1999-12"),
    ("é", "éé"), (".", "日本"), ("", "日本"), ("b*", "abc"), ("a{2,3}", "aaaaaaa"), ("x?", "xax"),
    (r"\.", "a.b.c"), ("[a-c]*", "abcxabc"), (r"\W", "a-b c"), ("(a)|b", "ab"),
    # Empty-width assertions that RE2 also finds between the bytes of one rune; Go does not.
    (r"\B", "1é"), (r"\B", "1é1"), (r"\B.", "1é1é"), (r"\B", "x世界y"), (r"(\B)", "a1éé1"),
]

TEMPLATES = ["${1}W", "$1W", "$1", "${1}", "$$", "$", "${", "${1", "$first.$last", "${last}, ${first}",
             "<$0>", "$10", "$01", "$ab", "x", "", "${y}/${m}", "$2$1", "$é"]


def exprs() -> list[str]:
    out = []
    for pat, s in CASES:
        p, t = q(pat), q(s)
        out += [f"regexMatch {p} {t}", f"regexFind {p} {t}", f"regexFindAll {p} {t} -1",
                f"regexFindAll {p} {t} 2", f"regexFindAll {p} {t} 0", f"regexSplit {p} {t} -1",
                f"regexSplit {p} {t} 2", f"regexSplit {p} {t} 0", f"regexSplit {p} {t} 1",
                f"regexReplaceAllLiteral {p} {t} {q('<$1>')}", f"regexQuoteMeta {p}"]
        out += [f"regexReplaceAll {p} {t} {q(tpl)}" for tpl in TEMPLATES[:8]]
    names, dates = q(r"(?P<first>\w+) (?P<last>\w+)"), q(r"(?<y>\d{4})-(?<m>\d\d)")
    out += [f'regexReplaceAll {names} "Jane Doe" {q(tpl)}' for tpl in TEMPLATES]
    out += [f'regexReplaceAll {dates} "2024-01 x" {q(tpl)}' for tpl in TEMPLATES]
    out += ['regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W"', 'regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W"',
            'regexReplaceAll "(é)" "aéb" "[$1]"', 'regexReplaceAll "a*" "baaac" "-"',
            'regexReplaceAll "" "abc" "-"', 'regexReplaceAll "x*" "日本" "-"',
            'regexQuoteMeta "a.b*c[d]{e}(f)|g^h$i\\\\j+k?"', "regexQuoteMeta \"\"",
            'regexSplit "," "" -1', 'regexSplit "" "" -1', 'regexSplit "" "abc" -1', 'regexSplit "" "abc" 2']
    return out


BAD = ["[", "(", ")", "a**", "a{1001}", "x{2,1}", "\\", "\\C", "\\Z", "[z-a]", "[[:foo:]]", "(?P=n)",
       "(?i", "(?z)", "*", "\\pX", "(?P<>a)", "(?<n!>a)", "(?P<nameé>a)", "\\x{110000}", "[^]", "a|*",
       "a*?+", "(a{1000}){1000}", "\\8", "a`b[", "\t[", "é[", "\n("]


UNICODE_CLASSES = ["\\pl", "\\Pc", "\\pn", "\\pz", "\\pa", "\\p{letter}", "\\p{Uppercase_Letter}",
                   "\\p{greek}", "\\p{GREEK}", "\\p{^greek}", "\\P{han}", "\\p{Old_Italic}",
                   "\\p{SignWriting}",
                   "\\p{ascii}", "\\P{ASCII}", "[\\p{ascii}x]", "\\p{Assigned}", "\\p{Cn}", "\\p{LC}",
                   "[\\p{lc}]", "\\P{lc}", "\\p{digit}", "\\p{L u}", "\\p{any}", "\\p{Zzzz}", "\\p{L&}",
                   "[\\pl-z]", "[a-\\pL]", "[a-\\p]", "[\\p", "\\p", "[\\P]", "\\x{", "x{99999999999}",
                   "x{1,9999999999}", "x{01}", "?(C\\P]", "(?P<n>a)(?P<n>b)", "\\p{Cased_Letter}+"]


def bad_exprs() -> list[str]:
    out: list[str] = []
    out += [f'mustRegexFindAll {q(pat)} "aZ1 αβ _ 漢 \\u0000 é x{1}" -1' for pat in UNICODE_CLASSES]
    for pat in BAD:
        p = q(pat)
        out += [f"regexMatch {p} \"x\"", f"mustRegexMatch {p} \"x\"", f"regexFind {p} \"x\"",
                f"mustRegexFind {p} \"x\"", f"regexFindAll {p} \"x\" -1", f"mustRegexFindAll {p} \"x\" 1",
                f"regexReplaceAll {p} \"x\" \"y\"", f"mustRegexReplaceAllLiteral {p} \"x\" \"y\"",
                f"regexSplit {p} \"x\" -1", f"mustRegexSplit {p} \"x\" -1"]
    return out


def test_regex_functions_match_helm(tmp_path):
    assert compare(tmp_path, FUNCS, exprs()) == []


@pytest.mark.slow
def test_bad_patterns_fail_like_go(tmp_path):
    assert compare(tmp_path, FUNCS, bad_exprs()) == []


_ALPHABET = "abB\n é.-_1"
_PATTERN_PARTS = ["a", "b", "a*", "b+", "(a|b)", "[ab]", ".", "^", "$", "\\b", "a?", "(?i)A", "é", "", "x*",
                  "(a*)", "[^a]", "\\s", "(?m)^", "(?s).", "a{1,2}", "[[:alpha:]]", "\\pL", "(?U)a+", "a*?",
                  "\\z", "(?P<n>b)", "\\B", "[\\d-]", "\\W+", "(?:ab)*", "\\A", "[^\\n]+"]
_EXAMPLES = 300 if os.environ.get("KTS_HYPOTHESIS_PROFILE") == "long" else 15


@settings(max_examples=_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(parts=st.lists(st.sampled_from(_PATTERN_PARTS), min_size=1, max_size=4),
       text=st.text(alphabet=_ALPHABET, max_size=8), n=st.sampled_from([-1, 0, 1, 2, 3]),
       tpl=st.sampled_from(["<$1>", "${1}x", "$0$0", "-", "$n", "${n}$1", "$$", ""]))
def test_random_patterns_match_helm(parts, text, n, tpl):
    pat = "".join(parts)
    p, t = q(pat), q(text)
    exprs = [f"regexFindAll {p} {t} {n}", f"regexSplit {p} {t} {n}", f"regexReplaceAll {p} {t} {q(tpl)}",
             f"regexFind {p} {t}", f"regexMatch {p} {t}"]
    with tempfile.TemporaryDirectory() as d:
        assert compare(Path(d), FUNCS, exprs) == []


def test_helm_eval_sees_errors(tmp_path):
    # The differential harness must be able to fail: a wrong expectation is reported.
    out = helm_eval(tmp_path, ['regexFind "[" "x"'])
    assert out[0].startswith("regexp: Compile(`[`)")


TEMPLATE_LINES = [
    '{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }} {{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }}',
    '{{ "foo-bar" | regexReplaceAllLiteral "-" "$1" }} {{ regexMatch "^[a-z]+$" "abc" }}',
    '{{ regexFindAll "[0-9]+" "a1b22c333" -1 | toJson }} {{ regexFindAll "z" "abc" -1 | toJson }}',
    '{{ regexSplit "\\\\s*,\\\\s*" "a , b,c" -1 | join "|" }} {{ regexSplit "," "a,b" 0 | toJson }}',
    '{{ regexQuoteMeta "1.2.3+x" }} {{ typeOf (regexSplit "," "a" -1) }}',
    '{{ regexFind "(?i)HeLLo" "say hello" }}',
    '{{ regexFind "[" "x" }}',
    '{{ mustRegexSplit "(" "x" -1 }}',
    '{{ regexMatch "[" "x" }}',
    '{{ mustRegexMatch "a**" "x" }}',
    '{{ regexReplaceAll "\\\\C" "x" "y" }}',
    # Invalid UTF-8 (a string cut inside a rune): Go reads each bad byte as U+FFFD.
    '{{ regexReplaceAll "." (trunc 2 "héllo") "x" }} {{ regexFindAll "" (trunc 2 "héllo") -1 | len }}',
    '{{ regexMatch "^.{2}$" (trunc 2 "héllo") }} {{ regexReplaceAll "\\\\x{FFFD}" (trunc 2 "héllo") "x" }}',
    '{{ regexFindAll "." (trunc 4 "héllo") -1 | len }} {{ regexSplit "h" (trunc 2 "héllo") -1 | len }}',
]


def test_regex_in_templates_match_helm(tmp_path):
    from tests.sprig.sprig_oracle import template_mismatches

    assert template_mismatches(tmp_path, TEMPLATE_LINES) == []


_SYNTAX = "()[]{}*+?|\\^$.:-,PpdwsQEzCZ<>=!imsU01789aAxX_ "


@pytest.mark.slow
@settings(max_examples=_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(pats=st.lists(st.text(alphabet=_SYNTAX, min_size=1, max_size=7).filter(
    lambda p: "{{" not in p and "}}" not in p), min_size=5, max_size=5))
def test_random_pattern_syntax_matches_go(pats):
    # Valid or not, every pattern must compile (or fail, with Go's message) exactly as in Helm.
    exprs = [f'mustRegexFind {q(p)} "a1_x (Z)"' for p in pats]
    with tempfile.TemporaryDirectory() as d:
        assert compare(Path(d), FUNCS, exprs) == []
