"""kts: Helm charts rendered in pure Python, applied to Kubernetes, spawned for JupyterHub users."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kts.helm import (
        Chart,
        InternalError,
        RenderError,
        RenderLimits,
        load_chart,
        render_chart,
        render_objects,
    )
    from kts.spawner import KubeTemplateSpawner

__all__ = ["Chart", "InternalError", "KubeTemplateSpawner", "RenderError", "RenderLimits", "load_chart",
           "render_chart", "render_objects"]
__version__ = "0.1.0"

# Names of kts.helm's public face, re-exported here.
_HELM = ("Chart", "InternalError", "RenderError", "RenderLimits", "load_chart", "render_chart",
         "render_objects")


def __getattr__(name: str) -> Any:
    # Heavy parts load on first use: `import kts` stays cheap for the CLI and the hub.
    if name in _HELM:
        import kts.helm

        return getattr(kts.helm, name)
    if name == "KubeTemplateSpawner":
        from kts.spawner import KubeTemplateSpawner

        return KubeTemplateSpawner
    raise AttributeError(f"module 'kts' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names, including those loaded on first use, for ``dir(kts)`` and completion."""
    return sorted([*__all__, "__version__"])
