"""Evaluating a compiled schema against a value, keyword by keyword in the validator's order.

The order and the early returns follow santhosh-tekuri/jsonschema v6 (the validator Helm
uses): ``type``, ``const``, ``enum`` and ``format`` fail alone; object, array, string and
number keywords collect; references and conditionals run last. A schema with several
failures reports them as one ``validation failed`` group.

``unevaluatedProperties``/``unevaluatedItems`` (2019-09 and later) see what is left after
every keyword of their schema ran: each schema tracks which of its value's properties and
items no keyword evaluated, and a subschema applied to the same value (``allOf``, ``anyOf``,
``oneOf``, ``not``, ``if``/``then``/``else``, references, ``dependentSchemas``) narrows its
parent's set only when it passed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from kts.helm import schemaformat
from kts.helm.schemaval import (
    _TYPE_ORDER,
    Invalid,
    Node,
    Registry,
    SchemaCompileError,
    VError,
    _go_float,
    _is_integer,
    _rat,
    display,
    equals,
    go_quote,
    subschemas,
    type_of,
)


@functools.lru_cache(maxsize=512)
def _regex(expr: str) -> Any:
    from kts.gotemplate.gotypes import GoError
    from kts.sprig.regex import compile_go

    try:
        return compile_go(expr)
    except GoError as exc:
        return str(exc)


def regex_error(expr: str) -> str | None:
    r = _regex(expr)
    return r if isinstance(r, str) else None


def _matches(expr: str, s: str) -> bool:
    r = _regex(expr)
    return not isinstance(r, str) and bool(r.match_string(s))


class _Uneval:
    """What a schema left unevaluated of its value: property names, item indexes.

    ``None`` means nothing is tracked (nobody asked, or the schema's own keywords cover all).
    """

    __slots__ = ("items", "props")

    def __init__(self, s: dict[str, Any], draft: int, v: Any, needs: bool) -> None:
        self.props: set[str] | None = None
        self.items: set[int] | None = None
        if isinstance(v, dict):
            if not _has(s, "additionalProperties") and (needs or _has(s, "unevaluatedProperties")):
                self.props = set(v)
        elif isinstance(v, list):
            every, first = _items_evaluated(s, draft)
            if not every and (needs or _has(s, "unevaluatedItems")) and first < len(v):
                self.items = set(range(first, len(v)))

    def empty(self) -> bool:
        return not self.props and not self.items

    def merge(self, other: _Uneval | None) -> None:
        """Keep only what ``other`` (a passing subschema on the same value) left too."""
        if other is None:
            return
        if self.props is not None:
            self.props &= other.props or set()
        if self.items is not None:
            self.items &= other.items or set()


def _has(s: dict[str, Any], kw: str) -> bool:
    return isinstance(s.get(kw), (dict, bool))


def _items_evaluated(s: dict[str, Any], draft: int) -> tuple[bool, int]:
    """Whether the schema's item keywords cover every item, else how many leading ones."""
    items = s.get("items")
    if draft < 2020:
        if isinstance(items, list):
            return _has(s, "additionalItems"), len(items)
        return isinstance(items, (dict, bool)), 0
    prefix = s.get("prefixItems")
    return isinstance(items, (dict, bool)), len(prefix) if isinstance(prefix, list) else 0


@dataclass(frozen=True)
class _Scope:
    node: Node
    ref_kw: str
    vid: int
    parent: _Scope | None

    def cycle(self) -> _Scope | None:
        scp = self.parent
        while scp is not None and scp.vid == self.vid:
            if scp.node.value is self.node.value and scp.node.ptr == self.node.ptr:
                return scp
            scp = scp.parent
        return None

    def kw_loc(self) -> str:
        loc = ""
        sc: _Scope | None = self
        while sc is not None and sc.parent is not None:
            if sc.ref_kw:
                loc = f"/{sc.ref_kw}{loc}"
            else:
                loc = sc.node.ptr[len(sc.parent.node.ptr):] + loc
            sc = sc.parent
        return loc


class Evaluator:
    """Validates values against ``root`` with references resolved through ``registry``."""

    def __init__(self, registry: Registry, root: Node, *, assert_regex: bool) -> None:
        self.registry = registry
        self.root = root
        # Formats are asserted in draft-04/06/07 schemas, and in every draft when validating
        # a schema against its metaschema (the validator's metaschema compiler asserts them).
        # ``assert_regex`` is that metaschema switch (its callers predate other formats).
        self.assert_formats = assert_regex

    def validate(self, v: Any) -> VError | None:
        return self._val(self.root, v, (), None, 0, False, "", False)[0]

    # -- one schema ------------------------------------------------------------------
    def _val(self, node: Node, v: Any, vloc: tuple[str, ...], parent: _Scope | None, vid: int,
             boolr: bool, ref_kw: str, needs: bool) -> tuple[VError | None, _Uneval | None]:
        """The schema's failure or ``None``, and what it left unevaluated (``None``: it evaluated nothing)."""
        s = node.value
        if s is False:
            return VError(vloc, "false schema"), None
        if not isinstance(s, dict):
            return None, None
        scope = _Scope(node, ref_kw, vid, parent)
        other = scope.cycle()
        if other is not None:
            return VError(vloc, f"both {scope.kw_loc()} and {other.kw_loc()} resolve to "
                                f'"{node.location}" causing reference cycle'), None
        ctx = _Ctx(self, node, v, vloc, scope, boolr, needs)
        return ctx.run(), ctx.uneval

    def draft(self, node: Node) -> int:
        return node.doc.draft


class _Ctx:
    def __init__(self, ev: Evaluator, node: Node, v: Any, vloc: tuple[str, ...], scope: _Scope,
                 boolr: bool, needs: bool) -> None:
        self.ev = ev
        self.node = node
        self.s: dict[str, Any] = node.value
        self.v = v
        self.vloc = vloc
        self.scope = scope
        self.boolr = boolr
        self.draft = node.doc.draft
        self.errors: list[VError] = []
        self.uneval = _Uneval(self.s, self.draft, v, needs)

    def err(self, text: str, causes: list[VError] | None = None, kind: str = "") -> VError:
        return VError(self.vloc, text, kind, causes or [])

    def add(self, e: VError | None) -> None:
        if e is not None:
            self.errors.append(e)

    def self_(self, key: str, sub: Any, boolr: bool = False, ref_kw: str = "") -> VError | None:
        node = sub if isinstance(sub, Node) else self.node.child(key, sub)
        e, left = self.ev._val(node, self.v, self.vloc, self.scope, self.scope.vid, self.boolr or boolr,
                               ref_kw, not self.uneval.empty())
        if e is None:
            self.uneval.merge(left)
        return e

    def value(self, key: str, sub: Any, v: Any, tok: str) -> VError | None:
        return self.ev._val(self.node.child(key, sub), v, (*self.vloc, tok), self.scope,
                            self.scope.vid + 1, self.boolr, "", False)[0]

    def ref(self, kw: str, target: Node) -> VError | None:
        e = self.self_("", target, ref_kw=kw)
        if e is None:
            return None
        causes = e.causes if e.kind == "group" else [e]
        return self.err("validation failed", causes, "ref")

    def resolve(self, ref: str) -> Node:
        return self.ev.registry.resolve(self.node.base, ref)

    # -- the keywords ----------------------------------------------------------------
    def run(self) -> VError | None:
        s, v = self.s, self.v
        t = type_of(v)
        if t == "invalid":
            return self.err(f"invalid jsonType {v.go_type if isinstance(v, Invalid) else type(v).__name__}")
        types = _types(s.get("type"))
        if types and t not in types and not ("integer" in types and t == "number" and _is_integer(v)):
            return self.err(f"got {t}, want {' or '.join(x for x in _TYPE_ORDER if x in types)}")
        if "const" in s and self.draft >= 6 and not equals(v, s["const"]):
            want = s["const"]
            return self.err("'const' failed" if isinstance(want, (list, dict)) else
                            f"value must be {display(want)}")
        if isinstance(s.get("enum"), list) and not any(equals(v, w) for w in s["enum"]):
            return self.err(_enum_text(s["enum"]))
        fmt = s.get("format")
        if isinstance(fmt, str) and isinstance(v, str):
            problem = None
            if self.ev.assert_formats or self.draft < 2019:
                problem = regex_error(v) if fmt == "regex" else schemaformat.check(fmt, v)
            if problem is not None:
                return self.err(f"{go_quote(v)} is not valid {fmt}: {problem}")
        if isinstance(s.get("$ref"), str):
            e = self.ref("$ref", self.resolve(s["$ref"]))
            if self.draft < 2019:
                return e
            self.add(e)
        if t == "object":
            self.obj(v)
        elif t == "array":
            self.arr(v)
        elif t == "string":
            self.str_(v)
        elif t == "number":
            self.num(v)
        if not self.errors or not self.boolr:
            if self.draft >= 2019:
                self.refs()
            self.cond()
            if self.draft >= 2019:
                self.unevaluated()
        if not self.errors:
            return None
        if len(self.errors) == 1:
            return self.errors[0]
        return self.err("validation failed", self.errors, "group")

    def obj(self, obj: dict[str, Any]) -> None:
        s = self.s
        want = _int(s.get("minProperties"))
        if want is not None and len(obj) < want:
            self.add(self.err(f"minProperties: got {len(obj)}, want {want}"))
        want = _int(s.get("maxProperties"))
        if want is not None and len(obj) > want:
            self.add(self.err(f"maxProperties: got {len(obj)}, want {want}"))
        required = s.get("required")
        if isinstance(required, list) and self.draft >= 4:
            missing = [p for p in required if isinstance(p, str) and p not in obj]
            if missing:
                self.add(self.err(_missing_text(missing)))
        if self.boolr and self.errors:
            return
        deps = s.get("dependencies") if self.draft < 2019 else None
        if isinstance(deps, dict):
            for pname, dep in deps.items():
                if pname not in obj:
                    continue
                if isinstance(dep, list):
                    missing = [p for p in dep if isinstance(p, str) and p not in obj]
                    if missing:
                        self.add(self.err(_dependency_text(pname, missing)))
                elif isinstance(dep, (dict, bool)):
                    self.add(self.self_(f"/dependencies/{_esc(pname)}", dep))
        props: dict[str, Any] = _dict(s.get("properties"))
        patterns: dict[str, Any] = _dict(s.get("patternProperties"))
        additional = s.get("additionalProperties")
        extra: list[str] = []
        for pname, pvalue in obj.items():
            if self.boolr and self.errors:
                return
            evaluated = False
            if pname in props:
                evaluated = True
                self.add(self.value(f"/properties/{_esc(pname)}", props[pname], pvalue, pname))
            for rx, sub in patterns.items():
                if _matches(rx, pname):
                    evaluated = True
                    self.add(self.value(f"/patternProperties/{_esc(rx)}", sub, pvalue, pname))
            if not evaluated and additional is not None:
                evaluated = True
                if additional is False:
                    extra.append(pname)
                elif isinstance(additional, dict):
                    self.add(self.value("/additionalProperties", additional, pvalue, pname))
            if evaluated and self.uneval.props is not None:
                self.uneval.props.discard(pname)
        if extra:
            self.add(self.err(f"additional properties {', '.join(go_quote(p) for p in extra)} not allowed"))
        if self.draft == 4:
            return
        names = s.get("propertyNames")
        if isinstance(names, (dict, bool)):
            sub_node = self.node.child("/propertyNames", names)
            for pname in obj:
                e = self.ev._val(sub_node, pname, (), None, 0, self.boolr, "", False)[0]
                if e is not None:
                    causes = e.causes if e.kind == "group" else [e]
                    self.add(VError((), f"invalid propertyName {go_quote(pname)}", "", causes))
        if self.draft == 6 or self.draft < 2019:
            return
        dschemas = s.get("dependentSchemas")
        if isinstance(dschemas, dict):
            for pname, sub in dschemas.items():
                if pname in obj:
                    self.add(self.self_(f"/dependentSchemas/{_esc(pname)}", sub))
        dreq = s.get("dependentRequired")
        if isinstance(dreq, dict):
            for pname, reqd in dreq.items():
                if pname in obj and isinstance(reqd, list):
                    missing = [p for p in reqd if isinstance(p, str) and p not in obj]
                    if missing:
                        self.add(self.err(_dependency_text(pname, missing)))

    def arr(self, arr: list[Any]) -> None:
        s = self.s
        want = _int(s.get("minItems"))
        if want is not None and len(arr) < want:
            self.add(self.err(f"minItems: got {len(arr)}, want {want}"))
        want = _int(s.get("maxItems"))
        if want is not None and len(arr) > want:
            self.add(self.err(f"maxItems: got {len(arr)}, want {want}"))
        if s.get("uniqueItems") is True and len(arr) > 1:
            pair = _duplicates(arr)
            if pair is not None:
                self.add(self.err(f"items at {pair[0]} and {pair[1]} are equal"))
        items = s.get("items")
        if self.draft < 2020:
            evaluated = 0
            if isinstance(items, (dict, bool)):
                for i, item in enumerate(arr):
                    self.add(self.value("/items", items, item, str(i)))
                evaluated = len(arr)
            elif isinstance(items, list):
                evaluated = min(len(arr), len(items))
                for i, item in enumerate(arr[:evaluated]):
                    self.add(self.value(f"/items/{i}", items[i], item, str(i)))
            more = s.get("additionalItems")
            if more is False and evaluated != len(arr) and isinstance(items, list):
                self.add(self.err(f"last {len(arr) - evaluated} additionalItem(s) not allowed"))
            elif isinstance(more, dict) and isinstance(items, list):
                for i, item in enumerate(arr[evaluated:]):
                    self.add(self.value("/additionalItems", more, item, str(i)))
        else:
            prefix: list[Any] = s["prefixItems"] if isinstance(s.get("prefixItems"), list) else []
            evaluated = min(len(prefix), len(arr))
            for i, item in enumerate(arr[:evaluated]):
                self.add(self.value(f"/prefixItems/{i}", prefix[i], item, str(i)))
            if isinstance(items, (dict, bool)):
                for i, item in enumerate(arr[evaluated:]):
                    self.add(self.value("/items", items, item, str(i)))
        contains = s.get("contains")
        if isinstance(contains, (dict, bool)) and self.draft >= 6:
            self._contains(arr, contains)

    def _contains(self, arr: list[Any], contains: Any) -> None:
        s = self.s
        errors: list[VError] = []
        matched: list[int] = []
        for i, item in enumerate(arr):
            e = self.value("/contains", contains, item, str(i))
            if e is None:
                matched.append(i)
                if self.draft >= 2020 and self.uneval.items is not None:
                    self.uneval.items.discard(i)
            else:
                errors.append(e)
        lo = _int(s.get("minContains")) if self.draft >= 2019 else None
        hi = _int(s.get("maxContains")) if self.draft >= 2019 else None
        if lo is not None:
            if len(matched) < lo:
                got = " ".join(map(str, matched))
                text = (f"min {lo} items required to match contains schema, but none matched" if not matched
                        else f"min {lo} items required to match contains schema, but matched "
                             f"{len(matched)} items at {got}")
                self.add(self.err(text, errors))
        elif not matched:
            self.add(self.err("no items match contains schema", errors))
        if hi is not None and len(matched) > hi:
            got = " ".join(map(str, matched))
            self.add(self.err(f"max {hi} items required to match contains schema, but matched "
                              f"{len(matched)} items at {got}"))

    def str_(self, text: str) -> None:
        s = self.s
        n = len(text)
        want = _int(s.get("minLength"))
        if want is not None and n < want:
            self.add(self.err(f"minLength: got {n}, want {want}"))
        want = _int(s.get("maxLength"))
        if want is not None and n > want:
            self.add(self.err(f"maxLength: got {n}, want {want}"))
        pattern = s.get("pattern")
        if isinstance(pattern, str) and not _matches(pattern, text):
            self.add(self.err(f"{go_quote(text)} does not match pattern {go_quote(pattern)}"))

    def num(self, v: Any) -> None:
        s = self.s
        n = _rat(v)
        lo, hi = _number(s.get("minimum")), _number(s.get("maximum"))
        xlo, xhi = _number(s.get("exclusiveMinimum")), _number(s.get("exclusiveMaximum"))
        if self.draft == 4:
            if s.get("exclusiveMinimum") is True:
                lo, xlo = None, lo
            if s.get("exclusiveMaximum") is True:
                hi, xhi = None, hi
        checks = (("minimum", lo, lambda w: n < w), ("maximum", hi, lambda w: n > w),
                  ("exclusiveMinimum", xlo, lambda w: n <= w), ("exclusiveMaximum", xhi, lambda w: n >= w))
        for kw, want, fails in checks:
            if want is not None and fails(want):
                self.add(self.err(f"{kw}: got {_go_float(n)}, want {_go_float(want)}"))
        step = _number(s.get("multipleOf"))
        if step is not None and step != 0 and (n / step).denominator != 1:
            self.add(self.err(f"multipleOf: got {_go_float(n)}, want {_go_float(step)}"))

    def refs(self) -> None:
        s = self.s
        if isinstance(s.get("$recursiveRef"), str) and self.draft == 2019:
            target = self.resolve(s["$recursiveRef"])
            if isinstance(target.value, dict) and target.value.get("$recursiveAnchor") is True:
                scp: _Scope | None = self.scope
                while scp is not None:
                    doc = scp.node.doc
                    ptr = doc.resources.get(scp.node.base)
                    if ptr is not None:
                        value = _at(doc, ptr)
                        if isinstance(value, dict) and value.get("$recursiveAnchor") is True:
                            target = Node(value, doc, ptr)
                    scp = scp.parent
            self.add(self.ref("$recursiveRef", target))
        dref = s.get("$dynamicRef")
        if isinstance(dref, str) and self.draft >= 2020:
            target = self.resolve(dref)
            anchor = dref.partition("#")[2]
            if anchor and not anchor.startswith("/") and isinstance(target.value, dict) \
                    and target.value.get("$dynamicAnchor") == anchor:
                scp = self.scope
                while scp is not None:
                    ptr = scp.node.doc.dynamic.get(scp.node.base, {}).get(anchor)
                    if ptr is not None:
                        target = Node(_at(scp.node.doc, ptr), scp.node.doc, ptr)
                    scp = scp.parent
            self.add(self.ref("$dynamicRef", target))

    def cond(self) -> None:
        s = self.s
        if isinstance(s.get("not"), (dict, bool)) and self.self_("/not", s["not"], True) is None:
            self.add(self.err("'not' failed"))
        for kw in ("allOf", "anyOf", "oneOf"):
            subs = s.get(kw)
            if isinstance(subs, list) and subs:
                getattr(self, "_" + kw.lower())(subs)
        if isinstance(s.get("if"), (dict, bool)) and self.draft >= 7:
            if self.self_("/if", s["if"], True) is None:
                if isinstance(s.get("then"), (dict, bool)):
                    self.add(self.self_("/then", s["then"]))
            elif isinstance(s.get("else"), (dict, bool)):
                self.add(self.self_("/else", s["else"]))

    def _allof(self, subs: list[Any]) -> None:
        errors = []
        for i, sub in enumerate(subs):
            e = self.self_(f"/allOf/{i}", sub)
            if e is not None:
                errors.append(e)
                if self.boolr:
                    break
        if errors:
            self.add(self.err("'allOf' failed", errors))

    def _anyof(self, subs: list[Any]) -> None:
        matched = False
        errors = []
        for i, sub in enumerate(subs):
            e = self.self_(f"/anyOf/{i}", sub)
            if e is None:
                matched = True
                if self.uneval.empty():  # later matches could still evaluate more
                    break
            else:
                errors.append(e)
        if not matched:
            self.add(self.err("'anyOf' failed", errors))

    def _oneof(self, subs: list[Any]) -> None:
        matched = -1
        errors = []
        for i, sub in enumerate(subs):
            e = self.self_(f"/oneOf/{i}", sub, matched != -1)
            if e is not None:
                if matched == -1:
                    errors.append(e)
            elif matched == -1:
                matched = i
            else:
                self.add(self.err(f"'oneOf' failed, subschemas {matched}, {i} matched"))
                return
        if matched == -1:
            self.add(self.err("'oneOf' failed, none matched", errors))

    def unevaluated(self) -> None:
        s, v, left = self.s, self.v, self.uneval
        if isinstance(v, dict) and _has(s, "unevaluatedProperties"):
            for pname in [p for p in v if left.props is not None and p in left.props]:
                self.add(self.value("/unevaluatedProperties", s["unevaluatedProperties"], v[pname], pname))
            left.props = None
        if isinstance(v, list) and _has(s, "unevaluatedItems"):
            for i in sorted(left.items or ()):
                self.add(self.value("/unevaluatedItems", s["unevaluatedItems"], v[i], str(i)))
            left.items = None


def _at(doc: Any, ptr: str) -> Any:
    from kts.helm.schemaval import _pointer_get

    return _pointer_get(doc.root, ptr)


def _dict(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _esc(tok: str) -> str:
    return tok.replace("~", "~0").replace("/", "~1")


def _types(t: Any) -> set[str]:
    names = [t] if isinstance(t, str) else [x for x in t if isinstance(x, str)] if isinstance(t, list) else []
    return {n for n in names if n in _TYPE_ORDER}


def _int(v: Any) -> int | None:
    if isinstance(v, bool) or type_of(v) != "number" or not _is_integer(v):
        return None
    return int(_rat(v))


def _number(v: Any) -> Any:
    if isinstance(v, bool) or type_of(v) != "number":
        return None
    return _rat(v)


def _enum_text(want: list[Any]) -> str:
    if any(isinstance(w, (list, dict)) for w in want):
        return "'enum' failed"
    if len(want) == 1:
        return f"value must be {display(want[0])}"
    return f"value must be one of {', '.join(display(w) for w in want)}"


def _missing_text(missing: list[str]) -> str:
    if len(missing) == 1:
        return f"missing property {go_quote(missing[0])}"
    return f"missing properties {', '.join(go_quote(p) for p in missing)}"


def _dependency_text(prop: str, missing: list[str]) -> str:
    return f"properties {', '.join(go_quote(p) for p in missing)} required, if {go_quote(prop)} exists"


def _duplicates(arr: list[Any]) -> tuple[int, int] | None:
    for i in range(len(arr)):
        for j in range(i + 1, len(arr)):
            if equals(arr[i], arr[j]):
                return i, j
    return None


def compile_refs(registry: Registry, root: Node) -> None:
    """Resolve every reference reachable from ``root`` now, as the validator's compiler does."""
    seen: set[tuple[str, str]] = set()
    todo = [root]
    while todo:
        node = todo.pop()
        key = (node.doc.url, node.ptr)
        if key in seen:
            continue
        seen.add(key)
        s = node.value
        if not isinstance(s, dict):
            continue
        for kw in ("$ref", "$dynamicRef", "$recursiveRef"):
            if isinstance(s.get(kw), str) and (kw == "$ref" or node.doc.draft >= 2019):
                todo.append(registry.resolve(node.base, s[kw]))
        for suffix, sub in subschemas(s):
            if not suffix.startswith(("/$defs/", "/definitions/")):  # compiled only when referenced
                todo.append(node.child(suffix, sub))
    if not seen:
        raise SchemaCompileError("empty schema")
