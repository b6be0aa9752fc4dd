"""Discovery documents: legacy (/api, /apis, group-version resource lists) and aggregated (v2)."""

from __future__ import annotations

from typing import Any

from kts.testing.resources import Registry, ResourceType


def version_info(release: str) -> dict[str, str]:
    """``/version`` for a Kubernetes release (``"1.34"``)."""
    major, minor = release.split(".")
    return {
        "major": major,
        "minor": minor,
        "emulationMajor": major,
        "emulationMinor": minor,
        "minCompatibilityMajor": major,
        "minCompatibilityMinor": str(int(minor) - 1),
        "gitVersion": f"v{release}.0-kts",
        "gitCommit": "0" * 40,
        "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z",
        "goVersion": "go1.24.0",
        "compiler": "gc",
        "platform": "linux/amd64",
    }


def _resource_entries(rt: ResourceType) -> list[dict[str, Any]]:
    main: dict[str, Any] = {
        "name": rt.plural,
        "singularName": rt.singular,
        "namespaced": rt.namespaced,
        "kind": rt.kind,
        "verbs": list(rt.verbs),
    }
    if rt.short_names:
        main["shortNames"] = list(rt.short_names)
    if rt.builtin and rt.kind in (
        "Pod",
        "Deployment",
        "StatefulSet",
        "Service",
        "Job",
        "ReplicaSet",
        "DaemonSet",
        "CronJob",
        "Ingress",
    ):
        main["categories"] = ["all"]
    out = [main]
    for sub, (group, version, kind), verbs in subresources(rt):
        entry: dict[str, Any] = {"name": f"{rt.plural}/{sub}", "singularName": ""}
        entry["namespaced"] = rt.namespaced
        if (group, version) != (rt.group, rt.version):
            entry.update(group=group, version=version)
        out.append({**entry, "kind": kind, "verbs": list(verbs)})
    return out


def subresources(rt: ResourceType) -> list[tuple[str, tuple[str, str, str], tuple[str, ...]]]:
    """The subresources the emulator serves for ``rt``: (name, response group/version/kind, verbs)."""
    out: list[tuple[str, tuple[str, str, str], tuple[str, ...]]] = []
    if rt.status_subresource:
        out.append(("status", (rt.group, rt.version, rt.kind), ("get", "patch", "update")))
    if rt.builtin and rt.kind in ("Deployment", "StatefulSet", "ReplicaSet"):
        out.append(("scale", ("autoscaling", "v1", "Scale"), ("get", "patch", "update")))
    if rt.builtin and rt.kind == "Pod":
        out.append(("log", (rt.group, rt.version, "Pod"), ("get",)))
        out.append(("eviction", ("policy", "v1", "Eviction"), ("create",)))
    if rt.builtin and rt.kind == "ServiceAccount":
        out.append(("token", ("authentication.k8s.io", "v1", "TokenRequest"), ("create",)))
    return out


def api_versions(server_address: str) -> dict[str, Any]:
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    }


def resource_list(registry: Registry, group: str, version: str) -> dict[str, Any] | None:
    types = registry.in_group_version(group, version)
    if not types:
        return None
    resources = [e for rt in types for e in _resource_entries(rt)]
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{group}/{version}" if group else version,
        "resources": resources,
    }


def _group_doc(name: str, versions: list[str]) -> dict[str, Any]:
    vs = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {"name": name, "versions": vs, "preferredVersion": vs[0]}


def group(registry: Registry, name: str) -> dict[str, Any] | None:
    versions = registry.group_versions().get(name)
    if not versions:
        return None
    return {"kind": "APIGroup", "apiVersion": "v1", **_group_doc(name, versions)}


def group_list(registry: Registry) -> dict[str, Any]:
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [_group_doc(g, vs) for g, vs in registry.group_versions().items()],
    }


def _aggregated_resources(registry: Registry, group: str, version: str) -> list[dict[str, Any]]:
    out = []
    for rt in registry.in_group_version(group, version):
        entry: dict[str, Any] = {
            "resource": rt.plural,
            "responseKind": {"group": rt.group, "version": rt.version, "kind": rt.kind},
            "scope": "Namespaced" if rt.namespaced else "Cluster",
            "singularResource": rt.singular,
            "verbs": list(rt.verbs),
        }
        if rt.short_names:
            entry["shortNames"] = list(rt.short_names)
        subs = [
            {
                "subresource": sub,
                "responseKind": {"group": g, "version": v, "kind": k},
                "verbs": list(verbs),
            }
            for sub, (g, v, k), verbs in subresources(rt)
        ]
        if subs:
            entry["subresources"] = subs
        out.append(entry)
    return out


def aggregated(registry: Registry, legacy: bool, doc_version: str = "v2") -> dict[str, Any]:
    """APIGroupDiscoveryList for /api (legacy=True) or /apis."""
    items = []
    if legacy:
        items.append(
            {
                "metadata": {"creationTimestamp": None},
                "versions": [
                    {
                        "version": "v1",
                        "resources": _aggregated_resources(registry, "", "v1"),
                        "freshness": "Current",
                    }
                ],
            }
        )
    else:
        for g, versions in registry.group_versions().items():
            items.append(
                {
                    "metadata": {"name": g, "creationTimestamp": None},
                    "versions": [
                        {
                            "version": v,
                            "resources": _aggregated_resources(registry, g, v),
                            "freshness": "Current",
                        }
                        for v in versions
                    ],
                }
            )
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": f"apidiscovery.k8s.io/{doc_version}",
        "metadata": {},
        "items": items,
    }


def wants_aggregated(accept: str) -> str | None:
    """The aggregated document version the Accept header asks for first, if any."""
    for part in accept.split(","):
        params = dict(p.strip().split("=", 1) for p in part.split(";")[1:] if "=" in p)
        if params.get("g") == "apidiscovery.k8s.io" and params.get("as") == "APIGroupDiscoveryList":
            return params.get("v", "v2")
        if part.strip().startswith("application/json") and not params:
            return None
    return None
