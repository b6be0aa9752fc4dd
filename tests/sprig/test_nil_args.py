"""Nil in every parameter of every template function, compared with real Helm.

Go hands a missing value to a typed parameter as that type's zero value: a map parameter gets an
empty, read-only nil map, a slice parameter a nil slice, and a string parameter an error. Charts
lean on it (``hasKey (lookup ...).data "k"``), so each function is called with nil in each of its
parameters: a ``nil`` literal, a variable holding a missing value, a YAML null (an ``interface {}``
holding nil, which typed parameters reject) and a pipeline yielding that null.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kts.gotemplate.builtins import BUILTINS
from kts.gotemplate.gotypes import GoFunc
from kts.helm.funcs import static_funcs
from tests.sprig.sprig_oracle import template_mismatches

# Outputs that change on every call (time, randomness): only their type and errors are compared.
_UNSTABLE = re.compile(r"rand|uuid|^now$|^date|Date|^ago$|^gen|shuffle|htpasswd|bcrypt|encryptAES|"
                       r"^unixEpoch$|^duration")

# Arguments that reach each function's interesting code, by Go parameter type (single-key maps:
# Go iterates maps in random order).
_BY_TYPE = {
    "string": '"a"', "int": "1", "int64": "1", "uint32": "1", "float64": "1.5", "bool": "true",
    "map[string]interface {}": '(dict "a" (dict "c" 2))', "[]interface {}": '(list "a" 1)',
    "[]string": '(splitList "," "a,b")',
}
# For ``interface {}`` parameters the kind of value a function expects depends on the function.
_LISTY = re.compile(r"list|List|first|last|rest|initial|reverse|compact|uniq|without|has$|slice|"
                    r"concat|append|push|prepend|chunk|join|sort|index|len|^tuple$")
_MAPPY = re.compile(r"dig|deepCopy|dict|toJson|toYaml|toToml|toPretty|toRaw")

_NIL_SOURCES = {
    "literal": ("", "nil"),
    "missing": ("{{- $m := .Values.missing }}", "$m"),
    "null": ("", ".Values.n"),
    "pipeline": ("", "(.Values.n)"),
}


def _functions() -> dict[str, GoFunc]:
    funcs: dict[str, GoFunc] = {**static_funcs(), **BUILTINS}
    for name in ("include", "tpl", "required", "fail", "lookup"):
        funcs.setdefault(name, GoFunc(lambda: None, name=name))
    return funcs


def _sample(name: str, typ: str) -> str:
    if typ in _BY_TYPE:
        return _BY_TYPE[typ]
    if _MAPPY.search(name):
        return '(dict "a" 1)'
    if _LISTY.search(name):
        return '(list "b" "a")'
    return '"a"'


def _calls(name: str, fn: GoFunc) -> list[str]:
    """One call per parameter position, nil there and a sample value elsewhere."""
    params = list(fn.sig.params) or []
    if name in ("include", "tpl"):
        params = ["string", "interface {}"]
    elif name in ("required", "fail"):
        params = ["string", "interface {}"][: 2 if name == "required" else 1]
    elif name == "lookup":
        params = ["string"] * 4
    positions = list(params)
    if fn.sig.variadic is not None:
        positions += [fn.sig.variadic, fn.sig.variadic]
    calls = []
    for i in range(len(positions)):
        args = [_sample(name, t) for t in positions]
        args[i] = "{NIL}"
        calls.append(f"{name} {' '.join(args)}")
    return calls or [name]


def _piped(call: str, nil: str) -> str | None:
    """The call with its last argument, when nil, passed down a pipeline instead."""
    if not call.endswith(" {NIL}"):
        return None
    return f"{nil} | {call[: -len(' {NIL}')]}"


def _lines(source: str) -> list[str]:
    setup, nil = _NIL_SOURCES[source]
    lines = []
    for name, fn in sorted(_functions().items()):
        calls = _calls(name, fn)
        exprs = [c.replace("{NIL}", nil) for c in calls]
        if nil != "nil":  # a nil literal cannot start a pipeline
            exprs += [p for p in (_piped(c, nil) for c in calls) if p is not None]
        for expr in exprs:
            if _UNSTABLE.search(name):
                lines.append(f"{setup}{{{{ typeOf ({expr}) }}}}")
            else:
                lines.append(f"{setup}{{{{ $r := {expr} }}}}{{{{ $r }}}}|{{{{ typeOf $r }}}}"
                             f"|{{{{ kindOf $r }}}}")
    return lines


@pytest.mark.slow
@pytest.mark.parametrize("source", sorted(_NIL_SOURCES))
def test_nil_in_every_parameter(tmp_path: Path, source: str) -> None:
    mismatches = template_mismatches(tmp_path, _lines(source), values="n: null\n")
    assert not mismatches, "\n".join(f"{line}\n  helm: {w!r}\n  kts:  {g!r}" for line, w, g in mismatches)


# What a nil map or slice does once a function has returned it, and nil reached through YAML
# null or a pipeline, for the dict and list functions.
NIL_MAP_USES = [
    'unset nil "k"', 'unset nil "k" | toJson', 'unset nil "k" | toYaml', 'unset nil "k" | empty',
    'printf "%#v" (unset nil "k")', 'printf "%v %d" (unset nil "k") (len (unset nil "k"))',
    'set (unset nil "k") "a" 1', 'set nil "k" 1', 'deepCopy (unset nil "k") | toJson',
    'deepCopy (unset nil "k") | typeOf', 'eq nil (unset nil "k")', 'ne (unset nil "k") nil',
    'deepEqual (unset nil "k") (dict)', 'deepEqual (unset nil "k") (unset nil "j")',
    'toJson (dict "a" (unset nil "k"))', 'toYaml (dict "a" (unset nil "k"))',
    'toToml (dict "a" (unset nil "k"))', 'merge nil nil | toJson', 'merge nil (dict) | toJson',
    'merge nil nil (dict "a" 1) | toJson', 'mergeOverwrite nil nil | toJson',
    'merge (dict "a" (unset nil "k")) (dict "a" (dict "x" 1)) | toJson',
    'merge (dict "a" (dict "x" 1)) (dict "a" (unset nil "k")) | toJson',
    'merge (dict "a" (dict)) (dict "a" (unset nil "k")) | toJson',
    'mergeOverwrite (dict "a" (dict "x" 1)) (dict "a" (unset nil "k")) | toJson',
    'mergeOverwrite (dict "a" 1) (dict "a" (unset nil "k")) | toJson',
    'mergeOverwrite (dict "a" (unset nil "k")) (dict "a" (dict "x" 1)) | toJson',
    'default "d" (unset nil "k")', 'coalesce (unset nil "k") "x"', 'keys nil | sortAlpha',
    'toJson (pluck "a" nil)', 'toJson (keys nil)', 'mustToJson (values nil)',
    '{{ $m := unset nil "k" }}{{ $m.foo }}|{{ $m.foo.bar }}|{{ index $m "x" }}|'
    '{{ range $m }}x{{ else }}empty{{ end }}|{{ with $m }}x{{ else }}none{{ end }}',
    '.Values.n | keys', '.Values.missing | keys', 'keys (.Values.missing)', 'hasKey (.Values.n) "k"',
    'hasKey .Values.n "k"', 'keys .Values.missing.x', 'keys (index .Values "n")',
    '{{ $s := (lookup "v1" "Secret" "ns" "n").data }}{{ hasKey $s "k" }}',
    'mustMergeOverwrite $.Values (index $.Values "pilot") | toJson',
    'mustMergeOverwrite (dict "a" 1) (index $.Values "pilot") | toJson',
    'first (rest (list))', 'rest (list) | toJson', 'eq (rest (list)) nil', 'len (rest (list))',
    'append (rest (list)) 1', 'deepEqual (rest (list)) (list)', 'slice (rest (list))',
    'index (rest (list)) 0', 'urlJoin nil', 'urlJoin (unset nil "k")',
]


@pytest.mark.slow
def test_nil_maps_and_slices_in_use(tmp_path: Path) -> None:
    lines = [e if "{{" in e else "{{ " + e + " }}" for e in NIL_MAP_USES]
    mismatches = template_mismatches(tmp_path, lines, values="n: null\nm: {a: 1}\n")
    assert not mismatches, "\n".join(f"{line}\n  helm: {w!r}\n  kts:  {g!r}" for line, w, g in mismatches)
