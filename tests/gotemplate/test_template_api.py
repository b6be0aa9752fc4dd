"""The TemplateSet API and engine behaviour Helm cannot show (options, custom functions, objects).

Expected values here follow Go's text/template documentation and source for cases the Helm
oracle cannot reach (missingkey=default/error, custom Go types); everything reachable through
Helm is compared with the oracle in the *_diff tests.
"""

from __future__ import annotations

import pytest

from kts.gotemplate import ExecError, ParseError, RenderError, TemplateSet
from kts.gotemplate.gotypes import (
    GoError,
    GoMap,
    GoObject,
    GoPanic,
    GoSlice,
    Int64,
    Signature,
    Uint8,
    gofunc,
    string_map,
    string_slice,
)


def run(text: str, data=None, funcs=None, missingkey: str = "default") -> str:
    ts = TemplateSet(funcs, missingkey=missingkey)
    ts.parse("t", text)
    return ts.execute("t", data)


def fails(text: str, data=None, funcs=None, missingkey: str = "default") -> RenderError:
    with pytest.raises(RenderError) as info:
        run(text, data, funcs, missingkey)
    return info.value


# -- missingkey ---------------------------------------------------------------------


def test_missingkey_default_prints_no_value_and_chains_silently():
    assert run("{{ .a }}|{{ .a.b.c }}", {}) == "<no value>|<no value>"


def test_missingkey_zero_errors_on_nil_interface():
    e = fails("{{ .a.b }}", {}, missingkey="zero")
    assert str(e) == 'template: t:1:5: executing "t" at <.a.b>: nil pointer evaluating interface {}.b'


def test_missingkey_error():
    e = fails("{{ .a }}", {}, missingkey="error")
    assert e.message == 'map has no entry for key "a"'
    e = fails("{{ template \"x\" }}{{ define \"x\" }}{{ .y }}{{ end }}", {}, missingkey="error")
    assert e.message == 'nil data; no entry for key "y"'


def test_missingkey_zero_on_typed_map_gives_elem_zero():
    assert run("[{{ .m.x }}]", {"m": string_map({"a": "b"})}, missingkey="zero") == "[]"
    assert run("[{{ .m.x }}]", {"m": string_map({"a": "b"})}) == "[<no value>]"


def test_missingkey_invalid_option_rejected():
    with pytest.raises(ValueError):
        TemplateSet(missingkey="bogus")


def test_index_missing_key_is_not_an_error_even_with_missingkey_error():
    assert run("{{ index .m \"zz\" }}", {"m": {}}, missingkey="error") == "<no value>"


# -- set API ------------------------------------------------------------------------


def test_execute_unknown_template():
    ts = TemplateSet()
    with pytest.raises(ExecError) as info:
        ts.execute("nope", None)
    assert str(info.value) == 'template: no template "nope" associated with template "gotpl"'


def test_template_not_defined():
    e = fails('{{ template "nope" }}')
    assert str(e) == 'template: t:1:12: executing "t" at <{{template "nope"}}>: template "nope" not defined'


def test_has_and_names():
    ts = TemplateSet()
    ts.parse("a", '{{ define "x" }}X{{ end }}body')
    assert ts.has("a") and ts.has("x") and not ts.has("y")
    assert sorted(ts.names()) == ["a", "x"]


def test_redefinition_rules_across_parse_calls():
    ts = TemplateSet()
    ts.parse("one", '{{ define "x" }}first{{ end }}')
    ts.parse("two", '{{ define "x" }}second{{ end }}')
    ts.parse("three", '{{ define "x" }} {{/* only a comment */}} {{ end }}')
    ts.parse("main", '{{ template "x" }}')
    assert ts.execute("main") == "second"


def test_multiple_definition_in_one_parse():
    with pytest.raises(ParseError) as info:
        TemplateSet().parse("a", '{{ define "x" }}1{{ end }}{{ define "x" }}2{{ end }}')
    assert str(info.value) == 'template: a:1: template: multiple definition of template "x"'


def test_clone_is_independent_and_funcs_rebindable():
    ts = TemplateSet({"who": gofunc(result="string")(lambda: "orig")})
    ts.parse("a", '{{ define "x" }}{{ who }}{{ end }}')
    clone = ts.clone()
    clone.funcs["who"] = gofunc(result="string")(lambda: "clone")
    clone.parse("gotpl", '{{ template "x" }}{{ define "y" }}Y{{ end }}')
    assert clone.execute("gotpl") == "clone"
    assert not ts.has("y") and not ts.has("gotpl")
    ts.parse("m", '{{ template "x" }}')
    assert ts.execute("m") == "orig"


def test_funcs_override_builtins_and_break_becomes_function():
    funcs = {"len": gofunc("interface {}", result="int")(lambda v: 42),
             "break": gofunc(result="string")(lambda: "B")}
    assert run("{{ len \"x\" }}{{ break }}", None, funcs) == "42B"


def test_parse_error_attributes():
    with pytest.raises(ParseError) as info:
        TemplateSet().parse("name.yaml", "a\nb\n{{ if }}")
    e = info.value
    assert (e.template, e.line, e.message) == ("name.yaml", 3, "missing value for if")
    assert isinstance(e, RenderError)


def test_exec_error_attributes_and_cause():
    def boom():
        raise GoError("HELM_ERR_STARTboomHELM_ERR_END")

    ts = TemplateSet({"boom": gofunc(result="string", error=True)(boom)})
    ts.parse("f.yaml", "x\n  {{ boom }}")
    with pytest.raises(ExecError) as info:
        ts.execute("f.yaml", {})
    e = info.value
    assert (e.template, e.line, e.column, e.node, e.name) == ("f.yaml", 2, 5, "boom", "f.yaml")
    assert e.message == "error calling boom: HELM_ERR_STARTboomHELM_ERR_END"
    assert isinstance(e.cause, GoError)


def test_nested_exec_error_keeps_cause_chain():
    outer = TemplateSet()
    inner = TemplateSet(missingkey="zero")
    inner.parse("in", "{{ .a.b }}")
    outer.funcs["inc"] = gofunc("string", result="string", error=True)(lambda n: inner.execute(n, {}))
    outer.parse("out", '{{ inc "in" }}')
    with pytest.raises(ExecError) as info:
        outer.execute("out", {})
    assert isinstance(info.value.cause, ExecError)
    assert info.value.cause.message == "nil pointer evaluating interface {}.b"
    assert info.value.names == ["out", "in"]


# -- functions ---------------------------------------------------------------------


def test_go_panic_and_python_errors_become_exec_errors():
    def panics():
        raise GoPanic("runtime error: index out of range [3] with length 1")

    def buggy():
        return {}["x"]

    funcs = {"p": gofunc(result="string")(panics), "b": gofunc(result="string")(buggy)}
    assert fails("{{ p }}", None, funcs).message == \
        "error calling p: runtime error: index out of range [3] with length 1"
    e = fails("{{ b }}", None, funcs)
    assert isinstance(e, ExecError) and e.message.startswith("error calling b: ")


def test_signature_arity_and_types():
    funcs = {"two": gofunc("string", "int", result="string")(lambda s, n: s * n),
             "va": gofunc("string", variadic="int", result="string")(lambda s, *n: f"{s}{sum(n)}"),
             "i64": gofunc("int64", result="string")(lambda n: f"{n!r}"),
             "u8": gofunc("uint8", result="string")(lambda n: f"{n!r}"),
             "f": gofunc("float64", result="string")(lambda x: f"{x!r}"),
             "ss": gofunc("[]string", result="string")(lambda x: ",".join(x)),
             "m": gofunc("map[string]interface {}", result="string")(lambda m: ",".join(sorted(m or {}))),
             "ms": gofunc("map[string]string", result="string")(lambda m: ",".join(sorted(m))),
             "b": gofunc("bool", result="string")(lambda b: str(b))}
    assert run('{{ two "ab" 2 }}|{{ 3 | two "x" }}|{{ va "s" }}|{{ va "s" 1 2 }}|{{ 5 | va "s" 1 }}',
               None, funcs) == "abab|xxx|s0|s3|s6"
    assert run("{{ i64 3 }} {{ u8 300 }} {{ f 2 }} {{ f 2.5 }} {{ b true }}", None, funcs) == \
        "Int64(3) Uint8(44) 2.0 2.5 True"
    assert fails('{{ two "a" }}', None, funcs).message == "wrong number of args for two: want 2 got 1"
    assert fails("{{ va }}", None, funcs).message == "wrong number of args for va: want at least 1 got 0"
    assert fails('{{ two 5 2 }}', None, funcs).message == "expected string; found 5"
    assert fails('{{ two "a" 1.5 }}', None, funcs).message == "expected integer; found 1.5"
    assert fails('{{ u8 -1 }}', None, funcs).message == "expected unsigned integer; found -1"
    assert fails('{{ f "x" }}', None, funcs).message == 'expected float; found "x"'
    assert fails('{{ b 1 }}', None, funcs).message == "expected bool; found 1"
    assert fails('{{ two "a" .n }}', {"n": 1.0}, funcs).message == \
        "wrong type for value; expected int; got float64"
    assert fails('{{ two "a" .n }}', {"n": Int64(1)}, funcs).message == \
        "wrong type for value; expected int; got int64"
    assert fails("{{ .x | two \"a\" }}", {}, funcs).message == "invalid value; expected int"
    assert fails("{{ two nil 1 }}", {}, funcs).message == "cannot assign nil to string"
    assert run("{{ ss .a }}|{{ m .v }}|{{ ms .s }}", {
        "a": string_slice(["x", "y"]), "v": _Values({"k": 1}), "s": string_map({"q": "r"})}, funcs) == \
        "x,y|k|q"
    assert fails("{{ ss .a }}", {"a": ["x"]}, funcs).message == \
        "wrong type for value; expected []string; got []interface {}"
    assert fails("{{ ms .a }}", {"a": {"x": "y"}}, funcs).message == \
        "wrong type for value; expected map[string]string; got map[string]interface {}"
    assert run("{{ .missing | m }}", {}, funcs) == ""


class _Values(GoMap):
    go_type_name = "common.Values"
    go_methods = {"AsMap": Signature((), result="map[string]interface {}"),
                  "Table": Signature(("string",), result="common.Values", error=True)}

    def AsMap(self):
        return dict(self)

    def Table(self, name):
        v = self.get(name)
        if not isinstance(v, dict):
            raise GoError(f"no table named {name!r}")
        return _Values(v)


class _Obj(GoObject):
    go_type = "*pkg.Obj"
    go_kind = "ptr"
    go_fields = ("Name", "Inner")
    go_methods = {"Has": Signature(("string",), result="bool"), "Hello": Signature((), result="string")}

    def __init__(self):
        self.Name = "obj"
        self.Inner = {"k": "v"}

    def Has(self, s):
        return s == "yes"

    def Hello(self):
        return "hi"


def test_objects_methods_fields_and_named_maps():
    data = {"o": _Obj(), "v": _Values({"AsMap": "shadowed", "t": {"x": 1}})}
    assert run('{{ .o.Name }} {{ .o.Inner.k }} {{ .o.Has "yes" }} {{ .o.Has "no" }} {{ "yes" | .o.Has }}'
               " {{ .o.Hello }}", data) == "obj v true false true hi"
    assert run("{{ len .v.AsMap }} {{ .v.Table \"t\" }} {{ (.v.Table \"t\").x }}", data) == \
        "2 map[x:1] 1"
    assert fails("{{ .o.Has }}", data).message == "wrong number of args for Has: want 1 got 0"
    assert fails("{{ .o.Name 1 }}", data).message == \
        "Name has arguments but cannot be invoked as function"
    assert fails("{{ .o.Nope }}", data).message == "can't evaluate field Nope in type interface {}"
    assert fails("{{ $o := .o }}{{ $o.Nope }}", data).message == "can't evaluate field Nope in type *pkg.Obj"
    assert fails('{{ .v.Table "nope" }}', data).message == "error calling Table: no table named 'nope'"
    assert fails("{{ .v.t.x 1 }}", data).message == "x is not a method but has arguments"


def test_typed_values():
    data = {"s": GoSlice([1, 2], "int"), "b": b"hi", "u": Uint8(7)}
    text = "{{ .s }} {{ index .s 1 }} {{ len .b }} {{ index .b 0 }} {{ .u }} {{ range .b }}{{ . }};{{ end }}"
    assert run(text, data) == "[1 2] 2 2 104 7 104;105;"


# -- recursion ---------------------------------------------------------------------


@pytest.mark.slow
def test_deep_template_recursion_is_a_clean_error():
    e = fails('{{ define "l" }}{{ template "l" . }}{{ end }}{{ template "l" . }}', {})
    assert isinstance(e, ExecError)
    assert e.message == "exceeded maximum template depth (100000)"
    assert e.node == '{{template "l" .}}'


def test_deep_function_recursion_is_a_clean_error():
    ts = TemplateSet()
    ts.funcs["again"] = gofunc("string", result="string", error=True)(lambda n: ts.execute(n, {}))
    ts.parse("t", '{{ again "t" }}')
    with pytest.raises(ExecError) as info:
        ts.execute("t", {})
    assert "exceeded maximum template depth" in str(info.value)


def test_reasonable_recursion_depth_works():
    text = ('{{ define "n" }}{{ if . }}{{ len . }}{{ template "n" (slice . 1) }}{{ end }}{{ end }}'
            '{{ template "n" .l }}')
    assert run(text, {"l": list(range(200))}) == "".join(str(200 - i) for i in range(200))


def test_execute_twice_reuses_compiled_template():
    ts = TemplateSet()
    ts.parse("t", "{{ .a }}")
    assert ts.execute("t", {"a": 1}) == "1"
    compiled = ts.lookup("t")._compiled
    assert ts.execute("t", {"a": "x"}) == "x"
    assert ts.lookup("t")._compiled is compiled


def test_errors_are_the_same_on_every_execution():
    ts = TemplateSet(missingkey="zero")
    ts.funcs["indent"] = gofunc("int", "string", result="string")(lambda n, s: " " * n + s)
    ts.parse("t", "{{ .a | indent 2 }}")
    texts = set()
    for _ in range(3):
        with pytest.raises(ExecError) as info:
            ts.execute("t", {})
        texts.add(str(info.value))
    assert texts == {'template: t:1:15: executing "t" at <2>: invalid value; expected string'}


def test_concurrent_executions_share_compiled_templates():
    from concurrent.futures import ThreadPoolExecutor

    ts = TemplateSet()
    ts.parse("t", '{{ range $i, $e := .l }}{{ template "item" $e }}{{ end }}'
                  '{{ define "item" }}[{{ . }}]{{ end }}')

    def render(n: int) -> str:
        return ts.execute("t", {"l": list(range(n))})

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(render, [i % 7 for i in range(200)]))
    assert results == [render(i % 7) for i in range(200)]


def test_plain_python_callables_take_any_arguments():
    assert run('{{ j 1 "a" .x }}', {"x": 2.5}, {"j": lambda *a: "-".join(map(str, a))}) == "1-a-2.5"
