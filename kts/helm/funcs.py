"""Helm's template functions: Sprig minus env/expandenv, codecs, include/tpl/required/fail/lookup."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from kts.gotemplate.gotypes import FuncMap, GoError, GoFunc, Signature

WARN_START = "HELM_ERR_START"
WARN_END = "HELM_ERR_END"
RECURSION_MAX = 1000
WARN_RE = re.compile(WARN_START + "(.*)" + WARN_END, re.S)

LookupFn = Callable[[str, str, str, str], dict[str, Any]]

LINT_LOG: ContextVar[list[tuple[str, str, str]] | None] = ContextVar("kts_lint_log", default=None)
"""A list while a chart is linted (Helm's ``engine.LintMode``): ``required`` and ``fail`` then
log ``(level, message, text)`` there and return "" instead of failing the render."""


def to_yaml_full(value: Any) -> str:
    """``sigs.k8s.io/yaml.Marshal`` output (with its trailing newline)."""
    from kts.codec import yaml as codec_yaml

    return codec_yaml.marshal(value)


def _codec_funcs() -> FuncMap:
    try:
        from kts.helm.codec_funcs import HELM_CODEC_FUNCS
    except ImportError:
        return {}
    return dict(HELM_CODEC_FUNCS)


def _sprig_funcs() -> FuncMap:
    from kts.sprig import sprig_funcs

    funcs = sprig_funcs()
    funcs.pop("env", None)
    funcs.pop("expandenv", None)
    return funcs


def _required(warn: str, val: Any) -> Any:
    if val is None or (isinstance(val, str) and val == ""):
        log = LINT_LOG.get()
        if log is not None:
            log.append(("WARN", "missing required value" if val is None else "missing required values", warn))
            return ""
        raise GoError(WARN_START + warn + WARN_END)
    return val


def _fail(msg: str) -> str:
    log = LINT_LOG.get()
    if log is not None:
        log.append(("INFO", "funcMap fail", msg))
        return ""
    raise GoError(WARN_START + msg + WARN_END)


def _get_host_by_name(_name: str) -> str:
    return ""


_static_cache: FuncMap | None = None


def static_funcs() -> FuncMap:
    """Every function that does not depend on the render (a fresh dict)."""
    global _static_cache
    if _static_cache is None:
        funcs = _sprig_funcs()
        funcs.update(_codec_funcs())
        funcs["required"] = GoFunc(_required, Signature(("string", "interface {}"), error=True), "required")
        funcs["fail"] = GoFunc(_fail, Signature(("string",), result="string", error=True), "fail")
        funcs["getHostByName"] = GoFunc(_get_host_by_name, Signature(("string",), result="string"),
                                        "getHostByName")
        _static_cache = funcs
    return dict(_static_cache)


def lookup_func(state: Any) -> GoFunc:
    """``lookup``: an empty map offline, or the render's live lookup callable."""

    def lookup(api_version: str, kind: str, namespace: str, name: str) -> dict[str, Any]:
        fn = state.lookup
        if fn is None:
            return {}
        try:
            result = fn(api_version, kind, namespace, name)
        except GoError:
            raise
        except Exception as exc:  # a client failure is a Go error for the template
            raise GoError(str(exc)) from exc
        return result if result is not None else {}

    return GoFunc(lookup, Signature(("string", "string", "string", "string"),
                                    result="map[string]interface {}", error=True), "lookup")
