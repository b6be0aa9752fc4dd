"""Sprig's reflection functions and the Go ``reflect`` helpers other Sprig modules share.

Go compares with ``reflect.DeepEqual`` (types must match: float64 1 is not int 1) and reports
kinds in error texts, so these helpers work from the Go type of each Python value.
"""

from __future__ import annotations

import math
from typing import Any

from kts.gotemplate.gotypes import (
    FuncMap,
    GoMap,
    GoObject,
    GoPanic,
    GoSlice,
    NilMap,
    NilSlice,
    Uint8,
    go_kind_of,
    go_type_of,
    gofunc,
    is_nil,
)
from kts.gotemplate.limits import check_tree

NIL_DEREF = "runtime error: invalid memory address or nil pointer dereference"


def is_nil_slice(value: Any) -> bool:
    return bool(getattr(value, "go_nil", False))


def is_list(value: Any) -> bool:
    """Whether reflect would report kind slice/array for ``value``."""
    return isinstance(value, (list, bytes, bytearray))


def list_items(value: Any) -> list[Any]:
    """The elements of a Go slice as Go values (``[]byte`` elements are uint8)."""
    if isinstance(value, (bytes, bytearray)):
        return [Uint8(b) for b in value]
    return list(value)


def kind_or_panic(value: Any) -> str:
    """``reflect.TypeOf(v).Kind()``: nil panics, as calling a method on a nil Type does."""
    if value is None:
        raise GoPanic(NIL_DEREF)
    return go_kind_of(value)


def deep_equal(a: Any, b: Any) -> bool:
    """``reflect.DeepEqual`` over the kts Go value model.

    Walks with an explicit stack: Go compares data nested thousands deep, Python's stack cannot.
    """
    pending = [(a, b)]
    while pending:
        x, y = pending.pop()
        if not _equal_here(x, y, pending):
            return False
    return True


def _equal_here(a: Any, b: Any, pending: list[tuple[Any, Any]]) -> bool:
    """Compare one pair, queueing the element pairs of containers on ``pending``."""
    if a is None or b is None:
        return a is None and b is None
    if go_type_of(a) != go_type_of(b):
        return False
    if isinstance(a, float):
        return a == b and not math.isnan(a)
    if isinstance(a, (bytes, bytearray)):
        return bytes(a) == bytes(b)
    if isinstance(a, list):
        if is_nil_slice(a) != is_nil_slice(b) or len(a) != len(b):
            return False
        pending.extend(zip(a, b, strict=True))
        return True
    if isinstance(a, dict):
        if is_nil(a) != is_nil(b) or len(a) != len(b):
            return False
        if any(k not in b for k in a):
            return False
        pending.extend((v, b[k]) for k, v in a.items())
        return True
    if isinstance(a, GoObject):
        if a is b:
            return True
        if type(a) is not type(b):
            return False
        return all(deep_equal(getattr(a, f), getattr(b, f)) for f in a.go_fields) and _private_equal(a, b)
    return bool(a == b)


def _private_equal(a: GoObject, b: GoObject) -> bool:
    # Unexported fields take part in DeepEqual too; objects expose them via ``go_state``.
    state_a = getattr(a, "go_state", None)
    state_b = getattr(b, "go_state", None)
    if callable(state_a) and callable(state_b):
        return bool(state_a() == state_b())
    return True


def deep_copy(value: Any) -> Any:
    """A copy of nested maps and slices keeping every Go type (mitchellh/copystructure).

    Objects copy through their ``go_deep_copy`` hook: copystructure copies exported struct
    fields only, so e.g. a ``*semver.Version`` (all fields unexported) copies as ``0.0.0``.
    Containers are filled from an explicit stack, so depth is bounded by memory, as in Go.
    """
    root = _shell(value)
    pending = [(value, root)] if root is not value and isinstance(value, (dict, list)) else []
    while pending:
        src, dst = pending.pop()
        if isinstance(src, dict):
            for k, v in src.items():
                c = _shell(v)
                dict.__setitem__(dst, k, c)
                if c is not v and isinstance(v, (dict, list)):
                    pending.append((v, c))
        else:
            for v in src:
                c = _shell(v)
                list.append(dst, c)
                if c is not v and isinstance(v, (dict, list)):
                    pending.append((v, c))
    return root


def _shell(value: Any) -> Any:
    """An empty container of ``value``'s Go type for ``deep_copy`` to fill, or a leaf's copy."""
    if isinstance(value, NilMap):
        return NilMap(value.go_type)
    if isinstance(value, GoMap):
        return GoMap(go_type=value.go_type, elem=value.elem)
    if isinstance(value, dict):
        return {}
    if is_nil_slice(value):
        return NilSlice(value.elem)
    if isinstance(value, GoSlice):
        return GoSlice((), value.elem)
    if isinstance(value, list):
        return []
    if isinstance(value, bytearray):
        return bytes(value)
    copier = getattr(value, "go_deep_copy", None)
    if isinstance(value, GoObject) and callable(copier):
        return copier()
    return value


@gofunc("interface {}", result="string")
def typeOf(src: Any) -> str:
    return go_type_of(src)


@gofunc("string", "interface {}", result="bool")
def typeIs(target: str, src: Any) -> bool:
    return target == go_type_of(src)


@gofunc("string", "interface {}", result="bool")
def typeIsLike(target: str, src: Any) -> bool:
    t = go_type_of(src)
    return t in (target, "*" + target)


@gofunc("interface {}", result="string")
def kindOf(src: Any) -> str:
    return go_kind_of(src)


@gofunc("string", "interface {}", result="bool")
def kindIs(target: str, src: Any) -> bool:
    return target == go_kind_of(src)


@gofunc("interface {}", "interface {}", result="bool")
def deepEqual(x: Any, y: Any) -> bool:
    return deep_equal(x, y)


def _copy_checked(value: Any) -> Any:
    if value is None:
        raise GoPanic("reflect: call of reflect.Value.Type on zero Value")
    check_tree(value)
    return deep_copy(value)


@gofunc("interface {}")
def deepCopy(i: Any) -> Any:
    return _copy_checked(i)


@gofunc("interface {}", error=True)
def mustDeepCopy(i: Any) -> Any:
    return _copy_checked(i)


FUNCS: FuncMap = {
    "typeOf": typeOf,
    "typeIs": typeIs,
    "typeIsLike": typeIsLike,
    "kindOf": kindOf,
    "kindIs": kindIs,
    "deepEqual": deepEqual,
    "deepCopy": deepCopy,
    "mustDeepCopy": mustDeepCopy,
}

__all__ = ["FUNCS", "NilSlice", "deep_copy", "deep_equal", "is_list", "is_nil_slice", "kind_or_panic",
           "list_items"]
