"""``values.schema.json`` validation with Helm-like messages (JSON Schema drafts 4 to 2020-12)."""

from __future__ import annotations

import functools
import json
from typing import Any

from kts.helm.chart import Chart
from kts.helm.errors import SchemaError


def _go_type(v: Any) -> str:
    from kts.gotemplate.gotypes import go_type_of

    return go_type_of(v)


def _pointer(path: Any) -> str:
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts) if parts else ""


def _json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def _quote_list(items: Any) -> str:
    return ", ".join(f"'{i}'" for i in items)


def _show(v: Any) -> str:
    if isinstance(v, str):
        return f"'{v}'"
    return json.dumps(_plain(v), separators=(",", ":"))


def _describe(err: Any) -> str:
    """One santhosh-tekuri/jsonschema v6 style line for a python-jsonschema error."""
    kw, val, inst = err.validator, err.validator_value, err.instance
    if kw == "type":
        want = val if isinstance(val, list) else [val]
        return f"got {_json_type(inst)}, want {' or '.join(want)}"
    if kw == "required":
        missing = [p for p in val if isinstance(inst, dict) and p not in inst]
        if len(missing) == 1:
            return f"missing property '{missing[0]}'"
        return f"missing properties {_quote_list(missing)}"
    if kw == "additionalProperties":
        props = err.schema.get("properties", {})
        extra = [k for k in inst if k not in props] if isinstance(inst, dict) else []
        return f"additional properties {_quote_list(extra)} not allowed"
    if kw == "enum":
        return f"value must be one of {', '.join(_show(v) for v in val)}"
    if kw == "const":
        return f"value must be {_show(val)}"
    if kw in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        if kw == "multipleOf":
            return f"{_num(inst)} not multipleOf {_num(val)}"
        return f"{kw}: got {_num(inst)}, want {_num(val)}"
    if kw in ("minLength", "maxLength"):
        return f"{kw}: got {len(inst)}, want {val}"
    if kw in ("minItems", "maxItems", "minProperties", "maxProperties"):
        return f"{kw}: got {len(inst)}, want {val}"
    if kw == "pattern":
        return f"'{inst}' does not match pattern '{val}'"
    if kw == "format":
        return f"'{inst}' is not valid {val}"
    if kw == "not":
        return "'not' failed"
    return err.message


def _num(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


@functools.lru_cache(maxsize=256)
def _validator(schema_bytes: bytes) -> Any:
    """A compiled validator, or the error text when the schema itself is unusable."""
    import jsonschema

    try:
        schema = json.loads(schema_bytes.decode("utf-8", "replace"))
    except json.JSONDecodeError as exc:
        return f"invalid character in values.schema.json: {exc}\n"
    try:
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        return cls(schema)
    except jsonschema.SchemaError as exc:
        return f"unable to validate schema: {exc.message}\n"


def validate_single(values: dict[str, Any], schema_bytes: bytes) -> str:
    """Validation failures as Helm's lines (``- at '/path': reason``), or ``""`` when valid."""
    import jsonschema

    validator = _validator(bytes(schema_bytes))
    if isinstance(validator, str):
        return validator
    instance = _plain(values)
    if validator.is_valid(instance):
        return ""
    try:
        errors = sorted(validator.iter_errors(instance), key=_evaluation_order)
    except jsonschema.SchemaError as exc:
        return f"unable to validate schema: {exc.message}\n"
    lines = [f"- at '{_pointer(e.absolute_path)}': {_describe(e)}" for e in _leaves(errors)]
    return "\n".join(lines) + "\n" if lines else ""


# The order santhosh-tekuri/jsonschema evaluates keywords in (properties follow the instance).
_KEYWORD_RANK = {k: i for i, k in enumerate((
    "type", "const", "enum", "format", "$ref", "minProperties", "maxProperties", "required", "dependencies",
    "properties", "patternProperties", "additionalProperties", "propertyNames", "dependentSchemas",
    "dependentRequired", "minItems", "maxItems", "uniqueItems", "items", "prefixItems", "additionalItems",
    "contains", "minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "not", "allOf", "anyOf", "oneOf", "if", "then", "else"))}


def _evaluation_order(err: Any) -> tuple[int, ...]:
    ranks: list[int] = []
    expect_keyword = True
    for part in err.relative_schema_path:
        if expect_keyword and isinstance(part, str):
            ranks.append(_KEYWORD_RANK.get(part, len(_KEYWORD_RANK)))
            expect_keyword = part not in ("properties", "patternProperties", "dependentSchemas", "$defs",
                                          "definitions", "prefixItems", "allOf", "anyOf", "oneOf")
        else:
            expect_keyword = True
    return tuple(ranks)


def _leaves(errors: list[Any]) -> list[Any]:
    out = []
    for e in errors:
        if e.context:
            out.extend(_leaves(list(e.context)))
        else:
            out.append(e)
    return out


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _validate_tree(chart: Chart, values: dict[str, Any]) -> str:
    out = ""
    if chart.schema is not None:
        problems = validate_single(values, chart.schema)
        if problems:
            out += f"{chart.name}:\n{problems}"
    for sub in chart.dependencies:
        if sub.name not in values or values[sub.name] is None:
            continue
        raw = values[sub.name]
        if not isinstance(raw, dict):
            out += f"{sub.name}:\ninvalid type for values: expected object (map), got {_go_type(raw)}\n"
            continue
        out += _validate_tree(sub, raw)
    return out


def validate(chart: Chart, values: dict[str, Any]) -> None:
    """``ValidateAgainstSchema`` for the chart and every enabled subchart."""
    problems = _validate_tree(chart, values)
    if problems:
        raise SchemaError("values don't meet the specifications of the schema(s) in the following "
                          f"chart(s):\n{problems}", path=chart.source or chart.name)
