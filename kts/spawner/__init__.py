"""KubeTemplateSpawner: a JupyterHub spawner deploying each server from a Helm chart."""

from kts.spawner.errors import ContractError, OwnershipError, SpawnFailed
from kts.spawner.spawner import KubeTemplateSpawner

__all__ = ["ContractError", "KubeTemplateSpawner", "OwnershipError", "SpawnFailed"]
