"""The parser's quick path for pipelines builds exactly the trees, and raises exactly the errors,
of the step-for-step path that follows Go's parser.

Every template is parsed twice, once with the quick path disabled, and the two results are
compared node for node: types, positions, lines and every field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from kts.gotemplate import nodes
from kts.gotemplate.errors import ParseError
from kts.gotemplate.parser import Parser, parse
from tests.gotemplate import test_exec_diff, test_random_diff, test_syntax_diff

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
FUNCS = {"include", "quote", "default", "list", "dict", "print", "printf", "len", "index", "not",
         "and", "or", "eq", "toYaml", "nindent", "indent", "tpl", "required", "call", "slice"}

EDGES = [
    "{{ $x := $x }}",
    "{{ $x = 1 }}{{ $x }}",
    "{{ $x := 1 }}{{ $x.a.b }}{{ $y }}",
    "{{ $a, $b := 1 }}",
    "{{ range $i, $v := .Values.l }}{{ $i }}{{ $v }}{{ end }}",
    "{{ range $i, $v, $w := .Values.l }}{{ end }}",
    "{{ 1 | print }}{{ print | 1 }}{{ . | print }}",
    "{{ print | . }}",
    "{{ \"a\".b }}", "{{ 1.x }}", "{{ nil.x }}", "{{ ..x }}", "{{ true.x }}",
    "{{ (print 1).x }}{{ (.a).b.c }}{{ print.x }}",
    "{{ ((((((((((((((((((((1)))))))))))))))))))) }}",
    "{{ (1 }}", "{{ 1) }}", "{{ ( }}", "{{ () }}", "{{ (|) }}",
    "{{ 0x1p-2 }}{{ 1e3 }}{{ 'a' }}{{ 1i }}{{ 0b101 }}{{ 0o17 }}{{ 1_000 }}",
    "{{ 1__0 }}", "{{ 'ab' }}", "{{ \"\\z\" }}", "{{ 99999999999999999999 }}",
    "{{ nope }}", "{{ .a | nope }}", "{{ .a, .b }}", "{{ .a := 1 }}",
    "{{ .a\n| print\n}}", "{{- /* c */ -}}{{ .a -}}\n\n{{- .b }}",
    "{{ if .a }}{{ else if .b }}{{ else with .c }}{{ end }}",
    "{{ with $x := .a }}{{ $x }}{{ end }}{{ $x }}",
    "{{ template \"t\" .a.b }}{{ block \"b\" (print 1) }}x{{ end }}",
    "{{ define \"d\" }}{{ $ }}{{ .x | quote }}{{ end }}",
    "{{ print `raw\nline` .a }}\n{{ .b }}",
    "{{ .a | print | printf \"%v\" | quote }}",
    "{{ print 1 | }}", "{{ | print }}", "{{ print \"unterminated }}",
    "{{ $ }}{{ $.a }}{{ $.a.b }}",
]


def _examples() -> list[str]:
    texts = list(EDGES)
    for module in (test_syntax_diff, test_exec_diff):
        for value in vars(module).values():
            if isinstance(value, list):
                texts.extend(_texts(value))
    for path in sorted(FIXTURES.rglob("templates/*")):
        if path.is_file() and path.suffix in {".yaml", ".tpl", ".txt", ".yml"}:
            texts.append(path.read_text(encoding="utf-8", errors="surrogateescape"))
    return texts


def _texts(cases: list[Any]) -> list[str]:
    out = []
    for case in cases:
        if hasattr(case, "values"):  # pytest.param
            case = case.values
        if isinstance(case, (tuple, list)):
            case = next((c for c in case if isinstance(c, str)), None)
        if isinstance(case, str):
            out.append(case)
    return out


def _dump(node: Any) -> Any:
    if isinstance(node, list):
        return [_dump(n) for n in node]
    if not isinstance(node, nodes.Node):
        return node
    fields = {}
    for cls in type(node).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if slot != "tree":
                fields[slot] = _dump(getattr(node, slot))
    return type(node).__name__, fields


def _parse(text: str, quick: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as m:
        if not quick:
            m.setattr(Parser, "_quick_pipeline", lambda *_args: None)
        try:
            trees = parse("t", text, FUNCS.__contains__)
        except ParseError as exc:
            return "error", str(exc), exc.line
    return {name: _dump(tree.root) for name, tree in trees.items()}


@pytest.mark.parametrize("text", _examples())
def test_quick_path_builds_the_same_tree(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _parse(text, True, monkeypatch) == _parse(text, False, monkeypatch)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=test_random_diff.template())
def test_quick_path_on_random_templates(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _parse(text, True, monkeypatch) == _parse(text, False, monkeypatch)


def test_the_quick_path_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    taken = []
    original = Parser._quick_pipeline

    def spy(self: Parser, *args: Any) -> Any:
        result = original(self, *args)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(Parser, "_quick_pipeline", spy)
    parse("t", '{{ .a | quote }}{{ $x := include "x" (dict "a" .b) }}{{ if $x }}{{ end }}',
          FUNCS.__contains__)
    assert taken == [True, True, True, True]  # the parenthesized pipeline is one of them
