"""KubeTemplateSpawner: a JupyterHub spawner deploying each server from a Helm chart."""

# Third-party modules of the [spawner] extra (kubernetes_asyncio and aiohttp through kts.kube).
_EXTRA_MODULES = {"aiohttp", "jupyterhub", "kubernetes_asyncio", "kubespawner", "tornado", "traitlets"}

try:
    from kts.spawner.errors import ContractError, OwnershipError, SpawnFailed
    from kts.spawner.spawner import KubeTemplateSpawner
except ModuleNotFoundError as exc:
    missing = (exc.name or "").partition(".")[0]
    if missing not in _EXTRA_MODULES:
        raise
    raise ModuleNotFoundError(
        f"kts.spawner needs {missing}, which is not installed: pip install 'jupyterhub-kts[spawner]'",
        name=missing,
    ) from exc

__all__ = ["ContractError", "KubeTemplateSpawner", "OwnershipError", "SpawnFailed"]
