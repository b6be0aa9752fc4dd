"""Sprig v3.3 template functions as a gotemplate FuncMap.

Each module of this package defines ``FUNCS: FuncMap``; ``sprig_funcs`` joins them.
"""

from __future__ import annotations

import importlib
import pkgutil

from kts.gotemplate.gotypes import FuncMap

_cache: FuncMap | None = None


def sprig_funcs() -> FuncMap:
    """Every Sprig function kts implements, keyed by its template name (a fresh dict)."""
    global _cache
    if _cache is None:
        funcs: FuncMap = {}
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            module = importlib.import_module(f"{__name__}.{info.name}")
            funcs.update(getattr(module, "FUNCS", {}))
        _cache = funcs
    return dict(_cache)
