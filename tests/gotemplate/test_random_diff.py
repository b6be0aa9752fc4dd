"""Random well-formed templates and values, rendered by Helm and kts, must agree.

A few hundred examples by default; ``KTS_HYPOTHESIS_PROFILE=long`` runs many more.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.harness import assert_same
from tests.support.oracle import write_chart

LONG = os.environ.get("KTS_HYPOTHESIS_PROFILE") == "long"
EXAMPLES = 10000 if LONG else 1000

KEYS = ["a", "b", "c", "name", "port", "on"]

scalars = st.one_of(
    st.integers(-5, 5), st.sampled_from([0, 1, 80, 1000000, 12345678, -3]),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(lambda f: round(f, 3)),
    st.text(alphabet="abcé xyz-_0123<>&'\"", max_size=8), st.booleans(), st.none())
values_st = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(KEYS), children, max_size=4)),
    max_leaves=12,
).filter(lambda v: True)
top_values = st.dictionaries(st.sampled_from(KEYS), values_st, max_size=5)

INDEXES = ["0", "1", '"a"', '"name"']
LITERALS = ['"s"', '""', "0", "1", "3", "2.5", "true", "false", "'x'", "`raw`", '"a b"']


@st.composite
def field(draw):
    depth = draw(st.integers(1, 3))
    return ".Values." + ".".join(draw(st.sampled_from(KEYS)) for _ in range(depth))


@st.composite
def term(draw, variables):
    choices = [field(), st.sampled_from(LITERALS)]
    if "." in variables:  # dot is only drawn inside with/range, where it is a value
        choices.append(st.just("."))
    variables = [v for v in variables if v not in (".", "$")]
    if variables:
        choices.append(st.sampled_from(variables))
    return draw(st.one_of(*choices))


@st.composite
def expr(draw, variables, depth=0):
    t = draw(term(variables))
    kind = draw(st.integers(0, 9 if depth < 2 else 0))
    if kind <= 2:
        return t
    if kind == 3:
        return f"len {t}"
    if kind == 4:
        op = draw(st.sampled_from(["eq", "ne", "lt", "and", "or"]))
        return f"{op} {t} {draw(term(variables))}"
    if kind == 5:
        return f"not {t}"
    if kind == 6:
        fn = draw(st.sampled_from(["quote", "toString", "upper", "default \"d\"", "toJson", "print",
                                   'printf "%v-%T"', "kindOf", "typeOf", "empty"]))
        return f"{t} | {fn}"
    if kind == 7:
        return f"({draw(expr(variables, depth + 1))})"
    if kind == 8:
        key = draw(st.sampled_from(INDEXES))
        return f"index {t} {key}"
    return f"print {t} {draw(expr(variables, depth + 1))}"


@st.composite
def body(draw, variables, depth=0, in_range=False):
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 11 if depth < 2 else 2))
        trim_l = draw(st.sampled_from(["", "- "]))
        trim_r = draw(st.sampled_from(["", " -"]))
        if kind == 0:
            parts.append(draw(st.sampled_from(["x", " ", "\n", "a: ", "\n  - "])))
        elif kind in (1, 2):
            parts.append(f"{{{{{trim_l}{draw(expr(variables))}{trim_r}}}}}")
        elif kind == 3:
            inner = draw(body(variables, depth + 1, in_range))
            other = draw(body(variables, depth + 1, in_range))
            parts.append(f"{{{{ if {draw(expr(variables))} }}}}{inner}{{{{ else }}}}{other}{{{{ end }}}}")
        elif kind == 4:
            inner = draw(body([*variables, "."], depth + 1, in_range))
            parts.append(f"{{{{ with {draw(field())} }}}}{inner}{{{{ end }}}}")
        elif kind == 5:
            names = [f"$i{depth}", f"$e{depth}"]
            inner = draw(body([*variables, *names, "."], depth + 1, True))
            tail = draw(st.sampled_from(["", "{{ else }}none"]))
            head = f"{{{{ range {names[0]}, {names[1]} := {draw(field())} }}}}"
            parts.append(f"{head}{inner}{tail}{{{{ end }}}}")
        elif kind == 6:
            name = f"$v{len(variables)}"
            parts.append(f"{{{{ {name} := {draw(expr(variables))} }}}}")
            variables = [*variables, name]
        elif kind == 7 and [v for v in variables if v.startswith("$v")]:
            name = draw(st.sampled_from([v for v in variables if v.startswith("$v")]))
            # Assigned values never mention variables: repeated in nested ranges, an assignment
            # such as $v = print $v $v would grow exponentially.
            parts.append(f"{{{{ {name} = {draw(expr([v for v in variables if v == '.']))} }}}}")
        elif kind == 8:
            parts.append(f"{{{{ include \"d\" {draw(term(variables))} }}}}")
        elif kind == 9 and in_range:
            parts.append(draw(st.sampled_from(["{{ break }}", "{{ continue }}", "{{- break -}}"])))
        elif kind == 10:
            first = draw(body([*variables, "."], depth + 1, in_range))
            second = draw(body([*variables, "."], depth + 1, in_range))
            last = draw(body(variables, depth + 1, in_range))
            parts.append(f"{{{{- with {draw(field())} }}}}{first}{{{{ else with {draw(expr(variables))} -}}}}"
                         f"{second}{{{{ else }}}}{last}{{{{ end -}}}}")
        elif kind == 11:
            parts.append(f"{{{{ template \"d\" {draw(expr(variables))} }}}}")
    return "".join(parts)


@st.composite
def template(draw):
    main = draw(body([]))
    define = draw(body(["."], 1))
    return main + '{{ define "d" }}' + define + "{{ end }}"


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, derandomize=not LONG,
          suppress_health_check=list(HealthCheck))
@given(text=template(), values=top_values)
def test_random_templates_render_like_helm(text, values):
    with tempfile.TemporaryDirectory() as tmp:
        chart = write_chart(Path(tmp) / "mychart", {"t.yaml": text}, values=yaml.safe_dump(values))
        assert_same(chart)
