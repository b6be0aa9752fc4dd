"""Sprig string functions compared with real Helm."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kts.gotemplate.gotypes import FuncMap, GoFunc
from kts.gotemplate.strconv import from_go_bytes, go_bytes, is_escaped_byte
from kts.sprig import sprig_funcs, strings
from tests.sprig import sprig_oracle


def as_go_text(text: str) -> str:
    """A Go string as the oracle hands it over: each invalid UTF-8 byte read as U+FFFD."""
    return "".join("\ufffd" if is_escaped_byte(c) else c for c in from_go_bytes(go_bytes(text)))


def as_received(funcs: FuncMap) -> FuncMap:
    """Functions whose string results read as Helm hands them over (invalid UTF-8 replaced)."""

    def wrap(fn: Any) -> Any:
        def call(*args: Any) -> Any:
            out = fn(*args)
            return as_go_text(out) if isinstance(out, str) else out

        return call

    return {name: GoFunc(wrap(f.fn), f.sig, f.name) for name, f in funcs.items()}


def compare(root: Path, funcs: FuncMap, exprs: list[str], values: dict | None = None) -> list:
    return sprig_oracle.compare(root, as_received(funcs), exprs, values)


FUNCS = {**sprig_funcs(), **strings.FUNCS}

WORDS = [
    "", "a", "A", "_", "__", "-", " ", "ab", "hello world", "Hello World", "FirstName", "firstName",
    "HTTPServer", "NoHTTPS", "GO_PATH", "GO PATH", "GO-PATH", "http2xx", "HTTP20xOK", "Duration2m3s",
    "Bld4Floor3rd", "some_words", "_complex__case_", "GOLANG_IS_GREAT", "http_server", "foo-bar baz",
    "o'neil x.y a_b 3d \u00e9a", "straße", "İstanbul", "ǆemal ǅ Ǆ", "σασ ΣΑΣ", "ᾳ ᾀ", "ﬁx", "ŉ",
    "a1b2", "A1B2", "aBC", "ABc", "a  b", "  lead", "trail  ", "tab\tsep\nnl", "x.y.z", "x..y",
    "中文字 中文", "日本語テキスト", "Ünïcödé Wörds", "ABCdef GHI", "abc123DEF", "123abc", "1.5e3",
    "ID", "userID", "user_id", "JSONData", "getHTTPResponseCode", "__init__", "a--b", "-a-", "a_",
    "\u00e0 \u00e0", "x\u00a0y", "the quick brown fox jumps over the lazy dog",
    "mañana Ölçek ǈ", "Hello, World!", "a,b;c", "snake_Case-Mixed Words", "XMLHttpRequest",
    "\u0130i", "ΆΈΉ", "ABC", "abc", "Abc", "1", "1a", "a1", "A1", "?!", "?a", "a?", "??b",
]


def _lit(s: str) -> str:
    return json.dumps(s)


def test_case_functions_match_helm(tmp_path: Path) -> None:
    exprs = []
    for fn in ("upper", "lower", "title", "untitle", "swapcase", "snakecase", "camelcase",
               "kebabcase", "initials", "nospace", "trim"):
        exprs += [f"{fn} {_lit(w)}" for w in WORDS]
    assert compare(tmp_path, FUNCS, exprs) == []


@pytest.mark.slow
def test_slicing_functions_match_helm(tmp_path: Path) -> None:
    texts = ["hello world", "h\u00e9llo", "1234 5678 9123", "", "abcdefghijklmnopqrstuvwxyz"]
    exprs = []
    for t in texts:
        for n in (-20, -5, -1, 0, 1, 2, 3, 4, 5, 7, 10, 100):
            exprs += [f"trunc {n} {_lit(t)}", f"abbrev {n} {_lit(t)}", f"repeat {max(n, 0)} {_lit(t)}",
                      f"wrap {n} {_lit(t)}", f"wrapWith {n} \"|\" {_lit(t)}",
                      f"indent {max(n, 0) % 7} {_lit(t)}", f"nindent {max(n, 0) % 5} {_lit(t)}"]
        for a, b in ((0, 5), (6, -1), (-1, 3), (2, 2), (3, 100), (0, 0), (-3, -3), (4, 1),
                     (30, 40), (0, -1), (1, 2), (-1, 50)):
            exprs.append(f"substr {a} {b} {_lit(t)}")
        for left, right in ((0, 10), (5, 10), (1, 4), (10, 7), (3, 6), (-1, 5), (20, 8), (4, 4)):
            exprs.append(f"abbrevboth {left} {right} {_lit(t)}")
    exprs += ['repeat -1 "x"', 'indent -1 "x"', r'wrap 5 "a b\nc d e f g hijklmno p"',
              'wrap 10 "  leading  spaces  here and there"', r'wrapWith 3 "\n" "abcdefgh ij"',
              r'indent 2 "a\n\nb\n"', r'nindent 0 "\n"']
    assert compare(tmp_path, FUNCS, exprs) == []


def test_search_split_join_match_helm(tmp_path: Path) -> None:
    exprs = [
        r'contains "ell" "hello"', r'contains "" "x"', r'contains "z" "hello"', r'hasPrefix "he" "hello"',
        r'hasPrefix "" ""', r'hasSuffix "lo" "hello"', r'hasSuffix "x" "hello"',
        r'trimAll "$" "$$5.00$"', r'trimall "ab" "abcba"', r'trimAll "" " x "', r'trimPrefix "he" "hello"',
        r'trimPrefix "x" "hello"', r'trimSuffix "lo" "hello"', r'trimSuffix "" "hello"',
        r'trim "  \t x y \n "', r'trim "\u00a0\u3000x\u2028"', r'trim "\u001cx"',
        r'nospace " a b\tc\u00a0d "',
        r'replace "a" "b" "banana"', r'replace "" "-" "h\u00e9"', r'replace "an" "" "banana"',
        r'replace "x" "y" ""', r'replace "" "-" ""',
        r'split "," "a,b,c"', r'split "" "h\u00e9y"', r'split "," ""', r'split ",," "a,,b,,"',
        r'splitn "," 2 "a,b,c"', r'splitn "," 0 "a,b"', r'splitn "," -1 "a,b,c"', r'splitn "" 2 "abc"',
        r'splitList "," "a,b,c"', r'splitList "" "abc"', r'splitList "x" ""',
        r'join "-" (list 1 "a" nil 2.5)', r'join ", " (splitList "," "b,a")', r'join "" (list)',
        r'join "-" "abc"', r'join "-" nil', r'join "-" 5', r'join "-" (list (list 1) (dict "a" 1))',
        r'sortAlpha (list "b" "a" "B" "\u00e9" "e" 1 nil)', r'sortAlpha "x"', r'sortAlpha nil',
        r'sortAlpha (splitList "," "z,y,x")', r'sortAlpha 3.5', r'toStrings (list 1 nil "a" 1e6)',
        r'toStrings nil', r'toStrings "a"', r'toStrings (splitList "," "a,b")', r'toString nil',
        r'toString 1e6', r'toString (list 1 "a")', r'toString true', r'toString (dict "b" 1 "a" 2)',
        r'quote "h\u00e9llo\tx\u0001" 1 nil 1e6 true', r'quote', r'quote nil', r'quote (list "a" nil)',
        r'squote "a\"b" 1 nil (list 1)', r'squote', r'cat "a" 1 nil "b" (list 1 2) nil',
        r'cat', r'cat nil', r'cat nil nil 1', r'plural "one" "many" 1', r'plural "one" "many" 0',
        r'plural "one" "many" -1', r'hello',
        r'sha1sum "abc"', r'sha256sum ""', r'sha512sum "h\u00e9"', r'adler32sum "Wikipedia"',
        r'adler32sum ""', r'b64enc "h\u00e9llo"', r'b64enc ""', r'b32enc "h\u00e9llo"', r'b32enc "a"',
    ]
    assert compare(tmp_path, FUNCS, exprs) == []


def test_base64_and_base32_decoding_match_helm(tmp_path: Path) -> None:
    inputs = ["aGVsbG8=", "aGVsbG8", "aGVsbA==", "aGVsbA=", "aGVsbA", "aGVs", "a", "ab", "abc",
              "!!!!", "aGVs!G8=", "aGVsbG8=x", "aGVsbG8==", "aGV\nsbG8=", "aGVs\r\nbA==", "====",
              "a===", "aa==aa==", "aGVsbA=\n=", "aGVsbA==\n", "", "\n", "YQ", "YQ=", "YR==",
              "NBSWY3DP", "NBSWY3DPEE======", "NBSWY3D=", "NBSWY===", "NBSWY3DPE", "nbswy3dp",
              "MY======", "MY=====", "MY======MY======", "ME======x", "MZXW6===", "MZXW6YQ=",
              "MZXW6YTB", "MZXW6YTBOI======", "M=======", "MZX=====", "MZXW6Y==", "1AAAAAAA"]
    exprs = []
    for s in inputs:
        exprs += [f"b64dec {_lit(s)}", f"b32dec {_lit(s)}"]
    assert compare(tmp_path, FUNCS, exprs) == []


# ---------------------------------------------------------------------------
# Random text through the rune-wise functions

_ALPHABET = (
    "aAzZ09_- \t.,;:!?'\"/()[]<>"  # ASCII structure (no braces: they read as actions)
    "\u00e9\u00c9\u00df\u00e0\u00ff\u0130\u0131\u017f\u01c4\u01c5\u01c6\u01c7\u01c8\u03a3\u03c3\u03c2"
    "\u0390\u1e9e\u1f80\u1f88\u1fb3\u1fbc\u0149\u01f0\ufb01\u2160\u2170\u24b6\u24d0\u10a0\u2d00"
    "\u0660\u0966\uff10\uff21\uff41\u00a0\u3000\u2028\u1680\u3042\u30a2\u4e00\u9fa5\u3400\uac00"
    "\u0410\u0430\u0531\u0561\u10d0\u13a0\uab70\u1c80\u0300\u0301\u20ac\u00b5\u2126\u212a\u00aa"
    "\U00010400\U00010428\U0001d400\U0001f600\U00011f04\U0001e030\u02b0\u0345\u1e00\u1e01"
)


_EXAMPLES = 200 if os.environ.get("KTS_HYPOTHESIS_PROFILE") == "long" else 10


@pytest.mark.slow
@settings(max_examples=_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(st.sampled_from(_ALPHABET), max_size=10), min_size=40, max_size=40))
def test_random_text_matches_helm(tmp_path: Path, texts: list[str]) -> None:
    exprs = []
    for t in texts:
        lit = json.dumps(t, ensure_ascii=False)
        exprs += [f"{fn} {lit}" for fn in ("upper", "lower", "title", "untitle", "swapcase", "snakecase",
                                           "camelcase", "kebabcase", "initials", "nospace", "trim", "quote",
                                           "abbrev 5", "wrap 3", "trunc 3", "substr 0 4")]
    assert compare(tmp_path / str(next(_runs)), FUNCS, exprs) == []


_runs = itertools.count()
