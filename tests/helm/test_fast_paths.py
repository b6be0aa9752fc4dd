"""Functions given faster algorithms still answer exactly as Helm does (small inputs)."""

from __future__ import annotations

import pytest

from tests.support.harness import assert_same

VALUES = """\
mixed: [1, 1.0, "1", true, 1, null, null, "a", "a", 0.0, -0.0, [1], [1], {a: 1}, {a: 1}, {a: 2}, false]
"""

UNIQ = {
    "ints": "{{ until 50 | concat (until 30) | uniq | toJson }}",
    "typed": '{{ list 1 "1" true 1 (int64 1) (int64 1) (float64 1) 1.5 1.5 nil nil | uniq | toJson }}',
    "values": "{{ .Values.mixed | uniq | toJson }}",
    "nan": '{{ list (float64 "NaN") (float64 "NaN") 2 | uniq | len }}',
    "strings": '{{ splitList "," "b,a,b,c,a,,," | uniq | toJson }}',
}

REGEX = {
    "empty-matches": '{{ regexFindAll "x*" "yxxyyx" -1 | toJson }}',
    "limited": '{{ regexFindAll "x*" "yxxyyx" 3 | toJson }}',
    "groups": '{{ regexFindAll "(a)(b)?" "abaab" -1 | toJson }}',
    "unicode": '{{ regexFindAll "é*" "aééb€é" -1 | toJson }}',
    "split": '{{ regexSplit "x*" "axxbc" -1 | toJson }}',
    "alternation": '{{ regexFindAll "x*|ab" "abxab" -1 | toJson }}',
}


@pytest.mark.parametrize("case", UNIQ)
def test_uniq_like_helm(chart_factory, case: str) -> None:
    assert_same(chart_factory({"t.yaml": UNIQ[case]}, values=VALUES))


@pytest.mark.parametrize("case", REGEX)
def test_regex_find_all_like_helm(chart_factory, case: str) -> None:
    assert_same(chart_factory({"t.yaml": REGEX[case]}))
