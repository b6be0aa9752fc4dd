"""The common case of ``sigs.k8s.io/yaml.Unmarshal`` in one pass over libyaml's C events.

Most chart YAML (values files, Chart.yaml) has string keys, untagged scalars and no anchors.
For such a document the general route (events -> nodes -> go-yaml values with typed keys ->
JSON-able values -> NaN/Inf check) gives the same result as building the JSON-able value
straight from the events, which is several times faster. Anything outside that case (tags,
anchors, aliases, merge keys, non-string keys, NaN/Inf, deep nesting, any error) makes this
module decline, and the caller takes the general route, which owns every error message.
"""

from __future__ import annotations

import math
from typing import Any

from yaml import events as ev

from kts.codec.yaml_load import _CParser, _fast_path_ok, _reader_check
from kts.codec.yaml_resolve import _resolve

DECLINED: Any = object()  # returned when the general route must decode the text

_MAX_DEPTH = 200  # deeper documents go the general route, which reports go-yaml's limit
_SCALAR = ev.ScalarEvent
_SEQ_START = ev.SequenceStartEvent
_SEQ_END = ev.SequenceEndEvent
_MAP_START = ev.MappingStartEvent
_MAP_END = ev.MappingEndEvent
_STREAM_END = ev.StreamEndEvent

# Plain scalars repeat a lot across values files; their decoded value depends on the text only.
_PLAIN_CACHE: dict[str, Any] = {}
_PLAIN_CACHE_MAX = 4096


class _Decline(Exception):
    pass


def _plain(text: str) -> Any:
    """A plain scalar's JSON-able value: go-yaml's implicit typing, ints as float64."""
    hit = _PLAIN_CACHE.get(text, _Decline)
    if hit is not _Decline:
        return hit
    if text == "<<":
        raise _Decline  # a merge key, or a value spelled like one
    tag, value = _resolve("", text)
    if tag.endswith(":timestamp"):
        value = text
    elif type(value) is int:
        value = float(value)
    elif type(value) is float and (math.isnan(value) or math.isinf(value)):
        raise _Decline
    if len(_PLAIN_CACHE) >= _PLAIN_CACHE_MAX:
        _PLAIN_CACHE.clear()
    _PLAIN_CACHE[text] = value
    return value


def _scalar(event: Any) -> Any:
    if event.anchor is not None or event.tag is not None:
        raise _Decline
    if event.implicit[0]:
        return _plain(event.value)
    value = event.value
    if event.style == '"' and not value.isascii():
        raise _Decline  # escapes of surrogates are go-yaml errors
    return value


def _value(event: Any, get: Any, depth: int) -> Any:
    cls = type(event)
    if cls is _SCALAR:
        return _scalar(event)
    if depth > _MAX_DEPTH or event.anchor is not None or event.tag is not None:
        raise _Decline
    if cls is _MAP_START:
        out: dict[str, Any] = {}
        while True:
            key = get()
            if type(key) is _MAP_END:
                return out
            if type(key) is not _SCALAR:
                raise _Decline
            name = _scalar(key)
            if type(name) is not str:
                raise _Decline  # non-string keys: go-yaml typed keys, JSON key conversion
            item = get()
            out[name] = _scalar(item) if type(item) is _SCALAR else _value(item, get, depth + 1)
    if cls is _SEQ_START:
        seq: list[Any] = []
        while True:
            item = get()
            t = type(item)
            if t is _SEQ_END:
                return seq
            seq.append(_scalar(item) if t is _SCALAR else _value(item, get, depth + 1))
    raise _Decline  # an alias


def unmarshal_simple(text: str) -> Any:
    """The JSON-able value of the first document, or ``DECLINED``."""
    if _CParser is None or not _fast_path_ok(text):
        return DECLINED
    try:
        _reader_check(text)
        get = _CParser(text).get_event
        get()  # stream start
        event = get()
        if type(event) is _STREAM_END:
            return None
        value = _value(get(), get, 0)  # after the document start
        get()  # document end
        return value
    except Exception:
        return DECLINED
