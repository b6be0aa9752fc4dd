"""YAML as Helm sees it: ``sigs.k8s.io/yaml`` over go-yaml v2 (and v3 for ``toYamlPretty``).

Reading is go-yaml v2 decoding followed by a JSON round trip, so numbers come back as
float64 (``float``) and map keys as strings; writing is the reverse trip (JSON first).
"""

from __future__ import annotations

from typing import Any

from kts.codec import stackless
from kts.codec.gofloat import format_g
from kts.codec.json import first_too_deep, first_unsupported_float, json_kind
from kts.codec.stackless import Step
from kts.codec.yaml_fast import DECLINED, unmarshal_simple
from kts.codec.yaml_load import GoYAMLError, Key, decode_first_document
from kts.gotemplate.gotypes import GoError


class YAMLError(GoError, ValueError):
    """A YAML failure with Go's message text; ``line`` is the line Go reports, if any."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def go_string_from_bytes(data: bytes) -> str:
    """Go's view of possibly invalid UTF-8 once JSON-encoded: each bad byte becomes U+FFFD."""
    out: list[str] = []
    i = 0
    n = len(data)
    while i < n:
        b = data[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
            continue
        size = 2 if 0xC2 <= b <= 0xDF else 3 if 0xE0 <= b <= 0xEF else 4 if 0xF0 <= b <= 0xF4 else 0
        if size and i + size <= n:
            try:
                out.append(data[i:i + size].decode("utf-8"))
                i += size
                continue
            except UnicodeDecodeError:
                pass
        out.append("\ufffd")
        i += 1
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# sigs.k8s.io/yaml: YAML -> JSON-able -> JSON -> Go value


def _key_string(key: Key, value: Any) -> str:
    k = key.value
    if key.kind == "string":
        return k
    if key.kind == "int":
        return str(k)
    if key.kind == "float64":
        s = format_g(k, 32)
        return {"+Inf": ".inf", "-Inf": "-.inf", "NaN": ".nan"}.get(s, s)
    if key.kind == "bool":
        return "true" if k else "false"
    go_type = {"nil": "%!s(<nil>)", "uint64": "uint64", "binary": "string"}.get(key.kind, key.kind)
    if key.kind == "binary":
        return go_string_from_bytes(k)
    shown = "<nil>" if k is None else str(k)
    raise YAMLError(f"error converting YAML to JSON: unsupported map key of type: {go_type}, "
                    f"key: {shown}, value: {_go_value_text(value)}")


def _go_value_text(value: Any) -> str:
    if value is None:
        return "<nil>"
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _jsonable(value: Any) -> Any:
    """convertToJSONableObject, then what json.Marshal + json.Decoder give back."""
    return stackless.run(_jsonable_step, value)


def _jsonable_step(value: Any) -> Step[Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            name = _key_string(k, v)
            out[name] = (yield v) if isinstance(v, (dict, list)) else _jsonable_leaf(v)
        return out
    if isinstance(value, list):
        items: list[Any] = []
        for v in value:
            items.append((yield v) if isinstance(v, (dict, list)) else _jsonable_leaf(v))
        return items
    return _jsonable_leaf(value)


def _jsonable_leaf(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, bytes):
        return go_string_from_bytes(value)
    return value


def json_trip_error(value: Any) -> str | None:
    """What sigs.k8s.io/yaml's JSON leg (json.Marshal, then json.Decoder) says of ``value``."""
    bad = first_unsupported_float(value)
    if bad is not None:
        return f"error converting YAML to JSON: json: unsupported value: {format_g(bad)}"
    deep = first_too_deep(value)
    if deep is not None:
        return f"error unmarshaling JSON: while decoding JSON: invalid character '{deep}' exceeded max depth"
    return None


def unmarshal(text: str, target: str = "any") -> Any:
    """``sigs.k8s.io/yaml.Unmarshal`` of the first document.

    ``target`` is the Go type decoded into: ``"any"`` (``interface{}``), ``"map"``
    (``map[string]interface{}``; a null document gives None, Go's nil map) or ``"list"``
    (``[]interface{}``). Raises YAMLError with Go's message.
    """
    value = unmarshal_simple(text)
    if value is DECLINED:
        value = _unmarshal_general(text)
    if target == "any" or value is None:
        return value
    want = {"map": (dict, "map[string]interface {}"), "list": (list, "[]interface {}")}[target]
    if not isinstance(value, want[0]):
        raise YAMLError("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                        f"{json_kind(value)} into Go value of type {want[1]}")
    return value


def _unmarshal_general(text: str) -> Any:
    try:
        raw = decode_first_document(text)
    except GoYAMLError as exc:
        raise YAMLError("error converting YAML to JSON: " + str(exc), exc.line) from None
    value = _jsonable(raw)
    problem = json_trip_error(value)
    if problem is not None:
        raise YAMLError(problem)
    return value


def split_documents(text: str) -> list[str]:
    """k8s.io YAMLReader: documents separated by ``---`` lines (only comments may follow)."""
    if text and not text.endswith("\n"):
        text += "\n"
    docs: list[str] = []
    buf: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("---"):
            trimmed = line[3:].strip(" \t\r\n\v\f\x85\xa0")
            if trimmed and not trimmed.startswith("#"):
                raise YAMLError(f"error reading yaml document: invalid Yaml document separator: {trimmed}")
            if buf:
                docs.append("".join(buf))
                buf = []
                continue
        buf.append(line)
    if buf:
        docs.append("".join(buf))
    return docs


def merge_maps(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Helm's loader.MergeMaps: b wins, nested maps merge recursively."""
    return stackless.run(_merge_step, (a, b))


def _merge_step(pair: tuple[dict[str, Any], dict[str, Any]]) -> Step[dict[str, Any]]:
    a, b = pair
    out = dict(a)
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = yield out[k], v
        else:
            out[k] = v
    return out


def load_values(text: str, *, multi_doc: bool = False) -> Any:
    """A values document as Helm reads it (``yaml.Unmarshal`` into ``interface{}``).

    With ``multi_doc`` it is Helm v4's ``loader.LoadValues``: every document decoded into a
    map and merged, errors prefixed ``cannot unmarshal yaml document: ``; the result is a dict.
    """
    if not multi_doc:
        return unmarshal(text)
    values: dict[str, Any] = {}
    for doc in split_documents(text):
        try:
            current = unmarshal(doc, "map")
        except YAMLError as exc:
            raise YAMLError("cannot unmarshal yaml document: " + str(exc), exc.line) from None
        values = merge_maps(values, current or {})
    return values


def read_values(text: str) -> dict[str, Any]:
    """Helm's ``common.ReadValues``: one document into a map, empty gives ``{}``."""
    return unmarshal(text, "map") or {}


def marshal(value: Any) -> str:
    """``sigs.k8s.io/yaml.Marshal(value)`` (JSON first, then go-yaml v2), trailing newline kept."""
    from kts.codec import yaml_dump

    return yaml_dump.marshal(value)


def to_yaml(value: Any) -> str:
    """Helm's ``toYaml`` text (``Marshal`` minus the final newline); raises YAMLError."""
    from kts.codec import yaml_dump

    return yaml_dump.to_yaml(value)


def to_yaml_pretty(value: Any) -> str:
    """Helm's ``toYamlPretty`` text (go-yaml v3, indent 2, no folding); raises YAMLError."""
    from kts.codec import yaml_dump

    return yaml_dump.to_yaml_pretty(value)


def load_manifest_head(text: str) -> Any:
    """Helm's ``SimpleHead`` parse of one manifest document (see ``kts.codec.yaml_head``)."""
    from kts.codec import yaml_head

    return yaml_head.load_manifest_head(text)


__all__ = ["YAMLError", "load_manifest_head", "load_values", "marshal", "merge_maps", "read_values",
           "split_documents", "to_yaml", "to_yaml_pretty", "unmarshal"]
