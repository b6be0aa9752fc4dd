"""Sprig's JSON functions (``defaults.go``): toJson, toPrettyJson, toRawJson, fromJson and must* twins.

Sprig swallows errors in the plain forms (``toJson`` gives ``""``, ``fromJson`` nil) except
``toRawJson``, which panics; the ``must*`` forms return the error.
"""

from __future__ import annotations

from typing import Any

from kts.codec import json as gojson
from kts.gotemplate.gotypes import FuncMap, GoError, gofunc
from kts.gotemplate.limits import check_tree


@gofunc("interface {}", result="string")
def toJson(v: Any) -> str:
    check_tree(v)
    try:
        return gojson.marshal(v)
    except GoError:
        return ""


@gofunc("interface {}", result="string", error=True)
def mustToJson(v: Any) -> str:
    check_tree(v)
    return gojson.marshal(v)


@gofunc("interface {}", result="string")
def toPrettyJson(v: Any) -> str:
    check_tree(v)
    try:
        return gojson.marshal(v, indent="  ")
    except GoError:
        return ""


@gofunc("interface {}", result="string", error=True)
def mustToPrettyJson(v: Any) -> str:
    check_tree(v)
    return gojson.marshal(v, indent="  ")


@gofunc("interface {}", result="string", error=True)
def mustToRawJson(v: Any) -> str:
    check_tree(v)
    return gojson.marshal(v, escape_html=False)


@gofunc("interface {}", result="string")
def toRawJson(v: Any) -> str:
    check_tree(v)
    # Sprig panics on error; text/template reports a panic like a returned error.
    return gojson.marshal(v, escape_html=False)


@gofunc("string")
def fromJson(v: str) -> Any:
    try:
        return gojson.unmarshal(v)
    except GoError:
        return None


@gofunc("string", error=True)
def mustFromJson(v: str) -> Any:
    return gojson.unmarshal(v)


FUNCS: FuncMap = {f.name: f for f in (toJson, mustToJson, toPrettyJson, mustToPrettyJson, toRawJson,
                                       mustToRawJson, fromJson, mustFromJson)}
