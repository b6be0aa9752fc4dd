"""Sprig random functions: checked by their properties on kts and on Helm alike."""

from __future__ import annotations

import base64
import re
import string

from kts.sprig import random as sprig_random
from tests.sprig.sprig_oracle import compare, helm_eval

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
ALPHABETS = {"randAlphaNum": string.ascii_letters + string.digits, "randAlpha": string.ascii_letters,
             "randNumeric": string.digits, "randAscii": "".join(map(chr, range(32, 127)))}


def _check_outputs(outputs: list[str]) -> None:
    it = iter(outputs)
    for name, alphabet in ALPHABETS.items():
        for n in (0, 1, 40):
            out = next(it)
            assert len(out) == n and set(out) <= set(alphabet), (name, out)
        assert next(it) == ""  # negative count
    assert UUID.fullmatch(next(it))
    assert len(base64.b64decode(next(it))) == 24
    assert sorted(next(it)) == sorted("héllo wörld")


def _exprs() -> list[str]:
    out = []
    for name in ALPHABETS:
        out += [f"{name} 0", f"{name} 1", f"{name} 40", f"{name} -3"]
    return [*out, "uuidv4", "randBytes 24", 'shuffle "héllo wörld"']


def _ours() -> list[str]:
    ev = []
    for name in ALPHABETS:
        fn = sprig_random.FUNCS[name].fn
        ev += [fn(0), fn(1), fn(40), fn(-3)]
    shuffled = sprig_random.shuffle.fn("héllo wörld")
    return [*ev, sprig_random.uuidv4.fn(), sprig_random.randBytes.fn(24), shuffled]


def test_random_properties_hold_for_kts_and_helm(tmp_path):
    _check_outputs(helm_eval(tmp_path, _exprs()))
    _check_outputs(_ours())


def test_random_values_differ_between_calls():
    assert sprig_random.randAlphaNum.fn(32) != sprig_random.randAlphaNum.fn(32)
    assert sprig_random.uuidv4.fn() != sprig_random.uuidv4.fn()


def test_rand_bytes_negative_fails_like_helm(tmp_path):
    assert compare(tmp_path, dict(sprig_random.FUNCS), ["randBytes -1", "randBytes 0"]) == []
