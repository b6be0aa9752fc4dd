"""Request bodies in Kubernetes' protobuf encoding (``application/vnd.kubernetes.protobuf``).

kubectl's typed commands (``create``, ``run``, ``expose``, ``autoscale``, ``auth can-i``, ...)
send protobuf. A body is the magic ``k8s\\x00`` and a ``runtime.Unknown`` envelope whose ``raw`` is
the object's message. Any built-in kind of k8s.io/api is decoded, from the field table
``protobuf_fields`` (generated from Kubernetes' own ``generated.proto`` files and Go types by
tools/gen_protobuf_fields.py), into the JSON the Go types marshal to: Go zero values where a field
is not ``omitempty``, pointers kept even when zero, inlined structs merged into their parent. A
kind without a protobuf codec (custom resources) is refused with 415, as the real server does.
"""

from __future__ import annotations

import base64
import datetime
import json
import struct
from collections.abc import Callable
from typing import Any

from kts.testing.errors import ApiError
from kts.testing.protobuf_fields import KINDS, LISTS, MESSAGES

MEDIA_TYPE = "application/vnd.kubernetes.protobuf"
_MAGIC = b"k8s\x00"
_REPEATED, _POINTER, _OMITEMPTY, _INLINE = 1, 2, 4, 8
_ABSENT = object()  # a field the JSON form leaves out

Wire = int | bytes


class _Malformed(Exception):
    pass


def _unsupported(api_version: str, kind: str) -> ApiError:
    what = f"{api_version}, Kind={kind}" if kind else "the body's kind"
    return ApiError(
        415,
        "UnsupportedMediaType",
        f"the body of the request was in an unknown format - accepted media types include: "
        f"application/json, application/yaml ({MEDIA_TYPE} is decoded for built-in kinds only, "
        f"not for {what})",
    )


def _malformed(why: str) -> ApiError:
    return ApiError(400, "BadRequest", f"the body of the request could not be decoded as protobuf: {why}")


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    out = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise _Malformed("truncated varint")
        b = data[pos]
        pos += 1
        out |= (b & 0x7F) << shift
        if not b & 0x80:
            return out, pos
        shift += 7


def _fields(data: bytes) -> dict[int, list[Wire]]:
    """The wire fields of one message by number: varints as ints, everything else as bytes."""
    out: dict[int, list[Wire]] = {}
    pos = 0
    while pos < len(data):
        tag, pos = _varint(data, pos)
        number, wire = tag >> 3, tag & 7
        value: Wire
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire in (1, 2, 5):
            size = 8 if wire == 1 else 4 if wire == 5 else 0
            if wire == 2:
                size, pos = _varint(data, pos)
            if pos + size > len(data):
                raise _Malformed("truncated field")
            value, pos = data[pos : pos + size], pos + size
        else:
            raise _Malformed(f"unsupported wire type {wire}")
        out.setdefault(number, []).append(value)
    return out


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _ints(values: list[Wire]) -> list[int]:
    """Varints, unpacking packed repeated ones."""
    out: list[int] = []
    for value in values:
        if isinstance(value, int):
            out.append(value)
            continue
        pos = 0
        while pos < len(value):
            n, pos = _varint(value, pos)
            out.append(n)
    return out


def _scalar(kind: str, value: Wire) -> Any:
    if kind in ("string", "bytes"):
        if not isinstance(value, bytes):
            raise _Malformed(f"a {kind} is not length-delimited")
        return value.decode("utf-8", "replace") if kind == "string" else base64.b64encode(value).decode()
    if kind in ("double", "float"):
        if not isinstance(value, bytes) or len(value) not in (4, 8):
            raise _Malformed(f"a {kind} is not fixed-width")
        return struct.unpack("<d" if len(value) == 8 else "<f", value)[0]
    if not isinstance(value, int):
        raise _Malformed(f"a {kind} is not a varint")
    return bool(value) if kind == "bool" else value if kind == "uint" else _signed(value)


_ZERO = {"string": "", "bytes": "", "bool": False, "int": 0, "uint": 0, "double": 0.0, "float": 0.0}


def _stamp(seconds: int, nanos: int, micro: bool) -> str:
    moment = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(
        seconds=seconds, microseconds=nanos // 1000 if micro else 0
    )
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if micro else "%Y-%m-%dT%H:%M:%SZ")


def _time(data: bytes, micro: bool = False) -> Any:
    """metav1.Time / MicroTime: empty is the zero time, whose JSON is null."""
    if not data:
        return _ABSENT
    wire = _fields(data)
    seconds = _signed(_ints(wire.get(1, [0]))[-1])
    nanos = _signed(_ints(wire.get(2, [0]))[-1])
    return _stamp(seconds, nanos, micro)


def _fraction(value: int, digits: int) -> str:
    whole, frac = divmod(value, 10**digits)
    tail = str(frac).rjust(digits, "0").rstrip("0")
    return f"{whole}.{tail}" if tail else str(whole)


def go_duration(ns: int) -> str:
    """Go's time.Duration String(): ``1h2m3.5s``, ``1.5ms``, ``0s``."""
    if ns == 0:
        return "0s"
    sign, u = ("-" if ns < 0 else ""), abs(ns)
    if u < 1000:
        return f"{sign}{u}ns"
    if u < 10**6:
        return f"{sign}{_fraction(u, 3)}µs"
    if u < 10**9:
        return f"{sign}{_fraction(u, 6)}ms"
    hours, rest = divmod(u, 3600 * 10**9)
    minutes, rest = divmod(rest, 60 * 10**9)
    text = _fraction(rest, 9) + "s"
    if hours:
        return f"{sign}{hours}h{minutes}m{text}"
    return f"{sign}{minutes}m{text}" if minutes else sign + text


def _duration(data: bytes) -> Any:
    return go_duration(_signed(_ints(_fields(data).get(1, [0]))[-1]))


def _quantity(data: bytes) -> Any:
    text = _fields(data).get(1, [b""])[-1]
    return _scalar("string", text) or "0"


def _int_or_string(data: bytes) -> Any:
    wire = _fields(data)
    if _ints(wire.get(1, [0]))[-1] == 1:
        return _scalar("string", wire.get(3, [b""])[-1])
    return _signed(_ints(wire.get(2, [0]))[-1])


def _raw_json(data: bytes) -> Any:
    """RawExtension / FieldsV1: their bytes are the JSON itself (null when empty)."""
    raw = _fields(data).get(1, [b""])[-1]
    if not isinstance(raw, bytes) or not raw:
        return _ABSENT
    try:
        return json.loads(raw)
    except ValueError as e:
        raise _Malformed(f"embedded JSON is invalid: {e}") from None


# option kinds apimachinery registers in every group version (a DELETE's DeleteOptions body)
_OPTIONS = frozenset({"DeleteOptions", "CreateOptions", "UpdateOptions", "PatchOptions", "GetOptions"})

# messages whose Go types marshal their own JSON
_CUSTOM: dict[str, Callable[[bytes], Any]] = {
    "apis.meta.v1.Time": _time,
    "apis.meta.v1.MicroTime": lambda data: _time(data, micro=True),
    "apis.meta.v1.Duration": _duration,
    "apis.meta.v1.FieldsV1": _raw_json,
    "runtime.RawExtension": _raw_json,
    "api.resource.Quantity": _quantity,
    "api.resource.QuantityValue": _quantity,
    "util.intstr.IntOrString": _int_or_string,
}


def _value(kind: str, value: Wire) -> Any:
    if kind in _ZERO:
        return _scalar(kind, value)
    if not isinstance(value, bytes):
        raise _Malformed(f"{kind} is not length-delimited")
    return decode_message(kind, value)


def _map(kind: str, entries: list[Wire]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for entry in entries:
        if not isinstance(entry, bytes):
            raise _Malformed("a map entry is not length-delimited")
        wire = _fields(entry)
        key = _scalar("string", wire.get(1, [b""])[-1])
        item = wire.get(2)
        if item is None:
            out[key] = _ZERO[kind] if kind in _ZERO else decode_message(kind, b"")
        else:
            out[key] = _value(kind, item[-1])
    return out


def _field(kind: str, flags: int, values: list[Wire] | None) -> Any:
    """One field's JSON value, or _ABSENT where Go's encoding/json leaves it out."""
    map_of = kind[4:] if kind.startswith("map:") else None
    if map_of is not None or flags & _REPEATED:
        if not values:
            return _ABSENT  # a nil slice or map: omitted or null
        if map_of is not None:
            return _map(map_of, values)
        if kind in ("int", "uint", "bool"):
            return [_scalar(kind, v) for v in _ints(values)]
        return [_value(kind, v) for v in values]
    if values:
        got = _value(kind, values[-1])
        if flags & _OMITEMPTY and not flags & _POINTER and kind in _ZERO and got == _ZERO[kind]:
            return _ABSENT
        return got
    if flags & _POINTER or kind == "bytes":
        return _ABSENT  # nil: omitted or null
    if kind in _ZERO:
        return _ABSENT if flags & _OMITEMPTY else _ZERO[kind]
    return decode_message(kind, b"")  # a struct value is always marshalled, if only as {}


def decode_message(name: str, data: bytes) -> Any:
    """One message as the JSON its Go type marshals to."""
    custom = _CUSTOM.get(name)
    if custom is not None:
        return custom(data)
    spec = MESSAGES.get(name)
    if spec is None:
        raise _Malformed(f"no description of message {name}")
    wire = _fields(data)
    if name in LISTS:
        return [_value(spec[0][2], v) for v in wire.get(1, [])]
    out: dict[str, Any] = {}
    for number, field, kind, flags in spec:
        value = _field(kind, flags, wire.get(number))
        if value is _ABSENT:
            continue
        if flags & _INLINE and isinstance(value, dict):
            out.update(value)
        else:
            out[field] = value
    return out


def decode(body: bytes) -> dict[str, Any]:
    """A protobuf request body as the JSON object it encodes (400 when malformed, 415 for a kind
    with no protobuf codec)."""
    if not body.startswith(_MAGIC):
        raise _malformed("missing the k8s protobuf prefix")
    try:
        envelope = _fields(body[len(_MAGIC) :])
        meta = _fields(_bytes(envelope.get(1)))
        api_version = _scalar("string", _bytes(meta.get(1)))
        kind = _scalar("string", _bytes(meta.get(2)))
        message = KINDS.get((api_version, kind))
        if message is None and kind in _OPTIONS:
            message = f"apis.meta.v1.{kind}"
        if message is None:
            raise _unsupported(api_version, kind)
        obj = decode_message(message, _bytes(envelope.get(2)))
    except _Malformed as e:
        raise _malformed(str(e)) from None
    except RecursionError:
        raise _malformed("messages nest too deeply") from None
    return {"apiVersion": api_version, "kind": kind, **obj}


def _bytes(values: list[Wire] | None) -> bytes:
    value = values[-1] if values else b""
    if not isinstance(value, bytes):
        raise _Malformed("a message field is not length-delimited")
    return value
