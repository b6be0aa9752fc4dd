"""Helm's install and uninstall order by kind (v4 lists): the renderer sorts manifests by it, the
engine applies and deletes in batches by it. A leaf both build on (it knows neither)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")

INSTALL_ORDER: tuple[str, ...] = (
    "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
    "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
    "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
    "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
    "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
    "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
    "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
)  # fmt: skip

UNINSTALL_ORDER: tuple[str, ...] = (
    "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService", "Ingress",
    "IngressClass", "Service", "CronJob", "Job", "StatefulSet", "HorizontalPodAutoscaler", "Deployment",
    "ReplicaSet", "ReplicationController", "Pod", "DaemonSet", "RoleBindingList", "RoleBinding", "RoleList",
    "Role", "ClusterRoleBindingList", "ClusterRoleBinding", "ClusterRoleList", "ClusterRole",
    "CustomResourceDefinition", "PersistentVolumeClaim", "PersistentVolume", "StorageClass", "ConfigMap",
    "SecretList", "Secret", "ServiceAccount", "PodDisruptionBudget", "PodSecurityPolicy", "LimitRange",
    "ResourceQuota", "NetworkPolicy", "Namespace", "PriorityClass",
)  # fmt: skip

INSTALL_RANK = {k: i for i, k in enumerate(INSTALL_ORDER)}
_UNINSTALL_RANK = {k: i for i, k in enumerate(UNINSTALL_ORDER)}


def install_batches(items: Iterable[T], kind_of: Callable[[T], str] | None = None) -> list[list[T]]:
    """Group items into batches in Helm's install order; unknown kinds (custom resources) come last,
    one batch per kind in alphabetical order, input order kept within a batch."""
    return _batches(items, kind_of or _kind, INSTALL_RANK, unknown_first=False)


def uninstall_batches(items: Iterable[T], kind_of: Callable[[T], str] | None = None) -> list[list[T]]:
    """Batches in Helm's uninstall order, except that custom resources go first (their controllers
    may need the objects Helm would delete before them)."""
    return _batches(items, kind_of or _kind, _UNINSTALL_RANK, unknown_first=True)


def _kind(obj: Any) -> str:
    return str(obj.get("kind", "")) if isinstance(obj, dict) else str(getattr(obj, "kind", ""))


def _batches(
    items: Iterable[T], kind_of: Callable[[T], str], rank: dict[str, int], *, unknown_first: bool
) -> list[list[T]]:
    groups: dict[tuple[int, int, str], list[T]] = {}
    for item in items:
        kind = kind_of(item)
        if kind in rank:
            key = (1 if unknown_first else 0, rank[kind], "")
        else:
            key = (0 if unknown_first else 1, 0, kind)
        groups.setdefault(key, []).append(item)
    return [groups[k] for k in sorted(groups)]
