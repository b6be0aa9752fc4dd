"""``sigs.k8s.io/yaml.Marshal`` (Helm's ``toYaml``) and go-yaml v3's encoder (``toYamlPretty``).

``Marshal`` goes through JSON first, so only JSON types reach the YAML encoder: strings,
bools, nulls, numbers re-typed by go-yaml's resolver (ints stay ints, the rest float64),
lists and string-keyed maps, which go-yaml orders with its "natural" key sort.
"""

from __future__ import annotations

import base64
import functools
import io
import math
import re
from collections.abc import Iterator
from typing import Any

from yaml import events as ev

from kts.codec import json as gojson
from kts.codec import stackless
from kts.codec.gofloat import format_g, format_json
from kts.codec.json import MAX_DEPTH
from kts.codec.stackless import Step
from kts.codec.yaml import YAMLError
from kts.codec.yaml_block import write_block
from kts.codec.yaml_emit import DOUBLE, LITERAL, PLAIN, Emitter, Mapping, Scalar
from kts.codec.yaml_load import GoYAMLError, decode_first_document
from kts.codec.yaml_resolve import STR, is_base60_float, resolve
from kts.gotemplate.gotypes import GoError, GoInt, GoObject, wrap_int

# ---------------------------------------------------------------------------------------------
# Key order (go-yaml sorter.go)


def _is_letter(ch: str) -> bool:
    return ch.isalpha()


def _is_digit(ch: str) -> bool:
    return ch.isdecimal()


def natural_less(a: str, b: str, v3: bool = False) -> bool:
    """go-yaml's keyList.Less for two string keys (v3 keeps letters after a digit run first)."""
    n = min(len(a), len(b))
    digits = False
    for i in range(n):
        ca, cb = a[i], b[i]
        if ca == cb:
            digits = _is_digit(ca)
            continue
        al, bl = _is_letter(ca), _is_letter(cb)
        if al and bl:
            return ca < cb
        if al or bl:
            return al if v3 and digits else bl
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and _is_digit(a[j]):
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and _is_digit(a[ai]):
            an = wrap_int(an * 10 + ord(a[ai]) - 48)
            ai += 1
        bi = i
        while bi < len(b) and _is_digit(b[bi]):
            bn = wrap_int(bn * 10 + ord(b[bi]) - 48)
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


def _cmp(a: str, b: str) -> int:
    if natural_less(a, b):
        return -1
    if natural_less(b, a):
        return 1
    return 0


natural_key = functools.cmp_to_key(_cmp)


def _cmp3(a: str, b: str) -> int:
    if natural_less(a, b, True):
        return -1
    if natural_less(b, a, True):
        return 1
    return 0


natural_key_v3 = functools.cmp_to_key(_cmp3)


# ---------------------------------------------------------------------------------------------
# sigs.k8s.io/yaml.Marshal: json.Marshal, go-yaml v2 Unmarshal of that JSON, go-yaml v2 Marshal


class _Indirect(Exception):
    """The value needs the literal JSON route (structs, NaN, odd characters, Go's limits)."""


# Characters json.Marshal rewrites (invalid UTF-8) or leaves raw for go-yaml's reader to refuse
# (DEL, C1 controls) or fold (NEL): strings holding one take the literal route.
_ODD_TEXT = re.compile("[\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Characters whose single-quoted or BOM handling differs between libyaml and go-yaml's port.
_C_UNSAFE = re.compile("[\r\x85\u2028\u2029\ufeff]")
_SPECIAL = re.compile("[\r\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


def _string_scalar(s: str) -> Scalar:
    if "\n" in s:
        return Scalar(s, LITERAL)
    can_plain = resolve("", s)[0] == STR and not is_base60_float(s)
    return Scalar(s, PLAIN if can_plain else DOUBLE)


def _number_scalar(text: str) -> Scalar:
    """A JSON number as go-yaml reads it back (ints stay ints, others float64) and writes it."""
    _, value = resolve("", text)
    if isinstance(value, float):
        return Scalar(_float_text(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return Scalar(str(value))
    return _string_scalar(text)


def _float_text(f: float) -> str:
    s = format_g(f)
    return {"+Inf": ".inf", "-Inf": "-.inf", "NaN": ".nan"}.get(s, s)


_NULL, _TRUE, _FALSE = Scalar("null"), Scalar("true"), Scalar("false")
_SCALARS: dict[str, Scalar] = {}  # strings repeat (keys above all); their scalar depends on the text only
_SCALARS_MAX = 8192


class _Tree:
    """The node tree go-yaml v2's encoder walks, built without recursion."""

    def __init__(self, *, decoded: bool) -> None:
        self.decoded = decoded  # values come from go-yaml's decoder (the literal route)
        self.c_safe = True

    def build(self, value: Any) -> Any:
        root: list[Any] = []
        stack: list[tuple[Iterator[Any], Any, Any]] = [(iter((value,)), root, None)]
        while stack:
            items, out, keys = stack[-1]
            for v in items:
                if isinstance(v, dict) and not getattr(v, "go_nil", False):
                    if len(stack) > MAX_DEPTH:
                        raise _Indirect
                    names = self.keys(v)
                    node: Any = Mapping()
                    ordered = _sorted_keys(names)
                    stack.append((iter([v[names[k]] for k in ordered]), node, ordered))
                elif isinstance(v, (list, tuple)) and not getattr(v, "go_nil", False):
                    if len(stack) > MAX_DEPTH:
                        raise _Indirect
                    node = []
                    stack.append((iter(v), node, None))
                else:
                    self.add(out, keys, self.scalar(v))
                    continue
                self.add(out, keys, node)
                break
            else:
                stack.pop()
        return root[0]

    def add(self, out: Any, keys: Any, node: Any) -> None:
        if keys is None:
            out.append(node)
        else:
            out.append((self.text(keys[len(out)]), node))

    def keys(self, v: dict[Any, Any]) -> dict[str, Any]:
        """The map's keys as JSON writes them, each to the key it stands for."""
        if self.decoded:
            return {k.value: k for k in v}
        if not all(type(k) is str for k in v):
            raise _Indirect
        return {k: k for k in v}

    def text(self, s: str) -> Scalar:
        hit = _SCALARS.get(s)
        if hit is not None:
            return hit
        if _SPECIAL.search(s) is None:
            hit = _string_scalar(s)
            if len(_SCALARS) >= _SCALARS_MAX:
                _SCALARS.clear()
            _SCALARS[s] = hit  # only strings free of special characters are cached
            return hit
        if not self.decoded and _ODD_TEXT.search(s):
            raise _Indirect
        if _C_UNSAFE.search(s):
            self.c_safe = False
        return _string_scalar(s)

    def scalar(self, v: Any) -> Scalar:
        if isinstance(v, str):
            return self.text(v)
        if v is None or getattr(v, "go_nil", False):
            return _NULL
        if v is True:
            return _TRUE
        if v is False:
            return _FALSE
        if isinstance(v, GoInt) or type(v) is int:
            return Scalar(str(int(v)))
        if type(v) is float:
            if self.decoded:
                return Scalar(_float_text(v))
            if math.isnan(v) or math.isinf(v):
                raise _Indirect
            return _number_scalar(format_json(v))
        raise _Indirect


def _sorted_keys(names: dict[str, Any]) -> list[str]:
    if len(names) < 2:
        return list(names)
    if any(_DIGIT.search(k) for k in names):
        return sorted(names, key=natural_key)
    return sorted(names, key=_letter_key)


_DIGIT = re.compile(r"\d")


class _LetterRank(dict[int, str]):
    """go-yaml's order for keys without digits: rune by rune, any non-letter before any letter."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        rank = ("1" if _is_letter(ch) else "0") + ch
        self[code] = rank
        return rank


_LETTER_RANK = _LetterRank()


def _letter_key(s: str) -> str:
    return s.translate(_LETTER_RANK)


def _tree_v2(value: Any) -> tuple[Any, bool]:
    """The tree of ``value``, straight from the Go value when that gives the JSON trip's result,
    else from go-yaml decoding json.Marshal's text; and whether libyaml may emit it."""
    tree = _Tree(decoded=False)
    try:
        return tree.build(value), tree.c_safe
    except _Indirect:
        pass
    try:
        text = gojson.marshal(value)
    except GoError as exc:
        raise YAMLError(f"error marshaling into JSON: {exc}") from None
    try:
        decoded = decode_first_document(text)
    except GoYAMLError as exc:  # JSONToYAML returns go-yaml's error as it is
        raise YAMLError(str(exc), exc.line) from None
    tree = _Tree(decoded=True)
    return tree.build(decoded), tree.c_safe


def marshal(value: Any) -> str:
    """``sigs.k8s.io/yaml.Marshal(value)`` with its trailing newline; raises YAMLError."""
    text = write_block(value, _string_scalar, _sorted_keys)
    if text is not None:
        return text
    tree, c_safe = _tree_v2(value)
    if c_safe and _CEmitter is not None:
        return _emit_libyaml(tree)
    return Emitter().document(tree)


def to_yaml(value: Any) -> str:
    """Helm's ``toYaml``/``mustToYaml`` text: ``Marshal`` without the final newline."""
    out = marshal(value)
    return out[:-1] if out.endswith("\n") else out


# ---------------------------------------------------------------------------------------------
# libyaml's emitter: go-yaml's emitterc.go is a port of it, so for block documents free of the
# few characters whose handling changed since (``_C_UNSAFE``) it writes the same bytes, in C.

try:
    from yaml._yaml import CEmitter as _CEmitter
except ImportError:  # PyYAML built without libyaml
    _CEmitter = None

_STYLES = {PLAIN: None, DOUBLE: '"', LITERAL: "|"}
_STREAM_START = ev.StreamStartEvent()
_DOC_START = ev.DocumentStartEvent(explicit=False)
_DOC_END = ev.DocumentEndEvent(explicit=False)
_STREAM_END = ev.StreamEndEvent()
_MAP_END = ev.MappingEndEvent()
_SEQ_END = ev.SequenceEndEvent()
_IMPLICIT = (True, True)


def _emit_libyaml(tree: Any) -> str:
    out = io.StringIO()
    emitter = _CEmitter(out, canonical=False, indent=2, width=80, allow_unicode=True, line_break=None,
                        encoding=None, explicit_start=False, explicit_end=False, version=None, tags=None)
    emit = emitter.emit
    scalar_event = ev.ScalarEvent
    emit(_STREAM_START)
    emit(_DOC_START)
    stack: list[Iterator[Any]] = [iter((tree,))]
    ends: list[Any] = []
    while stack:
        for node in stack[-1]:
            cls = type(node)
            if cls is Scalar:
                emit(scalar_event(None, None, _IMPLICIT, node.value, style=_STYLES[node.style]))
            elif cls is tuple:
                stack.append(iter(node))
                ends.append(None)
                break
            elif cls is Mapping:
                emit(ev.MappingStartEvent(None, None, True, flow_style=not node))
                stack.append(iter(node))
                ends.append(_MAP_END)
                break
            else:
                emit(ev.SequenceStartEvent(None, None, True, flow_style=not node))
                stack.append(iter(node))
                ends.append(_SEQ_END)
                break
        else:
            stack.pop()
            if ends:
                end = ends.pop()
                if end is not None:
                    emit(end)
    emit(_DOC_END)
    emit(_STREAM_END)
    text = out.getvalue()
    # libyaml marks a document that ends in a kept-newline block scalar with "..."; go-yaml not.
    return text[:-4] if text.endswith("\n...\n") else text


# ---------------------------------------------------------------------------------------------
# go-yaml v3 encoder over Go values (toYamlPretty: no JSON trip, indent 2, no folding)


def _v3_string(s: str) -> Scalar:
    if not _valid_utf8(s):
        return Scalar(base64.b64encode(s.encode("utf-8", "surrogateescape")).decode(), tag="!!binary")
    tag, _ = resolve("", s)
    quote = tag != STR or is_base60_float(s) or _v3_old_bool_or_special(s)
    if "\n" in s:
        # v3 uses literal style for multi-line text unless the emitter refuses it.
        return Scalar(s, LITERAL)
    return Scalar(s, DOUBLE if quote else PLAIN)


def _v3_old_bool_or_special(s: str) -> bool:
    return s in {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON",
                 "off", "Off", "OFF"}


def _valid_utf8(s: str) -> bool:
    return not any(0xD800 <= ord(c) <= 0xDFFF for c in s)


def _v3_float(f: float) -> str:
    if math.isnan(f):
        return ".nan"
    if math.isinf(f):
        return ".inf" if f > 0 else "-.inf"
    s = format_g(f)
    return s


def _tree_v3(value: Any) -> Any:
    return stackless.run(_tree_v3_step, value)


def _tree_v3_step(value: Any) -> Step[Any]:
    if isinstance(value, (list, tuple)):
        items: list[Any] = []
        for v in value:
            items.append((yield v))
        return items
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: natural_key_v3(str(k)))
        pairs = Mapping()
        for k in keys:
            key = _v3_string(k) if isinstance(k, str) else _v3_leaf(k)
            pairs.append((key, (yield value[k])))
        return pairs
    if isinstance(value, GoObject):
        fields = Mapping()
        for name in value.go_fields:
            fields.append((_v3_string(name.lower()), (yield getattr(value, name, None))))
        return fields
    return _v3_leaf(value)


def _v3_leaf(value: Any) -> Any:
    if value is None:
        return Scalar("null")
    if value is True or value is False:
        return Scalar("true" if value else "false")
    if isinstance(value, GoInt) or type(value) is int:
        return Scalar(str(int(value)))
    if isinstance(value, float):
        return Scalar(_v3_float(value))
    if isinstance(value, str):
        return _v3_string(value)
    if isinstance(value, (bytes, bytearray)):
        return [Scalar(str(b)) for b in value]
    raise YAMLError(f"cannot marshal type: {type(value).__name__}")


def to_yaml_pretty(value: Any) -> str:
    """Helm's ``toYamlPretty``: go-yaml v3 Encoder with indent 2, trailing newline trimmed."""
    out = Emitter(best_indent=2, best_width=-1, v3=True).document(_tree_v3(value))
    return out[:-1] if out.endswith("\n") else out


__all__ = ["marshal", "natural_key", "natural_less", "to_yaml", "to_yaml_pretty"]
