"""Go values as Python objects: the contract shared by the engine, fmt, Sprig and Helm.

Go's template semantics depend on static Go types (``int`` vs ``int64`` vs ``float64``,
``[]string`` vs ``[]interface {}``), so every value carries one, cheaply:

=========================  ==========================================
Python value               Go type
=========================  ==========================================
``None``                   nil (an empty ``interface {}``)
``bool``                   ``bool``
``int``                    ``int`` (template literals, ``len``, ``atoi``)
``Int64`` and friends      ``int64``, ``int32``, ``uint8``, ... (subclasses of int)
``float``                  ``float64`` (every number decoded from YAML or JSON)
``str``                    ``string``
``bytes``                  ``[]uint8``
``list``                   ``[]interface {}``
``GoSlice``                a typed slice such as ``[]string`` (``elem`` names the element type)
``dict``                   ``map[string]interface {}``
``GoMap``                  a typed or named map (``map[string]string``, ``common.Values``)
``GoObject``               a struct or pointer with exported fields and methods
=========================  ==========================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

# ---------------------------------------------------------------------------
# Sized integers


class GoInt(int):
    """An integer of a sized Go kind; plain ``int`` is Go's ``int``."""

    go_type: ClassVar[str] = "int"
    bits: ClassVar[int] = 64
    signed: ClassVar[bool] = True

    def __new__(cls, value: int = 0) -> GoInt:
        return super().__new__(cls, wrap_int(int(value), cls.bits, cls.signed))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({int(self)})"


class Int64(GoInt):
    go_type = "int64"


class Int32(GoInt):
    go_type = "int32"
    bits = 32


class Uint8(GoInt):
    go_type = "uint8"
    bits = 8
    signed = False


class Uint32(GoInt):
    go_type = "uint32"
    bits = 32
    signed = False


class Uint64(GoInt):
    go_type = "uint64"
    signed = False


def wrap_int(value: int, bits: int = 64, signed: bool = True) -> int:
    """Two's-complement wraparound, as Go integer arithmetic does."""
    mask = (1 << bits) - 1
    value &= mask
    if signed and value >> (bits - 1):
        value -= 1 << bits
    return value


# ---------------------------------------------------------------------------
# Typed containers


class GoSlice(list):
    """A slice whose element type is not ``interface {}`` (``[]string``, ``[]int``)."""

    __slots__ = ("elem",)

    def __init__(self, items: Any = (), elem: str = "string") -> None:
        super().__init__(items)
        self.elem = elem

    @property
    def go_type(self) -> str:
        return "[]" + self.elem


class GoMap(dict):
    """A map whose Go type is not ``map[string]interface {}``.

    Subclasses name a Go named map type (Helm's ``common.Values``) and may carry
    methods via ``go_methods`` like a ``GoObject``.
    """

    go_type_name: ClassVar[str | None] = None
    go_methods: ClassVar[dict[str, Signature]] = {}

    def __init__(self, *args: Any, go_type: str | None = None, elem: str = "interface {}", **kw: Any):
        super().__init__(*args, **kw)
        self._go_type = go_type or self.go_type_name or f"map[string]{elem}"
        self.elem = elem

    @property
    def go_type(self) -> str:
        return self._go_type


class NilMap(GoMap):
    """A nil Go map, the zero value a map parameter receives for a missing value.

    Reads see an empty map, fmt prints ``map[]`` and encoders write ``null``; storing a key
    panics as Go does, so Sprig's in-place ``set`` fails on it exactly like Helm.
    """

    go_nil: ClassVar[bool] = True

    def __init__(self, go_type: str = "map[string]interface {}") -> None:
        super().__init__(go_type=go_type, elem=map_elem(go_type))

    def _assign(self, *args: Any, **kw: Any) -> Any:
        raise GoPanic("assignment to entry in nil map")

    __setitem__ = update = setdefault = __ior__ = _assign  # type: ignore[assignment]


class NilSlice(GoSlice):
    """A nil slice (Go functions often return one for "nothing"): prints ``[]``, marshals as ``null``."""

    __slots__ = ()
    go_nil: ClassVar[bool] = True

    def __init__(self, elem: str = "interface {}") -> None:
        super().__init__((), elem)


def map_elem(map_type: str) -> str:
    """The element type of a ``map[K]V`` type name (``interface {}`` for anything else)."""
    if not map_type.startswith("map["):
        return "interface {}"
    depth = 0
    for i, c in enumerate(map_type):
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return map_type[i + 1:]
    return "interface {}"


def is_nil(value: Any) -> bool:
    """Whether ``value`` is Go nil: a nil interface, or a nil map or slice of some type."""
    return value is None or bool(getattr(value, "go_nil", False))


def string_slice(items: Any) -> GoSlice:
    return GoSlice(items, "string")


def string_map(items: Any = ()) -> GoMap:
    return GoMap(items, elem="string")


# ---------------------------------------------------------------------------
# Structs and pointers with methods


class GoObject:
    """A Go struct (or pointer to one) visible to templates.

    ``go_fields`` lists exported field names, read with ``getattr``; ``go_methods``
    maps exported method names to their Signature, called as ``getattr(self, name)``.
    A method shadows a field or map key of the same name, as in Go.
    """

    go_type: ClassVar[str] = "struct {}"
    go_kind: ClassVar[str] = "struct"  # or "ptr"
    go_fields: ClassVar[tuple[str, ...]] = ()
    go_methods: ClassVar[dict[str, Signature]] = {}
    # ``String()`` declared on the pointer: fmt only sees it where the template prints an
    # addressable value (``{{ .Capabilities.KubeVersion }}``), not in ``printf`` or ``toString``.
    go_string_on_pointer: ClassVar[bool] = False

    def go_string(self) -> str | None:
        """The result of ``String()`` or ``Error()`` for fmt, or None if not a Stringer."""
        return None

    def go_struct_fields(self) -> tuple[tuple[str, Any], ...]:
        """Every struct field as (name, value) in order, unexported ones included, as fmt prints them."""
        return tuple((name, getattr(self, name)) for name in self.go_fields)


class GoError(Exception):
    """A Go ``error`` returned by a function: becomes ``error calling NAME: MSG``."""


class GoPanic(GoError):
    """A Go runtime panic inside a function, reported like an error by text/template."""


# ---------------------------------------------------------------------------
# Function signatures


@dataclass(frozen=True)
class Signature:
    """The Go signature of a template function or method.

    ``params`` and ``variadic`` hold Go type names (``"string"``, ``"int"``,
    ``"interface {}"``, ``"map[string]interface {}"``, ``"[]interface {}"``,
    ``"time.Time"`` ...); the executor converts and checks arguments against them
    exactly as text/template does. ``error`` says the function returns (value, error).
    """

    params: tuple[str, ...] = ()
    variadic: str | None = None
    result: str = "interface {}"
    error: bool = False


@dataclass
class GoFunc:
    """A template function: a Python callable plus its Go signature."""

    fn: Callable[..., Any]
    sig: Signature = field(default_factory=Signature)
    name: str = ""


def gofunc(*params: str, variadic: str | None = None, result: str = "interface {}",
           error: bool = False) -> Callable[[Callable[..., Any]], GoFunc]:
    """Decorate a Python function as a Go template function with the given signature."""

    def wrap(fn: Callable[..., Any]) -> GoFunc:
        return GoFunc(fn, Signature(tuple(params), variadic, result, error), fn.__name__)

    return wrap


FuncMap = dict[str, GoFunc]


# ---------------------------------------------------------------------------
# Type names


def go_type_of(value: Any) -> str:
    """The dynamic Go type name of a value, as ``%T`` prints it (``<nil>`` for nil)."""
    if value is None:
        return "<nil>"
    t = type(value)
    if t is str:
        return "string"
    if t is bool:
        return "bool"
    if t is int:
        return "int"
    if t is float:
        return "float64"
    if t is dict:
        return "map[string]interface {}"
    if t is list:
        return "[]interface {}"
    if isinstance(value, GoInt):
        return value.go_type
    if isinstance(value, (GoSlice, GoMap)):
        return value.go_type
    if isinstance(value, GoObject):
        return value.go_type
    if isinstance(value, (bytes, bytearray)):
        return "[]uint8"
    if isinstance(value, complex):
        return "complex128"
    if callable(value):
        return "func(...)"
    return type(value).__name__


def go_kind_of(value: Any) -> str:
    """The reflect.Kind name of a value (``invalid`` for nil), as Sprig's kindOf prints it."""
    if value is None:
        return "invalid"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, GoInt):
        return value.go_type
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, bytes, bytearray)):
        return "slice"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, GoObject):
        return value.go_kind
    if isinstance(value, complex):
        return "complex128"
    if callable(value):
        return "func"
    return "struct"


def is_true(value: Any) -> bool:
    """Go template truthiness: zero values and empty containers are false, structs true."""
    if value is None:
        return False
    if isinstance(value, GoObject):
        return True
    if isinstance(value, (bool, int, float, complex, str, bytes, list, dict)):
        return bool(value)
    return True
