"""Parse trees print in Go's ``String()`` form, which execution errors quote."""

from __future__ import annotations

import pytest

from kts.gotemplate.lexer import lex
from kts.gotemplate.parser import parse

FORMS = [
    ("{{.X | .M \"x\"}}", '{{.X | .M "x"}}'),
    ("{{ range $x := .SI }}{{ . }}{{ end }}", "{{range $x := .SI}}{{.}}{{end}}"),
    ("{{range $i, $e := .SI}}a{{else}}b{{end}}", "{{range $i, $e := .SI}}a{{else}}b{{end}}"),
    ("{{with .X}}hello{{else}}goodbye{{end}}", "{{with .X}}hello{{else}}goodbye{{end}}"),
    ("{{if .X}}true{{else if .Y}}false{{end}}", "{{if .X}}true{{else}}{{if .Y}}false{{end}}{{end}}"),
    ("{{with .X}}a{{else with .Y}}b{{end}}", "{{with .X}}a{{else}}{{with .Y}}b{{end}}{{end}}"),
    ("{{ (.Y).Field }}", "{{(.Y).Field}}"),
    ("{{ $x := .A }}{{ $x.Y.Z }}", "{{$x := .A}}{{$x.Y.Z}}"),
    ("{{ $x := 1 }}{{ $x = 2 }}", "{{$x := 1}}{{$x = 2}}"),
    ("{{template `x` .Y}}", '{{template "x" .Y}}'),
    ("{{ template \"x\" }}", '{{template "x"}}'),
    ("{{ printf \"%d\" ( 1 ) }}", '{{printf "%d" (1)}}'),
    ("{{ 'a' }}{{ 0x1F }}{{ 1e3 }}{{ `raw` }}{{ nil | print }}",
     "{{'a'}}{{0x1F}}{{1e3}}{{`raw`}}{{nil | print}}"),
    ("{{ range . }}{{ break }}{{ continue }}{{ end }}", "{{range .}}{{break}}{{continue}}{{end}}"),
    ("a{{/* comment */}}b", "ab"),
    ("{{ true }}{{ false }}{{ $ }}", "{{true}}{{false}}{{$}}"),
    ("{{ (print 1 | len).x.y }}", "{{(print 1 | len).x.y}}"),
]


@pytest.mark.parametrize(("text", "form"), FORMS)
def test_string_forms(text, form):
    trees = parse("t", text, lambda name: name in ("printf", "print", "len"))
    assert str(trees["t"].root) == form


def test_block_defines_and_invokes():
    trees = parse("t", '{{ block "b" .X }}body{{ end }}', lambda n: False)
    assert str(trees["t"].root) == '{{template "b" .X}}'
    assert str(trees["b"].root) == "body"


def test_item_positions_and_lines():
    items = lex('a\n{{ .X -}}\n b{{"é"}}')
    assert [(i.typ, i.pos, i.line) for i in items][:3] == [(20, 0, 1), (11, 2, 2), (18, 4, 2)]
    assert items[-1].typ == 8  # EOF


def test_trim_markers_need_a_space():
    trees = parse("t", "x {{-3}} {{- 3 -}} y", lambda n: False)
    assert str(trees["t"].root) == "x {{-3}}{{3}}y"


def test_field_and_variable_chains_join_identifiers():
    trees = parse("t", "{{ $x := . }}{{ .A.b.C }}{{ $x.y.Z }}{{ $.q }}", lambda n: False)
    nodes = [n.pipe.cmds[0].args[0] for n in trees["t"].root.nodes]
    assert [n.ident for n in nodes[1:]] == [["A", "b", "C"], ["$x", "y", "Z"], ["$", "q"]]
    assert [n.pos for n in nodes[1:]] == [18, 30, 41]  # where the first chained field starts
    assert [str(n) for n in nodes[1:]] == [".A.b.C", "$x.y.Z", "$.q"]


@pytest.mark.slow
def test_trees_hold_no_reference_cycles():
    """A dropped tree is freed at once, without waiting for the cycle collector."""
    import gc

    from kts.gotemplate.nodes import Node, Tree

    text = '{{ define "d" }}{{ if .A }}{{ .B.c | printf "%v" }}{{ end }}{{ end }}x{{ template "d" . }}'
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        trees = parse("t", text, lambda n: n == "printf")
        assert set(trees) == {"t", "d"}
        assert trees["d"].root.nodes[0].tree is trees["t"].root.nodes[0].tree
        del trees
        gc.collect()
        leaked = [o for o in gc.garbage if isinstance(o, (Node, Tree))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()
    assert leaked == []
