"""kts: Helm charts rendered in pure Python, applied to Kubernetes, spawned for JupyterHub users."""

from __future__ import annotations

from typing import Any

from kts.gotemplate.errors import InternalError, RenderError
from kts.gotemplate.limits import RenderLimits

__all__ = ["InternalError", "KubeTemplateSpawner", "RenderError", "RenderLimits", "load_chart",
           "render_chart"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Heavy parts load on first use: `import kts` stays cheap for the CLI and the hub.
    if name in ("render_chart", "load_chart"):
        from kts.helm import api

        return getattr(api, name)
    if name == "KubeTemplateSpawner":
        from kts.spawner import KubeTemplateSpawner

        return KubeTemplateSpawner
    raise AttributeError(f"module 'kts' has no attribute {name!r}")
