"""Render a chart with kts the way the oracle renders it with Helm, and compare the two.

An InternalError (an engine crash, not a chart's error) on the kts side is never an expected
outcome: every helper here fails the test on one, even where any other RenderError would do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kts.gotemplate import ExecError, ParseError, RenderError
from kts.gotemplate.errors import internal_cause
from kts.gotemplate.gotypes import GoError
from kts.helm.api import load_chart, render_chart
from tests.support.oracle import HelmFailure, helm_render

_INVALID_BYTE = re.compile("[\udc80-\udcff]")


def _as_helm_text(text: str) -> str:
    # Go strings may hold invalid UTF-8 (kts keeps each such byte as a surrogate escape); the
    # oracle hands output back through Go's JSON encoder, one U+FFFD per invalid byte.
    return _INVALID_BYTE.sub("\ufffd", text)


def kts_render(chart_dir: str | Path, values: dict[str, Any] | None = None, *,
               release_name: str = "release-name", namespace: str = "default", revision: int = 1,
               is_upgrade: bool = False) -> dict[str, str] | RenderError:
    """Render ``chart_dir`` with kts: ``{template path: text}``, or the RenderError raised.

    Text is returned as the oracle returns Helm's: invalid UTF-8 decoded to U+FFFD.
    """
    try:
        out = render_chart(chart_dir, values, release_name=release_name, namespace=namespace,
                           revision=revision, is_upgrade=is_upgrade)
    except RenderError as exc:
        return not_internal(exc)
    return {k: _as_helm_text(v) for k, v in out.items()}


def engine_crash(exc: BaseException) -> BaseException | None:
    """What in ``exc``'s chain is a kts defect: an InternalError, or a Python exception a function
    raised that is neither a Go error nor a deliberate emulation of a Go runtime panic."""
    crash = internal_cause(exc)
    if crash is not None:
        return crash
    seen: set[int] = set()
    err: BaseException | None = exc
    while err is not None and id(err) not in seen:  # a function's exception is an ExecError's cause
        seen.add(id(err))
        if not isinstance(err, (RenderError, GoError, *_GO_PANICS)):
            return err
        err = getattr(err, "cause", None)
    return None


# Python errors the engine reports as Go's runtime panics (integer division, index, nil pointer).
_GO_PANICS = (ZeroDivisionError, IndexError)


def not_internal(exc: RenderError) -> RenderError:
    """``exc`` itself, unless kts crashed on the way (see ``engine_crash``): then the test fails."""
    crash = engine_crash(exc)
    if crash is not None:
        raise AssertionError(f"kts crashed instead of reporting a chart error: {exc}") from crash
    return exc


# ---------------------------------------------------------------------------
# Comparing with the oracle


@dataclass(frozen=True)
class ErrorParts:
    """An error reduced to what both Helm's and kts's wordings carry."""

    location: str
    node: str
    message: str


_V4_EXEC = re.compile(r"^(?P<loc>\S+:\d+:\d+)\n\s+executing \"(?P<name>.*?)\" at <(?P<node>.*?)>:\n\s+"
                      r"(?P<msg>.*)$", re.S)
_GO_EXEC = re.compile(r"^template: (?P<loc>\S+:\d+:\d+): executing \"(?P<name>.*?)\" at <(?P<node>.*?)>: "
                      r"(?P<msg>.*)$", re.S)
_HELM_PARSE = re.compile(r"^parse error at \((?P<loc>[^)]*)\): (?P<msg>.*)$", re.S)
_GO_PARSE = re.compile(r"^template: (?P<loc>\S+?:\d+): (?P<msg>.*)$", re.S)
_HELM_FAIL = re.compile(r"^execution error at \((?P<loc>[^)]*)\): (?P<msg>.*)$", re.S)


def error_parts(text: str) -> ErrorParts:
    """Split a Helm v4 or Go-style template error into location, node and message."""
    text = text.strip()
    for rx in (_V4_EXEC, _GO_EXEC):
        m = rx.match(text)
        if m:
            msg = re.sub(r"\s*\n\s*", " ", m["msg"])
            return ErrorParts(m["loc"], m["node"], msg)
    for rx in (_HELM_PARSE, _HELM_FAIL):
        m = rx.match(text)
        if m:
            return ErrorParts(m["loc"], "", m["msg"])
    m = _GO_PARSE.match(text)
    if m:
        msg = m["msg"]
        return ErrorParts(m["loc"], "", msg.rsplit(": ", 1)[-1] if msg.startswith("template: ") else msg)
    return ErrorParts("", "", text)


def kts_error_parts(exc: RenderError) -> ErrorParts:
    if isinstance(exc, ExecError) and exc.node:
        return ErrorParts(f"{exc.template}:{exc.line}:{exc.column}", exc.node,
                          re.sub(r"\s*\n\s*", " ", exc.message))
    if isinstance(exc, ParseError):
        return ErrorParts(f"{exc.template}:{exc.line}", "", exc.message)
    return error_parts(str(exc))


@dataclass
class Comparison:
    helm: dict[str, str] | HelmFailure
    kts: dict[str, str] | RenderError

    @property
    def helm_failed(self) -> bool:
        return isinstance(self.helm, HelmFailure)

    @property
    def kts_failed(self) -> bool:
        return isinstance(self.kts, RenderError)


def kts_render_twice(chart_dir: str | Path, values: dict[str, Any] | None = None,
                     **release: Any) -> dict[str, str] | RenderError:
    """Render twice with one loaded chart (compiled templates reused); both must agree."""
    results: list[Any] = []
    try:
        chart = load_chart(chart_dir)
    except RenderError as exc:
        return not_internal(exc)
    for _ in range(2):
        try:
            results.append(chart.render(values, **release))
        except RenderError as exc:
            results.append(not_internal(exc))
    texts = [str(r) if isinstance(r, RenderError) else r for r in results]
    assert texts[0] == texts[1], f"second render differs: {texts[0]!r} vs {texts[1]!r}"
    first = results[0]
    if isinstance(first, RenderError):
        return first
    return {k: _as_helm_text(v) for k, v in first.items()}


def compare(chart_dir: str | Path, values: dict[str, Any] | None = None, **release: Any) -> Comparison:
    helm = helm_render(chart_dir, values, **release)
    kts = kts_render_twice(chart_dir, values, **release)
    return Comparison(helm, kts)


def assert_same(chart_dir: str | Path, values: dict[str, Any] | None = None, *, message: bool = True,
                **release: Any) -> Comparison:
    """Both render identically, or both fail (with the same location/node/message if ``message``)."""
    c = compare(chart_dir, values, **release)
    if c.helm_failed or c.kts_failed:
        assert c.helm_failed, f"kts failed where Helm rendered {c.helm!r}: {c.kts}"
        assert c.kts_failed, f"kts rendered {c.kts!r} where Helm failed: {c.helm.message}"  # type: ignore[union-attr]
        if message:
            want = error_parts(c.helm.message)  # type: ignore[union-attr]
            got = error_parts(str(c.kts))
            if got.message != want.message or got.location != want.location:
                got = kts_error_parts(c.kts)  # type: ignore[arg-type]
            assert got == want, f"\nhelm: {c.helm.message}\nkts:  {c.kts}"  # type: ignore[union-attr]
        return c
    assert c.kts == c.helm
    return c
