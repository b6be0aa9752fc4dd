"""Go's static typing rules as text/template applies them to function arguments.

``NOVALUE`` is Go's invalid ``reflect.Value`` (a missing value that prints ``<no value>``);
``None`` is a nil ``interface {}`` (a YAML null, or a missing map key under
``missingkey=zero``). The two differ in field access and argument checks, as in Go.
"""

from __future__ import annotations

from typing import Any

from kts.gotemplate.gotypes import (
    GoInt,
    GoMap,
    GoObject,
    GoSlice,
    NilMap,
    NilSlice,
    go_type_of,
    is_true,
)


class NoValue:
    """The invalid reflect.Value: what a missing key yields under ``missingkey=default``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOVALUE"

    def __bool__(self) -> bool:
        return False


NOVALUE = NoValue()

INTERFACE_TYPES = frozenset({"interface {}", "any", "interface{}"})
REFLECT_VALUE = "reflect.Value"

_EXACT: dict[str, type] = {
    "string": str, "bool": bool, "int": int, "float64": float, "complex128": complex,
    "[]interface {}": list, "map[string]interface {}": dict, "[]uint8": bytes, "[]byte": bytes,
}

SIGNED_INTS = frozenset({"int", "int8", "int16", "int32", "int64"})
UNSIGNED_INTS = frozenset({"uint", "uint8", "uint16", "uint32", "uint64", "uintptr"})
FLOATS = frozenset({"float32", "float64"})
COMPLEXES = frozenset({"complex64", "complex128"})


def _subclasses(cls: type) -> list[Any]:
    out: list[Any] = []
    sub: Any
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


def int_class(typ: str) -> type | None:
    """The Python class standing for a Go integer type name (``int`` for Go's int)."""
    if typ == "int":
        return int
    for sub in _subclasses(GoInt):
        if sub.go_type == typ:
            return sub
    return None


def named_map_types() -> dict[str, str]:
    """Named Go map types known to the value model, with their underlying type."""
    return {sub.go_type_name: "map[string]interface {}" for sub in _subclasses(GoMap) if sub.go_type_name}


def can_be_nil(typ: str) -> bool:
    """Go's canBeNil: whether untyped nil converts to ``typ``."""
    if typ in INTERFACE_TYPES or typ == REFLECT_VALUE or typ == "error":
        return True
    if typ.startswith(("[]", "map[", "*", "func", "chan")):
        return True
    return typ in named_map_types()


def zero_of(typ: str) -> Any:
    """The zero value of a Go type, as ``reflect.Zero`` gives it: maps and slices are typed nils."""
    if typ in INTERFACE_TYPES:
        return None
    if typ == "string":
        return ""
    if typ == "bool":
        return False
    if typ in FLOATS:
        return 0.0
    if typ in SIGNED_INTS or typ in UNSIGNED_INTS:
        cls = int_class(typ)
        return cls(0) if cls is not None else 0
    if typ in COMPLEXES:
        return 0j
    if typ.startswith("map["):
        return NilMap(typ)
    if typ.startswith("[]"):
        return NilSlice(typ[2:])
    return None


def _underlying(value: Any) -> tuple[str, bool]:
    """(underlying type, whether the type is named) of a container value."""
    if type(value) is dict:
        return "map[string]interface {}", False
    if isinstance(value, GoMap):
        named = not value.go_type.startswith("map[")
        return f"map[string]{value.elem}", named
    return go_type_of(value), False


def assignable(value: Any, typ: str) -> bool:
    """Go's ``AssignableTo`` between the dynamic type of ``value`` and ``typ``."""
    if typ in INTERFACE_TYPES:
        return True
    cls = _EXACT.get(typ)
    if cls is not None and type(value) is cls:
        return True
    if isinstance(value, dict):
        under, named = _underlying(value)
        vt = go_type_of(value)
        if vt == typ:
            return True
        if typ.startswith("map["):
            return under == typ and named
        target = named_map_types().get(typ)
        return target is not None and not named and under == target
    if isinstance(value, GoSlice):
        return value.go_type == typ
    if isinstance(value, GoObject):
        return value.go_type == typ
    if isinstance(value, GoInt):
        return value.go_type == typ
    if cls is not None:
        return False
    return go_type_of(value) == typ


def reflect_string(value: Any) -> str:
    """Go's ``reflect.Value.String``: a string's text, else ``<T Value>`` naming the type."""
    if isinstance(value, str):
        return value
    if value is None or value is NOVALUE:
        return "<invalid Value>"
    return f"<{go_type_of(value)} Value>"


def truth(value: Any) -> bool:
    """Go template truthiness, with NOVALUE false."""
    t = type(value)
    if t is str or t is bool or t is int or t is float or t is list or t is dict:
        return bool(value)
    if value is None or value is NOVALUE:
        return False
    return is_true(value)


def basic_kind(value: Any) -> str:
    """The comparison kind text/template's eq/lt use: bool, int, uint, float, complex, string.

    Everything else is ``invalid``, nil and maps alike, as Go's basicKind has it: so ``eq`` may
    compare a nil map or slice with nil.
    """
    t = type(value)
    if t is str:
        return "string"
    if t is bool:
        return "bool"
    if t is int:
        return "int"
    if t is float:
        return "float"
    if isinstance(value, GoInt):
        return "int" if value.signed else "uint"
    if t is complex:
        return "complex"
    return "invalid"
