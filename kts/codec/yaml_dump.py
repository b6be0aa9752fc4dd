"""``sigs.k8s.io/yaml.Marshal`` (Helm's ``toYaml``) and go-yaml v3's encoder (``toYamlPretty``).

``Marshal`` goes through JSON first, so only JSON types reach the YAML encoder: strings,
bools, nulls, numbers re-typed by go-yaml's resolver (ints stay ints, the rest float64),
lists and string-keyed maps, which go-yaml orders with its "natural" key sort.
"""

from __future__ import annotations

import base64
import functools
import math
import re
from typing import Any

from kts.codec import json as gojson
from kts.codec.gofloat import format_g
from kts.codec.yaml import YAMLError
from kts.codec.yaml_emit import DOUBLE, LITERAL, PLAIN, Emitter, Mapping, Scalar
from kts.codec.yaml_resolve import STR, is_base60_float, resolve
from kts.gotemplate.gotypes import GoError, GoInt, GoObject, wrap_int


class _Number(str):
    """A JSON number kept as its text until go-yaml re-types it."""


class _TextNumberParser(gojson._Parser):
    def number(self) -> Any:  # type: ignore[override]
        start = self.i
        super().number()
        return _Number(self.s[start:self.i])


_READER_REJECTS = re.compile("[\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]")


def _check_readable(value: Any) -> None:
    """go-yaml's reader refuses some characters JSON leaves raw (DEL, C1 controls)."""
    texts: list[str] = []
    if isinstance(value, str):
        texts.append(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            texts.append(k)
            _check_readable(v)
    elif isinstance(value, list):
        for v in value:
            _check_readable(v)
    for t in texts:
        if _READER_REJECTS.search(t):
            raise YAMLError("error converting JSON to YAML: yaml: control characters are not allowed")


def _fold_nel(s: str) -> str:
    """What go-yaml's double-quoted scanner makes of a raw NEL (U+0085) JSON left unescaped:
    a line break, folded like any other (one break is a space; spaces around it vanish)."""
    parts = s.split("\x85")
    out = parts[0].rstrip(" ")
    i = 1
    while i < len(parts):
        breaks = 1
        seg = parts[i].lstrip(" ")
        while seg == "" and i + 1 < len(parts):
            breaks += 1
            i += 1
            seg = parts[i].lstrip(" ")
        out += " " if breaks == 1 else "\n" * (breaks - 1)
        out += seg if i == len(parts) - 1 else seg.rstrip(" ")
        i += 1
    return out


def _normalize(value: Any) -> Any:
    if isinstance(value, _Number):
        return value
    if isinstance(value, str):
        return _fold_nel(value) if "\x85" in value else value
    if isinstance(value, list):
        return [_normalize(v) for v in value]
    if isinstance(value, dict):
        if any("\x85" in k for k in value):
            # The key would span two lines, which a flow-mapping key may not.
            raise YAMLError("error converting JSON to YAML: yaml: line 1: could not find expected ':'")
        return {k: _normalize(v) for k, v in value.items()}
    return value


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
# go-yaml v2 encoder over JSON-decoded values


def _string_scalar(s: str) -> Scalar:
    can_plain = resolve("", s)[0] == STR and not is_base60_float(s)
    if "\n" in s:
        return Scalar(s, LITERAL)
    return Scalar(s, PLAIN if can_plain else DOUBLE)


def _number_scalar(text: str) -> Scalar:
    _, value = resolve("", text)
    if isinstance(value, float):
        s = format_g(value)
        s = {"+Inf": ".inf", "-Inf": "-.inf", "NaN": ".nan"}.get(s, s)
        return Scalar(s)
    if isinstance(value, int) and not isinstance(value, bool):
        return Scalar(str(value))
    return _string_scalar(text)


def _tree_v2(value: Any) -> Any:
    if isinstance(value, _Number):
        return _number_scalar(value)
    if value is None:
        return Scalar("null")
    if value is True or value is False:
        return Scalar("true" if value else "false")
    if isinstance(value, str):
        return _string_scalar(value)
    if isinstance(value, list):
        return [_tree_v2(v) for v in value]
    keys = sorted(value, key=natural_key)
    return Mapping((_string_scalar(k), _tree_v2(value[k])) for k in keys)


def marshal(value: Any) -> str:
    """``sigs.k8s.io/yaml.Marshal(value)`` with its trailing newline; raises YAMLError."""
    try:
        text = gojson.marshal(value)
    except GoError as exc:
        raise YAMLError(f"error marshaling into JSON: {exc}") from None
    tree = _TextNumberParser(text).document()
    _check_readable(tree)
    return Emitter().document(_tree_v2(_normalize(tree)))


def to_yaml(value: Any) -> str:
    """Helm's ``toYaml``/``mustToYaml`` text: ``Marshal`` without the final newline."""
    out = marshal(value)
    return out[:-1] if out.endswith("\n") else out


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
    if isinstance(value, (list, tuple)):
        return [_tree_v3(v) for v in value]
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: natural_key_v3(str(k)))
        return Mapping((_tree_v3(k) if not isinstance(k, str) else _v3_string(k), _tree_v3(value[k]))
                       for k in keys)
    if isinstance(value, GoObject):
        fields = [(name, getattr(value, name, None)) for name in value.go_fields]
        return Mapping((_v3_string(name.lower()), _tree_v3(v)) for name, v in fields)
    raise YAMLError(f"cannot marshal type: {type(value).__name__}")


def to_yaml_pretty(value: Any) -> str:
    """Helm's ``toYamlPretty``: go-yaml v3 Encoder with indent 2, trailing newline trimmed."""
    out = Emitter(best_indent=2, best_width=-1, v3=True).document(_tree_v3(value))
    return out[:-1] if out.endswith("\n") else out


__all__ = ["marshal", "natural_key", "natural_less", "to_yaml", "to_yaml_pretty"]
