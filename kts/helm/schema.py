"""``values.schema.json`` validation, failing with the messages Helm v4 prints.

Helm compiles each chart's schema (checking it against its draft's metaschema and resolving
its references) and validates the coalesced values with santhosh-tekuri/jsonschema v6;
``kts.helm.schemaval``/``schemaeval`` reproduce that validator's behaviour and wording.
"""

from __future__ import annotations

import functools
from typing import Any

from kts.helm.chart import ChartModel
from kts.helm.errors import SchemaError
from kts.helm.schemaeval import Evaluator, compile_refs
from kts.helm.schemaval import (
    _META_OF,
    ROOT_URL,
    Doc,
    Invalid,
    Num,
    Registry,
    SchemaCompileError,
    VError,
    draft_of,
    go_quote,
)

_VALIDATION_PREFIX = f"jsonschema validation failed with {go_quote(ROOT_URL + '#')}\n"


def _go_type(v: Any) -> str:
    from kts.gotemplate.gotypes import go_type_of

    return go_type_of(v)


def _wrapped(err: VError, schema_url: str) -> VError:
    causes = err.causes if err.kind == "group" else [err]
    return VError((), f"jsonschema validation failed with {go_quote(schema_url + '#')}", "schema", causes)


def _compile(schema_bytes: bytes) -> Evaluator:
    from kts.helm.gojson import GoJSONError, loads

    try:
        doc = loads(schema_bytes, Num)
    except GoJSONError as exc:
        raise SchemaCompileError(str(exc)) from None
    draft = draft_of(doc)
    root = Doc(ROOT_URL, doc, draft)
    registry = Registry(root)
    meta_url = _META_OF[draft]
    meta = Evaluator(registry, registry.resolve(ROOT_URL, meta_url), assert_regex=True)
    problem = meta.validate(doc)
    if problem is not None:
        raise SchemaCompileError(f'"{ROOT_URL}#" is not valid against metaschema: '
                                 f"{_wrapped(problem, meta_url)}")
    node = registry.resolve(ROOT_URL, ROOT_URL)
    compile_refs(registry, node)
    return Evaluator(registry, node, assert_regex=draft < 2019)


@functools.lru_cache(maxsize=256)
def _evaluator(schema_bytes: bytes) -> Evaluator | str:
    """The compiled schema, or Helm's message when the schema itself is unusable."""
    try:
        return _compile(schema_bytes)
    except SchemaCompileError as exc:
        return str(exc)
    except RecursionError:
        return "unable to validate schema: schema nesting too deep"


def validate_single(values: dict[str, Any], schema_bytes: bytes) -> str:
    """``ValidateAgainstSingleSchema``'s error text (``- at '/path': reason`` lines), or ``""``."""
    ev = _evaluator(bytes(schema_bytes))
    if isinstance(ev, str):
        return ev
    try:
        problem = ev.validate(_plain(values))
    except SchemaCompileError as exc:
        return str(exc)
    except RecursionError:
        return "unable to validate schema: values nesting too deep"
    if problem is None:
        return ""
    return str(_wrapped(problem, ROOT_URL)).removeprefix(_VALIDATION_PREFIX) + "\n"


def _plain(v: Any) -> Any:
    """Values as the validator sees Go's: JSON types, anything else an invalid one."""
    if v is None or isinstance(v, (str, bool, int, float)):
        return v
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return Invalid(_go_type(v))


def _validate_tree(chart: ChartModel, values: dict[str, Any]) -> str:
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


def validate(chart: ChartModel, values: dict[str, Any]) -> None:
    """``ValidateAgainstSchema`` for the chart and every enabled subchart."""
    problems = _validate_tree(chart, values)
    if problems:
        raise SchemaError("values don't meet the specifications of the schema(s) in the following "
                          f"chart(s):\n{problems}", path=chart.source or chart.name)
