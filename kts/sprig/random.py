"""Sprig's random functions: crypto-random strings and bytes, UUIDs, rune shuffling."""

from __future__ import annotations

import base64
import secrets
import string
import uuid

from kts.gotemplate.gotypes import FuncMap, GoPanic, gofunc
from kts.gotemplate.limits import check_string

_ALPHA = string.ascii_letters
_NUMERIC = string.digits
_ASCII = "".join(chr(c) for c in range(32, 127))


def _random(count: int, alphabet: str) -> str:
    # goutils returns an error for a negative count, which Sprig discards: the result is "".
    if count <= 0:
        return ""
    check_string(count)
    return "".join(secrets.choice(alphabet) for _ in range(count))


@gofunc("int", result="string")
def randAlphaNum(count: int) -> str:
    return _random(count, _ALPHA + _NUMERIC)


@gofunc("int", result="string")
def randAlpha(count: int) -> str:
    return _random(count, _ALPHA)


@gofunc("int", result="string")
def randNumeric(count: int) -> str:
    return _random(count, _NUMERIC)


@gofunc("int", result="string")
def randAscii(count: int) -> str:
    return _random(count, _ASCII)


@gofunc("int", result="string", error=True)
def randBytes(count: int) -> str:
    if count < 0:
        raise GoPanic("runtime error: makeslice: len out of range")
    check_string(count * 4 // 3)
    return base64.b64encode(secrets.token_bytes(count)).decode("ascii")


@gofunc(result="string")
def uuidv4() -> str:
    return str(uuid.uuid4())


@gofunc("string", result="string")
def shuffle(s: str) -> str:
    runes = list(s)
    secrets.SystemRandom().shuffle(runes)
    return "".join(runes)


FUNCS: FuncMap = {
    "randAlphaNum": randAlphaNum,
    "randAlpha": randAlpha,
    "randNumeric": randNumeric,
    "randAscii": randAscii,
    "randBytes": randBytes,
    "uuidv4": uuidv4,
    "shuffle": shuffle,
}
