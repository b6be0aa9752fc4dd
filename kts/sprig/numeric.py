"""Sprig's math: int64 arithmetic with Go wraparound, decimal float arithmetic, ranges.

``addf``/``mulf``... go through shopspring/decimal (exact decimal of each operand's
shortest representation, division rounded half away from zero to 16 places), which is
why ``mulf 2 3.1`` is 6.2 and not 6.200000000000001.
"""

from __future__ import annotations

import math
import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kts.gotemplate.gotypes import FuncMap, GoPanic, GoSlice, Int64, gofunc, wrap_int
from kts.gotemplate.limits import check_list
from kts.sprig.conversion import to_float64, to_int64

_DIVIDE_BY_ZERO = "runtime error: integer divide by zero"


def _i64(v: int) -> Int64:
    return Int64(wrap_int(v))


def _go_div(a: int, b: int) -> int:
    if b == 0:
        raise GoPanic(_DIVIDE_BY_ZERO)
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


# ---------------------------------------------------------------------------
# Integer math (every operand through cast.ToInt64)


@gofunc(variadic="interface {}", result="int64")
def add(*values: Any) -> Int64:
    return _i64(sum(to_int64(v) for v in values))


@gofunc("interface {}", result="int64")
def add1(i: Any) -> Int64:
    return _i64(to_int64(i) + 1)


@gofunc("interface {}", "interface {}", result="int64")
def sub(a: Any, b: Any) -> Int64:
    return _i64(to_int64(a) - to_int64(b))


@gofunc("interface {}", "interface {}", result="int64")
def div(a: Any, b: Any) -> Int64:
    return _i64(_go_div(to_int64(a), to_int64(b)))


@gofunc("interface {}", "interface {}", result="int64")
def mod(a: Any, b: Any) -> Int64:
    x, y = to_int64(a), to_int64(b)
    return _i64(x - _go_div(x, y) * y)


@gofunc("interface {}", variadic="interface {}", result="int64")
def mul(a: Any, *values: Any) -> Int64:
    val = to_int64(a)
    for v in values:
        val = wrap_int(val * to_int64(v))
    return _i64(val)


@gofunc("interface {}", variadic="interface {}", result="int64")
def max_(a: Any, *values: Any) -> Int64:
    return _i64(max([to_int64(a), *(to_int64(v) for v in values)]))


@gofunc("interface {}", variadic="interface {}", result="int64")
def min_(a: Any, *values: Any) -> Int64:
    return _i64(min([to_int64(a), *(to_int64(v) for v in values)]))


# ---------------------------------------------------------------------------
# Float math through decimals


def _decimal(v: Any) -> Fraction:
    """``decimal.NewFromFloat(cast.ToFloat64(v))`` as an exact fraction."""
    f = to_float64(v)
    if math.isnan(f) or math.isinf(f):
        text = "NaN" if math.isnan(f) else ("+Inf" if f > 0 else "-Inf")
        raise GoPanic(f"Cannot create a Decimal from {text}")
    return Fraction(Decimal(repr(f)))


def _div_round(a: Fraction, b: Fraction, places: int = 16) -> Fraction:
    """decimal ``DivRound``: the quotient rounded half away from zero to ``places`` digits."""
    if b == 0:
        raise GoPanic("decimal division by 0")
    scaled = a / b * 10**places
    t = math.trunc(scaled)
    if abs(scaled - t) * 2 >= 1:
        t += 1 if scaled > 0 else -1
    return Fraction(t, 10**places)


def _decimal_op(a: Any, rest: tuple[Any, ...], op: str) -> float:
    acc = _decimal(a)
    for v in rest:
        d = _decimal(v)
        if op == "+":
            acc += d
        elif op == "-":
            acc -= d
        elif op == "*":
            acc *= d
        else:
            acc = _div_round(acc, d)
    try:
        return float(acc)
    except OverflowError:
        return math.inf if acc > 0 else -math.inf


@gofunc(variadic="interface {}", result="float64")
def addf(*values: Any) -> float:
    return _decimal_op(0.0, values, "+")


@gofunc("interface {}", result="float64")
def add1f(i: Any) -> float:
    return _decimal_op(i, (1,), "+")


@gofunc("interface {}", variadic="interface {}", result="float64")
def subf(a: Any, *values: Any) -> float:
    return _decimal_op(a, values, "-")


@gofunc("interface {}", variadic="interface {}", result="float64")
def mulf(a: Any, *values: Any) -> float:
    return _decimal_op(a, values, "*")


@gofunc("interface {}", variadic="interface {}", result="float64")
def divf(a: Any, *values: Any) -> float:
    return _decimal_op(a, values, "/")


def go_max(x: float, y: float) -> float:
    """``math.Max``: +Inf wins, then NaN; +0 beats -0."""
    if (math.isinf(x) and x > 0) or (math.isinf(y) and y > 0):
        return math.inf
    if math.isnan(x) or math.isnan(y):
        return math.nan
    if x == 0 and x == y:
        return y if math.copysign(1, x) < 0 else x
    return x if x > y else y


def go_min(x: float, y: float) -> float:
    """``math.Min``: -Inf wins, then NaN; -0 beats +0."""
    if (math.isinf(x) and x < 0) or (math.isinf(y) and y < 0):
        return -math.inf
    if math.isnan(x) or math.isnan(y):
        return math.nan
    if x == 0 and x == y:
        return x if math.copysign(1, x) < 0 else y
    return x if x < y else y


@gofunc("interface {}", variadic="interface {}", result="float64")
def maxf(a: Any, *values: Any) -> float:
    acc = to_float64(a)
    for v in values:
        acc = go_max(acc, to_float64(v))
    return acc


@gofunc("interface {}", variadic="interface {}", result="float64")
def minf(a: Any, *values: Any) -> float:
    acc = to_float64(a)
    for v in values:
        acc = go_min(acc, to_float64(v))
    return acc


def _floor(x: float) -> float:
    """``math.Floor`` (keeps infinities, NaN and the sign of zero)."""
    if math.isnan(x) or math.isinf(x):
        return x
    return math.copysign(float(math.floor(x)), x)


def _ceil(x: float) -> float:
    """``math.Ceil`` (keeps infinities, NaN and the sign of zero)."""
    if math.isnan(x) or math.isinf(x):
        return x
    return math.copysign(float(math.ceil(x)), x)


@gofunc("interface {}", result="float64")
def floor(a: Any) -> float:
    return _floor(to_float64(a))


@gofunc("interface {}", result="float64")
def ceil(a: Any) -> float:
    return _ceil(to_float64(a))


def go_pow10(n: int) -> float:
    """Go's ``math.Pow(10, n)`` for an integer n (repeated squaring, as Go computes it)."""
    if n == 0:
        return 1.0
    a1, ae = 1.0, 0
    x1, xe = math.frexp(10.0)
    i = abs(n)
    while i != 0:
        if xe < -(1 << 12) or xe > (1 << 12):
            ae += xe
            break
        if i & 1:
            a1 *= x1
            ae += xe
        x1 *= x1
        xe <<= 1
        if x1 < 0.5:
            x1 += x1
            xe -= 1
        i >>= 1
    if n < 0:
        a1 = 1 / a1
        ae = -ae
    try:
        return math.ldexp(a1, ae)
    except OverflowError:
        return math.inf


def _modf_frac(x: float) -> float:
    if math.isinf(x) or math.isnan(x):
        return math.nan
    return math.modf(x)[0]


@gofunc("interface {}", "int", variadic="float64", result="float64")
def round_(a: Any, p: int, *r_opt: float) -> float:
    """Sprig's round: half-up on ``x*10^p`` by the fractional part (so negatives floor)."""
    round_on = r_opt[0] if r_opt else 0.5
    val = to_float64(a)
    pow_ = go_pow10(p)
    digit = pow_ * val
    result = _ceil(digit) if _modf_frac(digit) >= round_on else _floor(digit)
    if pow_ == 0:
        return math.copysign(math.inf, result) if result else math.nan
    return result / pow_


# ---------------------------------------------------------------------------
# Integer sequences


def _until_step(start: int, stop: int, step: int) -> list[int]:
    if stop < start:
        if step >= 0:
            return []
    elif step <= 0:
        return []
    steps = range(start, stop, step)
    check_list(len(steps))  # before the list exists: ``until 100000000`` must not build it
    return list(steps)


def _ints(items: list[int]) -> GoSlice:
    return GoSlice(items, "int")


@gofunc("int", result="[]int")
def until(count: int) -> GoSlice:
    return _ints(_until_step(0, count, -1 if count < 0 else 1))


@gofunc("int", "int", "int", result="[]int")
def untilStep(start: int, stop: int, step: int) -> GoSlice:
    return _ints(_until_step(start, stop, step))


@gofunc(variadic="int", result="string")
def seq(*params: int) -> str:
    if len(params) == 1:
        start, end = 1, params[0]
        inc = -1 if end < start else 1
        items = _until_step(start, end + inc, inc)
    elif len(params) == 2:
        start, end = params
        step = -1 if end < start else 1
        items = _until_step(start, end + step, step)
    elif len(params) == 3:
        start, step, end = params
        inc = 1
        if end < start:
            inc = -1
            if step > 0:
                return ""
        items = _until_step(start, end + inc, step)
    else:
        return ""
    return " ".join(map(str, items))


@gofunc("int", "int", result="int")
def randInt(lo: int, hi: int) -> int:
    if hi - lo <= 0:
        raise GoPanic("invalid argument to Intn")
    return random.randrange(hi - lo) + lo


FUNCS: FuncMap = {
    "add": add,
    "add1": add1,
    "sub": sub,
    "div": div,
    "mod": mod,
    "mul": mul,
    "max": max_,
    "biggest": max_,
    "min": min_,
    "addf": addf,
    "add1f": add1f,
    "subf": subf,
    "mulf": mulf,
    "divf": divf,
    "maxf": maxf,
    "minf": minf,
    "floor": floor,
    "ceil": ceil,
    "round": round_,
    "until": until,
    "untilStep": untilStep,
    "seq": seq,
    "randInt": randInt,
}
