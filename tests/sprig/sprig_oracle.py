"""Helpers for differential tests of Sprig functions against real Helm.

``helm_eval`` renders many template expressions in one chart (falling back to one chart per
expression when one of them fails) and returns each output or Helm's error cause. ``go_print``
and ``go_json`` render a Python Go-value the way a template prints it or ``toJson`` encodes it,
so a direct call of a kts function can be compared with Helm's output.
"""

from __future__ import annotations

import faulthandler
import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kts.gotemplate.gotypes import GoError, GoMap, GoObject
from tests.support.oracle import HelmFailure, helm_render, write_chart

SEP = "\n<<@@>>\n"


class Failed(str):
    """Helm's error text for one expression: the cause after ``error calling NAME: ``."""


def _cause(message: str) -> str:
    m = re.search(r"error calling \w+: (.*)", message, re.S)
    if m:
        return m.group(1).strip()
    return message.strip()


@contextmanager
def go_signals() -> Iterator[None]:
    """Let the Go runtime handle SIGSEGV itself: Go turns nil dereferences into panics, and
    Python's faulthandler (enabled by pytest) would otherwise kill the process first."""
    was = faulthandler.is_enabled()
    faulthandler.disable()
    try:
        yield
    finally:
        if was:
            faulthandler.enable()


def render(chart: Path) -> dict[str, str] | HelmFailure:
    with go_signals():
        return helm_render(chart)


def helm_eval(root: Path, exprs: list[str], values: str = "") -> list[str]:
    """Render ``{{ expr }}`` (or raw template text when it contains ``{{``) for each entry."""
    texts = [e if "{{" in e else "{{ " + e + " }}" for e in exprs]
    chart = write_chart(root / "batch" / "mychart", {"t.yaml": SEP.join(texts)}, values=values)
    out = render(chart)
    if isinstance(out, dict):
        parts = out["mychart/templates/t.yaml"].split(SEP)
        assert len(parts) == len(texts), "separator found in an output"
        return parts
    results: list[str] = []
    for i, text in enumerate(texts):
        chart = write_chart(root / f"one{i}" / "mychart", {"t.yaml": text}, values=values)
        one = render(chart)
        if isinstance(one, HelmFailure):
            results.append(Failed(_cause(one.message)))
        else:
            results.append(one["mychart/templates/t.yaml"])
    return results


def call(fn: Any, *args: Any) -> Any:
    """Call a GoFunc's Python function, turning a Go error into ``Failed``."""
    try:
        return fn.fn(*args)
    except GoError as exc:
        return Failed(str(exc))


def go_float(f: float) -> str:
    """``%v`` of a float64: shortest digits, exponent form when exp < -4 or exp >= 21 (6 for %v)."""
    return _float(f, 6)


def _float(f: float, eprec: int, low: int = -4) -> str:
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "-0" if math.copysign(1, f) < 0 else "0"
    r = repr(f)
    mant, _, exp_s = r.partition("e")
    sign = "-" if mant.startswith("-") else ""
    mant = mant.lstrip("-")
    ip, _, fp = mant.partition(".")
    if fp == "0":
        fp = ""
    digits = (ip + fp).lstrip("0")
    exp = int(exp_s or 0) + len(ip.lstrip("0")) - 1 if ip.strip("0") else int(exp_s or 0) - (
        len(fp) - len(fp.lstrip("0")) + 1)
    digits = digits.rstrip("0") or "0"
    if exp < low or exp >= eprec:
        m = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{m}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp >= 0:
        ip = digits[: exp + 1].ljust(exp + 1, "0")
        fp = digits[exp + 1:]
    else:
        ip = "0"
        fp = "0" * (-exp - 1) + digits
    return sign + ip + ("." + fp if fp else "")


def go_print(v: Any, top: bool = True) -> str:
    """How ``{{ v }}`` prints a value in Helm (nil at top level prints nothing)."""
    if v is None:
        return "" if top else "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        return go_float(v)
    if isinstance(v, str):
        return v
    if isinstance(v, (bytes, bytearray)):
        return "[" + " ".join(str(b) for b in v) + "]"
    if isinstance(v, list):
        return "[" + " ".join(go_print(x, False) for x in v) + "]"
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{go_print(v[k], False)}" for k in sorted(v)) + "]"
    if isinstance(v, GoObject):
        s = v.go_string()
        if s is not None:
            return s
        return "{" + " ".join(go_print(getattr(v, f), False) for f in v.go_fields) + "}"
    raise TypeError(type(v))


def go_json(v: Any) -> str:
    """``toJson`` of a value (Go encoding/json: sorted keys, HTML escaping, Go float text)."""
    if v is None or getattr(v, "go_nil", False):
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        return _float(v, 21, -6).replace("e-0", "e-").replace("e+0", "e+")
    if isinstance(v, str):
        s = json.dumps(v, ensure_ascii=False)
        return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace(
            "\u2028", "\\u2028").replace("\u2029", "\\u2029")
    if isinstance(v, list):
        return "[" + ",".join(go_json(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(f"{go_json(k)}:{go_json(v[k])}" for k in sorted(v)) + "}"
    if isinstance(v, GoObject):
        s = v.go_string()
        if s is not None:
            return go_json(s)
        return "{" + ",".join(f'"{f}":{go_json(getattr(v, f))}' for f in v.go_fields) + "}"
    raise TypeError(type(v))


# ---------------------------------------------------------------------------
# A tiny evaluator for Sprig call expressions, so one expression text drives both sides.

_TOKEN = re.compile(r'\s*(?:(\()|(\))|(\|)|("(?:[^"\\]|\\.)*")|(`[^`]*`)|([-+]?\d[\w.+-]*)|(\.[\w.]*)|(\w+))')


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(f"cannot tokenize {text[pos:]!r}")
        pos = m.end()
        kinds = ("(", ")", "|", "str", "raw", "num", "field", "ident")
        for kind, val in zip(kinds, m.groups(), strict=True):
            if val is not None:
                out.append((kind, val))
    return out


def go_values(v: Any) -> Any:
    """Values as Helm holds them after its JSON round trip: every number is float64."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, list):
        return [go_values(x) for x in v]
    if isinstance(v, dict):
        return {k: go_values(x) for k, x in v.items()}
    raise TypeError(type(v))


class Evaluator:
    """Evaluates ``fn arg (fn arg) | fn`` with Go literal typing against a FuncMap."""

    def __init__(self, funcs: dict[str, Any], values: dict[str, Any] | None = None) -> None:
        self.funcs = funcs
        self.values = go_values(values or {})

    def __call__(self, text: str) -> Any:
        toks = _tokens(text)
        val, rest = self._pipeline(toks)
        assert not rest, rest
        return val

    def _pipeline(self, toks: list[tuple[str, str]]) -> tuple[Any, list[tuple[str, str]]]:
        val, toks = self._command(toks, None)
        while toks and toks[0][0] == "|":
            val, toks = self._command(toks[1:], (val,))
        return val, toks

    def _command(self, toks: list[tuple[str, str]], piped: tuple[Any, ...] | None) -> tuple[Any, list]:
        kind, text = toks[0]
        if kind == "ident" and text not in ("nil", "true", "false"):
            args = []
            toks = toks[1:]
            while toks and toks[0][0] not in (")", "|"):
                a, toks = self._operand(toks)
                args.append(a)
            if piped:
                args.extend(piped)
            if text == "toJson":
                return go_json(args[0]), toks
            fn = self.funcs[text]
            return fn.fn(*args), toks
        return self._operand(toks)

    def _operand(self, toks: list[tuple[str, str]]) -> tuple[Any, list]:
        kind, text = toks[0]
        toks = toks[1:]
        if kind == "(":
            val, toks = self._pipeline(toks)
            assert toks[0][0] == ")"
            return val, toks[1:]
        if kind == "str":
            return json.loads(text), toks
        if kind == "raw":
            return text[1:-1], toks
        if kind == "num":
            if re.fullmatch(r"[-+]?\d+", text) or text.lower().startswith(("0x", "-0x")):
                return int(text, 0), toks
            return float(text), toks
        if kind == "field":
            val: Any = {"Values": GoMap(self.values, go_type="common.Values")}
            for part in text.strip(".").split("."):
                val = val.get(part) if isinstance(val, dict) else None
            return val, toks
        if kind == "ident":
            return {"nil": None, "true": True, "false": False}[text], toks
        raise ValueError(text)


def kts_eval(ev: Evaluator, expr: str) -> str:
    """Evaluate and print as Helm would, or the Go error text as ``Failed``."""
    try:
        return go_print(ev(expr))
    except GoError as exc:
        return Failed(str(exc))


def compare(root: Path, funcs: dict[str, Any], exprs: list[str], values: dict[str, Any] | None = None,
            ) -> list[tuple[str, str, str]]:
    """Every (expr, helm, kts) triple where kts differs from Helm."""
    ev = Evaluator(funcs, values)
    helm = helm_eval(root, exprs, json.dumps(values or {}))
    mismatches = []
    for expr, want in zip(exprs, helm, strict=True):
        got = kts_eval(ev, expr)
        if got != want or isinstance(got, Failed) != isinstance(want, Failed):
            mismatches.append((expr, want, got))
    return mismatches


def template_mismatches(root: Path, lines: list[str], values: str = "") -> list[tuple[str, str, str]]:
    """Render each line as its own template with kts and with Helm; the lines whose outputs differ.

    Lines that Helm rejects are rendered again one chart each, so each error is compared too.
    """
    from tests.support.harness import kts_render

    def both(chart: Path) -> tuple[Any, Any]:
        with go_signals():
            want = helm_render(chart)
        got = kts_render(chart)
        return want, got

    names = {f"t{i:03}.yaml": line for i, line in enumerate(lines)}
    want, got = both(write_chart(root / "all" / "mychart", names, values=values))
    if isinstance(want, dict) and isinstance(got, dict):
        return [(names[p.rsplit("/", 1)[1]], want[p], got.get(p, "<missing>")) for p in want
                if want[p] != got.get(p)]
    out = []
    for i, line in enumerate(lines):
        want, got = both(write_chart(root / f"one{i}" / "mychart", {"t.yaml": line}, values=values))
        w = want["mychart/templates/t.yaml"] if isinstance(want, dict) else want.message
        g = got["mychart/templates/t.yaml"] if isinstance(got, dict) else str(got)
        if w != g:
            out.append((line, w, g))
    return out
