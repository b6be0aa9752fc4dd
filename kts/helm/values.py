"""``common.Values``: the named map type behind ``.Values``, with Helm's methods."""

from __future__ import annotations

from typing import Any, ClassVar

from kts.gotemplate.gotypes import GoError, GoMap, Signature


class NoTableError(GoError):
    def __init__(self, key: str) -> None:
        super().__init__(f'"{key}" is not a table')


class NoValueError(GoError):
    def __init__(self, key: str) -> None:
        super().__init__(f'"{key}" is not a value')


def _to_yaml(value: Any) -> str:
    from kts.helm.funcs import to_yaml_full

    return to_yaml_full(value)


_PLAIN = "map[string]interface {}"


class _Mirrored(GoMap):
    """A map kept equal to its twin: every write to one is made to the other.

    Go's ``Values.AsMap`` converts the map without copying it, so writes through either name
    are seen through both; two Python dicts of different Go types stand in for that one map.
    """

    _twin: dict[str, Any] | None = None

    def __setitem__(self, key: str, value: Any) -> None:
        dict.__setitem__(self, key, value)
        if self._twin is not None:
            dict.__setitem__(self._twin, key, value)

    def __delitem__(self, key: str) -> None:
        dict.__delitem__(self, key)
        if self._twin is not None:
            dict.pop(self._twin, key, None)

    def pop(self, key: str, *default: Any) -> Any:
        out = dict.pop(self, key, *default)
        if self._twin is not None:
            dict.pop(self._twin, key, None)
        return out

    def popitem(self) -> tuple[str, Any]:
        key, value = dict.popitem(self)
        if self._twin is not None:
            dict.pop(self._twin, key, None)
        return key, value

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args: Any, **kw: Any) -> None:
        for key, value in dict(*args, **kw).items():
            self[key] = value

    def __ior__(self, other: Any) -> _Mirrored:  # type: ignore[override,misc]
        self.update(other)
        return self

    def clear(self) -> None:
        dict.clear(self)
        if self._twin is not None:
            dict.clear(self._twin)


class PlainMap(_Mirrored):
    """What ``Values.AsMap`` returns: a ``map[string]interface {}`` sharing writes with its Values."""

    go_methods: ClassVar[dict[str, Signature]] = {}

    def __init__(self, items: Any = ()) -> None:
        super().__init__(items, go_type="map[string]interface {}")


class Values(_Mirrored):
    """A ``map[string]interface {}`` named ``common.Values``; methods shadow same-named keys."""

    go_type_name = "common.Values"
    go_methods = {
        "YAML": Signature((), result="string", error=True),
        "Table": Signature(("string",), result="common.Values", error=True),
        "AsMap": Signature((), result="map[string]interface {}"),
        "Encode": Signature(("io.Writer",), result="error"),
        "PathValue": Signature(("string",), result="interface {}", error=True),
    }

    def YAML(self) -> str:
        return _to_yaml(self)

    def Table(self, name: str) -> Values:
        return shared_table(self, name)

    def AsMap(self) -> dict[str, Any]:
        if not self:
            return {}  # Go returns a new empty map here
        twin = self._twin
        if twin is None:
            twin = PlainMap(self)
            twin._twin = self
            self._twin = twin
        return twin

    def Encode(self, writer: Any) -> None:
        raise GoError("Encode needs an io.Writer")

    def PathValue(self, path: str) -> Any:
        return path_value(self, path)


def _istable(v: Any) -> bool:
    """Go's ``v.(map[string]interface{})``: a plain map, whatever Python class holds it."""
    return type(v) is dict or (isinstance(v, GoMap) and v.go_type == _PLAIN)


def _walk(values: dict[str, Any], name: str) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """(map holding the last key, last key, table there) for a dotted path, or NoTableError."""
    holder, key, current = values, "", values
    for part in name.split("."):
        if part not in current:
            raise NoTableError(part)
        nxt = current[part]
        if not (_istable(nxt) or isinstance(nxt, Values)):
            raise NoTableError(part)
        holder, key, current = current, part, nxt
    return holder, key, current


def table(values: dict[str, Any], name: str) -> dict[str, Any]:
    """``Values.Table``: the map at a dotted path, or NoTableError naming the failing key."""
    return _walk(values, name)[2]


def shared_table(values: dict[str, Any], name: str) -> Values:
    """``Values.Table`` as Go has it: a ``common.Values`` over the very map at ``name``.

    Go converts the map without copying, so writes through the table show in ``values`` while
    the parent keeps seeing a ``map[string]interface {}``. Python cannot share one dict between
    two types, so the map is swapped, once, for a PlainMap twinned with the returned Values.
    """
    holder, key, found = _walk(values, name)
    if isinstance(found, Values):
        return found
    if isinstance(found, PlainMap) and isinstance(found._twin, Values):
        return found._twin
    plain = found if isinstance(found, PlainMap) else PlainMap(found)
    view = Values(plain)
    plain._twin, view._twin = view, plain
    if plain is not found:
        holder[key] = plain
    return view


def path_value(values: dict[str, Any], path: str) -> Any:
    """``Values.PathValue``: a non-table value at a dotted path, or NoValueError."""
    if path == "":
        raise GoError("YAML path cannot be empty")
    parts = path.split(".")
    if len(parts) == 1:
        if parts[0] in values and not _istable(values[parts[0]]):
            return values[parts[0]]
        raise NoValueError(parts[0])
    key = parts[-1]
    try:
        t = table(values, ".".join(parts[:-1]))
    except NoTableError:
        raise NoValueError(key) from None
    if key in t and not _istable(t[key]):
        return t[key]
    raise NoValueError(key)
