"""YAML input for charts: values files and chart metadata, decoded as sigs.k8s.io/yaml does.

Uses ``kts.codec.yaml`` when present; otherwise a PyYAML loader with go-yaml v2's
YAML 1.1 resolution and the JSON round trip (every number a float64, keys strings).
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml


class YAMLError(ValueError):
    """Text that sigs.k8s.io/yaml rejects; ``str()`` is Go's wording."""


def _codec() -> Any:
    try:
        from kts.codec import yaml as codec_yaml
    except ImportError:
        return None
    return codec_yaml if hasattr(codec_yaml, "load_values") else None


def load_values(text: str, *, multi_doc: bool = True) -> dict[str, Any]:
    """Decode a values file into a ``map[string]interface {}``; documents merge in v4."""
    codec = _codec()
    if codec is not None:
        try:
            result = codec.load_values(text, multi_doc=multi_doc)
            if not multi_doc and result is not None and not isinstance(result, dict):
                raise YAMLError("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                                f"{_json_kind(result)} into Go value of type map[string]interface {{}}")
        except YAMLError:
            raise
        except Exception as exc:  # the codec's own error type, re-raised with Go's text
            raise YAMLError(str(exc)) from exc
        return result if result is not None else {}
    docs = _load_all(text) if multi_doc else [_load_one(text)]
    out: dict[str, Any] = {}
    for doc in docs:
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise YAMLError(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                f"{_json_kind(doc)} into Go value of type map[string]interface {{}}")
        out = merge_maps(out, doc)
    return out


def load_document(text: str) -> Any:
    """Decode one YAML document into generic Go values (for Chart.yaml and friends)."""
    codec = _codec()
    if codec is not None:
        try:
            return codec.unmarshal(text)
        except Exception as exc:
            raise YAMLError(str(exc)) from exc
    return _load_one(text)


def merge_maps(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Helm's loader ``MergeMaps``: b wins, nested maps merge recursively."""
    out = dict(a)
    for key, value in b.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_maps(out[key], value)
        else:
            out[key] = value
    return out


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    return "number"


# ---------------------------------------------------------------------------
# PyYAML fallback with go-yaml v2 resolution


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {}
_BOOL = re.compile(r"^(?:y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON"
                   r"|n|N|no|No|NO|false|False|FALSE|off|Off|OFF)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_INT = re.compile(r"^[-+]?(?:0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$"
                    r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$")
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("yYnNtTfFoO"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""])
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))


def _bool(loader: yaml.SafeLoader, node: yaml.Node) -> bool:
    return loader.construct_scalar(node) in {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
                                             "on", "On", "ON"}


def _int(loader: yaml.SafeLoader, node: yaml.Node) -> float:
    s = str(loader.construct_scalar(node)).replace("_", "")
    sign = -1 if s.startswith("-") else 1
    s = s.lstrip("+-")
    if s.startswith("0b"):
        v = int(s[2:], 2)
    elif s.startswith("0x"):
        v = int(s[2:], 16)
    elif s.startswith("0o"):
        v = int(s[2:], 8)
    elif len(s) > 1 and s.startswith("0"):
        v = int(s, 8)
    else:
        v = int(s)
    return float(sign * v)


def _float(loader: yaml.SafeLoader, node: yaml.Node) -> float:
    s = str(loader.construct_scalar(node)).replace("_", "")
    value = float(s.replace("inf", "Inf").lower().replace("inf", "inf"))
    if math.isinf(value) or math.isnan(value):
        raise YAMLError("error converting YAML to JSON: json: unsupported value: "
                        + ("NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")))
    return value


def _str_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    out: dict[str, Any] = {}
    for knode, vnode in node.value:
        key = loader.construct_object(knode, deep=True)
        out[_key_text(key)] = loader.construct_object(vnode, deep=True)
    return out


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, float):
        return str(int(key)) if key.is_integer() else repr(key)
    if key is None:
        return "null"
    return str(key)


_Loader.add_constructor("tag:yaml.org,2002:bool", _bool)
_Loader.add_constructor("tag:yaml.org,2002:int", _int)
_Loader.add_constructor("tag:yaml.org,2002:float", _float)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _str_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)


def _wrap(exc: yaml.YAMLError) -> YAMLError:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    line = f"line {mark.line + 1}: " if mark is not None else ""
    return YAMLError(f"error converting YAML to JSON: yaml: {line}{problem}")


def _load_one(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise _wrap(exc) from exc


def _load_all(text: str) -> list[Any]:
    try:
        return list(yaml.load_all(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        raise _wrap(exc) from exc
