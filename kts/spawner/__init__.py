"""KubeTemplateSpawner: a JupyterHub spawner deploying each server from a Helm chart."""

from kts.extras import reraise_missing

# Third-party modules of the [spawner] extra (kubernetes_asyncio and aiohttp through kts.kube).
_EXTRA_MODULES = {"aiohttp", "jupyterhub", "kubernetes_asyncio", "kubespawner", "tornado", "traitlets"}

try:
    from kts.spawner.errors import ContractError, OwnershipError, SpawnFailed
    from kts.spawner.spawner import KubeTemplateSpawner
except ModuleNotFoundError as exc:
    reraise_missing(exc, "kts.spawner", "spawner", _EXTRA_MODULES)

__all__ = ["ContractError", "KubeTemplateSpawner", "OwnershipError", "SpawnFailed"]
