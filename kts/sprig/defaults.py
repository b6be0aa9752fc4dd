"""Sprig's defaults and flow helpers, built on Go's notion of an empty value."""

from __future__ import annotations

from typing import Any

from kts.gotemplate.gotypes import FuncMap, GoObject, gofunc


def is_empty(value: Any) -> bool:
    """Sprig ``empty``: nil, false, zero numbers, and zero-length strings/slices/maps.

    Structs and non-nil pointers are never empty, as in Go.
    """
    if value is None:
        return True
    if isinstance(value, GoObject):
        return False
    if isinstance(value, (bool, int, float, complex)):
        return not value
    if isinstance(value, (str, bytes, bytearray, list, dict)):
        return len(value) == 0
    return False


@gofunc("interface {}", variadic="interface {}")
def default(d: Any, *given: Any) -> Any:
    if not given or is_empty(given[0]):
        return d
    return given[0]


@gofunc("interface {}", result="bool")
def empty(given: Any) -> bool:
    return is_empty(given)


@gofunc(variadic="interface {}")
def coalesce(*v: Any) -> Any:
    for val in v:
        if not is_empty(val):
            return val
    return None


@gofunc(variadic="interface {}", result="bool")
def all_(*v: Any) -> bool:
    return all(not is_empty(val) for val in v)


@gofunc(variadic="interface {}", result="bool")
def any_(*v: Any) -> bool:
    return any(not is_empty(val) for val in v)


@gofunc("interface {}", "interface {}", "bool")
def ternary(vt: Any, vf: Any, v: bool) -> Any:
    return vt if v else vf


FUNCS: FuncMap = {
    "default": default,
    "empty": empty,
    "coalesce": coalesce,
    "all": all_,
    "any": any_,
    "ternary": ternary,
}
