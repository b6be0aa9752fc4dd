"""The optional parts of kts and the pip extras that bring them, with one wording for a missing one.

The base install is the renderer; ``kts.kube`` and ``kts.testing`` need ``[kube]``, ``kts.spawner``
needs ``[spawner]``, and ``kts demo`` needs ``[demo]``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import NoReturn


def missing_extra(part: str, module: str, extra: str) -> ModuleNotFoundError:
    """The error for ``part`` (``kts.kube``, ``kts demo``) lacking ``module`` of ``[extra]``."""
    return ModuleNotFoundError(
        f"{part} needs {module}, which is not installed: pip install 'jupyterhub-kts[{extra}]'", name=module
    )


def reraise_missing(exc: ModuleNotFoundError, part: str, extra: str, modules: Collection[str]) -> NoReturn:
    """Re-raise ``exc`` as :func:`missing_extra` when it names one of the extra's ``modules``;
    anything else (a kts module, say) is a defect and propagates as it is."""
    missing = (exc.name or "").partition(".")[0]
    if missing not in modules:
        raise exc
    raise missing_extra(part, missing, extra) from exc
