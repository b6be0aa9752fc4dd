"""Helm's version-range checks (dependency versions, ``kubeVersion``) on Sprig's semver engine."""

from __future__ import annotations

from functools import lru_cache

from kts.gotemplate.gotypes import GoError
from kts.sprig import semver as _semver


@lru_cache(maxsize=1024)
def check(constraint: str, version: str) -> bool:
    """Helm's ``IsCompatibleRange``: false when either side does not parse."""
    try:
        return _semver.check(_semver.parse_constraints(constraint), _semver.new_version(version))
    except GoError:
        return False
