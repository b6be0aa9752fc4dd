"""Custom resources against their CRD version's structural schema (``openAPIV3Schema``):
structural defaulting, and validation with the API server's field errors (422 Invalid).

Defaults fill missing properties, depth first, where the schema declares ``default``, as the
server does on every request and read. Validation covers the keywords structural schemas use:
types (``nullable``, ``x-kubernetes-int-or-string``), ``required``, ``enum``, numeric bounds,
string length and ``pattern``, item counts and ``uniqueItems``, and ``allOf``/``anyOf``/
``oneOf``/``not``. Messages follow kube-openapi's validation errors as apiextensions words them.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

Cause = dict[str, str]
_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


def apply_defaults(schema: dict[str, Any] | None, value: Any) -> None:
    """Fill ``default``s into ``value`` in place."""
    if not isinstance(schema, dict):
        return
    if isinstance(value, dict):
        props = schema.get("properties")
        if isinstance(props, dict):
            for k, sub in props.items():
                if k not in value and isinstance(sub, dict) and "default" in sub:
                    value[k] = copy.deepcopy(sub["default"])
            for k, v in value.items():
                if k in props:
                    apply_defaults(props[k], v)
        elif isinstance(schema.get("additionalProperties"), dict):
            for v in value.values():
                apply_defaults(schema["additionalProperties"], v)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            apply_defaults(schema["items"], item)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _shown(value: Any) -> str:
    return json.dumps(value) if isinstance(value, str) else _go_value(value)


def _go_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value, separators=(",", ":")) if isinstance(value, (dict, list)) else str(value)


def _invalid(path: str, value: Any, detail: str) -> Cause:
    return {
        "reason": "FieldValueInvalid",
        "message": f"Invalid value: {_shown(value)}: {detail}",
        "field": path,
    }


def _type_ok(schema: dict[str, Any], value: Any) -> bool:
    kind = schema.get("type")
    if schema.get("x-kubernetes-int-or-string"):
        return json_type(value) in ("integer", "string")
    if not kind:
        return True
    actual = json_type(value)
    if kind == "number":
        return actual in ("integer", "number")
    if kind == "integer":
        return actual == "integer"
    expected = _TYPES.get(kind)
    return (
        expected is not None
        and isinstance(value, expected)
        and not (kind != "boolean" and isinstance(value, bool))
    )


def validate(schema: dict[str, Any] | None, value: Any, path: str = "") -> list[Cause]:
    """The field errors of ``value`` against ``schema``; ``path`` is the dotted field path."""
    if not isinstance(schema, dict):
        return []
    where = path or "<root>"
    if value is None:
        if schema.get("nullable") or not schema.get("type"):
            return []
        return [_type_cause(where, value, schema)]
    if not _type_ok(schema, value):
        return [_type_cause(where, value, schema)]
    causes: list[Cause] = []
    if "enum" in schema and value not in schema["enum"]:
        supported = ", ".join(_shown(v) for v in schema["enum"])
        causes.append(
            {
                "reason": "FieldValueNotSupported",
                "message": f"Unsupported value: {_shown(value)}: supported values: {supported}",
                "field": where,
            }
        )
    causes += _bounds(schema, value, where)
    for combinator in ("allOf", "anyOf", "oneOf"):
        subs = schema.get(combinator)
        if isinstance(subs, list):
            results = [validate(s, value, path) for s in subs]
            passing = sum(1 for r in results if not r)
            if combinator == "allOf":
                causes += [c for r in results for c in r]
            elif combinator == "anyOf" and passing == 0:
                causes.append(
                    _invalid(where, value, f"{where} in body must validate at least one schema (anyOf)")
                )
            elif combinator == "oneOf" and passing != 1:
                causes.append(
                    _invalid(where, value, f"{where} in body must validate one and only one schema (oneOf)")
                )
    if isinstance(schema.get("not"), dict) and not validate(schema["not"], value, path):
        causes.append(_invalid(where, value, f"{where} in body should not validate the schema (not)"))
    if isinstance(value, dict):
        causes += _object(schema, value, path)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            causes += validate(schema["items"], item, f"{path}[{i}]")
    return causes


def _type_cause(where: str, value: Any, schema: dict[str, Any]) -> Cause:
    actual = json_type(value)
    want = "integer or string" if schema.get("x-kubernetes-int-or-string") else schema.get("type", "")
    return {
        "reason": "FieldValueTypeInvalid",
        "message": f'Invalid value: "{actual}": {where} in body must be of type {want}: "{actual}"',
        "field": where,
    }


def _object(schema: dict[str, Any], value: dict[str, Any], path: str) -> list[Cause]:
    causes: list[Cause] = []
    for name in schema.get("required") or ():
        if name not in value:
            sub = f"{path}.{name}" if path else name
            causes.append({"reason": "FieldValueRequired", "message": "Required value", "field": sub})
    props = schema.get("properties") or {}
    extra = schema.get("additionalProperties")
    for k, v in value.items():
        sub = f"{path}.{k}" if path else k
        if k in props:
            causes += validate(props[k], v, sub)
        elif isinstance(extra, dict):
            causes += validate(extra, v, f"{path}[{k}]" if path else k)
    return causes


def _bounds(schema: dict[str, Any], value: Any, where: str) -> list[Cause]:
    causes: list[Cause] = []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "maximum" in schema:
            limit, strict = schema["maximum"], schema.get("exclusiveMaximum")
            if value > limit or (strict and value == limit):
                op = "less than" if strict else "less than or equal to"
                causes.append(_invalid(where, value, f"{where} in body should be {op} {_go_value(limit)}"))
        if "minimum" in schema:
            limit, strict = schema["minimum"], schema.get("exclusiveMinimum")
            if value < limit or (strict and value == limit):
                op = "greater than" if strict else "greater than or equal to"
                causes.append(_invalid(where, value, f"{where} in body should be {op} {_go_value(limit)}"))
        if schema.get("multipleOf") and value % schema["multipleOf"]:
            causes.append(
                _invalid(
                    where, value, f"{where} in body should be a multiple of {_go_value(schema['multipleOf'])}"
                )
            )
    if isinstance(value, str):
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            causes.append(
                {
                    "reason": "FieldValueTooLong",
                    "message": f"Too long: may not be more than {schema['maxLength']} bytes",
                    "field": where,
                }
            )
        if "minLength" in schema and len(value) < schema["minLength"]:
            causes.append(
                _invalid(where, value, f"{where} in body should be at least {schema['minLength']} chars long")
            )
        if "pattern" in schema and re.search(schema["pattern"], value) is None:
            causes.append(_invalid(where, value, f"{where} in body should match '{schema['pattern']}'"))
    if isinstance(value, list):
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            causes.append(
                {
                    "reason": "FieldValueTooMany",
                    "message": f"Too many: {len(value)}: must have at most {schema['maxItems']} items",
                    "field": where,
                }
            )
        if "minItems" in schema and len(value) < schema["minItems"]:
            causes.append(
                _invalid(
                    where, len(value), f"{where} in body should have at least {schema['minItems']} items"
                )
            )
        if schema.get("uniqueItems") and len({json.dumps(v, sort_keys=True) for v in value}) != len(value):
            causes.append(
                {
                    "reason": "FieldValueDuplicate",
                    "message": f"Duplicate value: {_shown(value)}",
                    "field": where,
                }
            )
    return causes
