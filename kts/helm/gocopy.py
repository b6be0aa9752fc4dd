"""A fast deep copy for values trees (plain dicts, lists and immutable scalars).

Rendering copies chart defaults and user values on every render so that one render's ``set``
cannot leak into the next; ``copy.deepcopy`` spends most of its time on bookkeeping these
trees do not need. Anything other than a plain dict or list (typed Go maps and slices,
objects other than plain ``GoMap``/``GoSlice``) still goes through ``copy.deepcopy``.
"""

from __future__ import annotations

import copy
from typing import Any

from kts.gotemplate.gotypes import GoMap, GoSlice, Int32, Int64, Uint8, Uint32, Uint64

# Exact types whose instances are immutable and shared safely between copies.
_ATOMIC: frozenset[type] = frozenset({str, float, bool, int, type(None), bytes, Int64, Int32, Uint8,
                                      Uint32, Uint64})


def copy_values(value: Any) -> Any:
    """A deep copy of ``value``; unlike ``copy.deepcopy`` shared sub-trees are copied separately."""
    t = type(value)
    if t is dict:
        return copy_map(value)
    if t is list:
        return copy_list(value)
    if t in _ATOMIC:
        return value
    if t is GoMap:
        return GoMap({k: copy_values(v) for k, v in value.items()}, go_type=value.go_type, elem=value.elem)
    if t is GoSlice:
        return GoSlice([copy_values(v) for v in value], value.elem)
    return copy.deepcopy(value)


def copy_map(value: dict[str, Any]) -> dict[str, Any]:
    """Deep copy of a plain ``map[string]interface {}``."""
    out = {}
    atomic = _ATOMIC
    for k, v in value.items():
        t = type(v)
        if t in atomic:
            out[k] = v
        elif t is dict:
            out[k] = copy_map(v)
        elif t is list:
            out[k] = copy_list(v)
        else:
            out[k] = copy_values(v)
    return out


def copy_list(value: list[Any]) -> list[Any]:
    """Deep copy of a plain ``[]interface {}``."""
    out: list[Any] = []
    append = out.append
    atomic = _ATOMIC
    for v in value:
        t = type(v)
        if t in atomic:
            append(v)
        elif t is dict:
            append(copy_map(v))
        elif t is list:
            append(copy_list(v))
        else:
            append(copy_values(v))
    return out
