"""Helm's own serialization functions (``pkg/engine/funcs.go``), overriding Sprig's JSON ones.

Helm reports decode failures inside the result (``{"Error": msg}`` or ``[msg]``) instead of
failing the render, returns ``""`` when ``toYaml``/``toJson`` cannot encode, and puts TOML
encoder errors in the output text; the ``must*`` forms panic, which templates see as errors.
"""

from __future__ import annotations

from typing import Any

from kts.codec import json as gojson
from kts.codec import toml as gotoml
from kts.codec import yaml as goyaml
from kts.codec.yaml_dump import to_yaml, to_yaml_pretty
from kts.gotemplate.gotypes import FuncMap, GoError, GoPanic, gofunc
from kts.gotemplate.limits import check_tree

_MAP = "map[string]interface {}"
_LIST = "[]interface {}"


@gofunc("interface {}", result="string")
def toYaml(v: Any) -> str:
    check_tree(v)
    try:
        return to_yaml(v)
    except GoError:
        return ""


@gofunc("interface {}", result="string")
def mustToYaml(v: Any) -> str:
    check_tree(v)
    try:
        return to_yaml(v)
    except GoError as exc:
        raise GoPanic(str(exc)) from None


@gofunc("interface {}", result="string")
def toYamlPretty(v: Any) -> str:
    check_tree(v)
    try:
        return to_yaml_pretty(v)
    except GoError:
        return ""


@gofunc("string", result=_MAP)
def fromYaml(s: str) -> Any:
    try:
        value = goyaml.unmarshal(s, "map")
    except goyaml.YAMLError as exc:
        return {"Error": str(exc)}
    return value if value is not None else {}


@gofunc("string", result=_LIST)
def fromYamlArray(s: str) -> Any:
    try:
        value = goyaml.unmarshal(s, "list")
    except goyaml.YAMLError as exc:
        return [str(exc)]
    return value if value is not None else []


@gofunc("interface {}", result="string")
def toToml(v: Any) -> str:
    check_tree(v)
    try:
        return gotoml.dumps(v)
    except GoPanic:
        raise
    except GoError as exc:
        return str(exc)


@gofunc("interface {}", result="string")
def mustToToml(v: Any) -> str:
    check_tree(v)
    try:
        return gotoml.dumps(v)
    except GoPanic:
        raise
    except GoError as exc:
        raise GoPanic(str(exc)) from None


@gofunc("string", result=_MAP)
def fromToml(s: str) -> Any:
    try:
        return gotoml.loads(s)
    except GoError as exc:
        return {"Error": str(exc)}


@gofunc("interface {}", result="string")
def toJson(v: Any) -> str:
    check_tree(v)
    try:
        return gojson.marshal(v)
    except GoError:
        return ""


@gofunc("interface {}", result="string")
def mustToJson(v: Any) -> str:
    check_tree(v)
    try:
        return gojson.marshal(v)
    except GoError as exc:
        raise GoPanic(str(exc)) from None


@gofunc("string", result=_MAP)
def fromJson(s: str) -> Any:
    try:
        value = gojson.unmarshal(s, "map")
    except gojson.JSONTypeError as exc:
        partial = exc.partial if isinstance(exc.partial, dict) else {}
        return {**partial, "Error": str(exc)}
    except GoError as exc:
        return {"Error": str(exc)}
    return value if value is not None else gojson.NilMap()


@gofunc("string", result=_LIST)
def fromJsonArray(s: str) -> Any:
    try:
        value = gojson.unmarshal(s, "list")
    except GoError as exc:
        return [str(exc)]
    return value if value is not None else gojson.NilList()


HELM_CODEC_FUNCS: FuncMap = {f.name: f for f in (
    toYaml, mustToYaml, toYamlPretty, fromYaml, fromYamlArray, toToml, mustToToml, fromToml,
    toJson, mustToJson, fromJson, fromJsonArray)}
