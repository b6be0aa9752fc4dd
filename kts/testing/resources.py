"""The kinds the emulator serves: built-ins plus custom resources registered from CRDs."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from kts.testing.kubeschema import DEFAULT_KUBE_VERSION, KubeSchemas, schemas_for
from kts.testing.listrules import NO_SCHEMA, Rules, SchemaRules

ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
NO_COLLECTION_DELETE = ("create", "delete", "get", "list", "patch", "update", "watch")


@dataclass(frozen=True)
class ResourceType:
    """One served resource: where it lives in the URL space and how it behaves."""

    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ALL_VERBS
    status_subresource: bool = True
    builtin: bool = True
    schema: dict | None = field(default=None, compare=False, hash=False)
    # a CRD version's additionalPrinterColumns (server-side printing of custom resources)
    printer_columns: tuple[dict, ...] = field(default=(), compare=False, hash=False)

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    # how lists and maps merge (server-side apply, strategic merge patch); the registry sets it
    merge_rules: Rules = field(default=NO_SCHEMA, compare=False, hash=False)

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def group_version(self) -> str:
        return self.api_version

    def gvk_text(self) -> str:
        """Go's schema.GroupVersionKind String(): ``apps/v1, Kind=Deployment``, ``/v1, Kind=Pod``."""
        return f"{self.group}/{self.version}, Kind={self.kind}"


BUILTIN: tuple[ResourceType, ...] = (
    ResourceType("", "v1", "Namespace", "namespaces", False, ("ns",), NO_COLLECTION_DELETE),
    ResourceType("", "v1", "Pod", "pods", True, ("po",)),
    ResourceType("", "v1", "Service", "services", True, ("svc",)),
    ResourceType("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", True, ("pvc",)),
    ResourceType("", "v1", "PersistentVolume", "persistentvolumes", False, ("pv",)),
    ResourceType(
        "",
        "v1",
        "ConfigMap",
        "configmaps",
        True,
        ("cm",),
        status_subresource=False,
    ),
    ResourceType(
        "",
        "v1",
        "Secret",
        "secrets",
        True,
        (),
        status_subresource=False,
    ),
    ResourceType(
        "",
        "v1",
        "ServiceAccount",
        "serviceaccounts",
        True,
        ("sa",),
        status_subresource=False,
    ),
    ResourceType(
        "",
        "v1",
        "Event",
        "events",
        True,
        ("ev",),
        status_subresource=False,
    ),
    ResourceType("", "v1", "Node", "nodes", False, ("no",)),
    ResourceType(
        "",
        "v1",
        "Endpoints",
        "endpoints",
        True,
        ("ep",),
        status_subresource=False,
    ),
    ResourceType("", "v1", "ResourceQuota", "resourcequotas", True, ("quota",)),
    ResourceType("apps", "v1", "Deployment", "deployments", True, ("deploy",)),
    ResourceType("apps", "v1", "StatefulSet", "statefulsets", True, ("sts",)),
    ResourceType("apps", "v1", "ReplicaSet", "replicasets", True, ("rs",)),
    ResourceType("apps", "v1", "DaemonSet", "daemonsets", True, ("ds",)),
    ResourceType("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", True, ("hpa",)),
    ResourceType("batch", "v1", "Job", "jobs", True, ()),
    ResourceType("batch", "v1", "CronJob", "cronjobs", True, ("cj",)),
    ResourceType("networking.k8s.io", "v1", "Ingress", "ingresses", True, ("ing",)),
    ResourceType("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", True, ("netpol",)),
    ResourceType(
        "rbac.authorization.k8s.io",
        "v1",
        "Role",
        "roles",
        True,
        (),
        status_subresource=False,
    ),
    ResourceType(
        "rbac.authorization.k8s.io",
        "v1",
        "RoleBinding",
        "rolebindings",
        True,
        (),
        status_subresource=False,
    ),
    ResourceType(
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRole",
        "clusterroles",
        False,
        (),
        status_subresource=False,
    ),
    ResourceType(
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        False,
        (),
        status_subresource=False,
    ),
    ResourceType(
        "storage.k8s.io",
        "v1",
        "StorageClass",
        "storageclasses",
        False,
        ("sc",),
        status_subresource=False,
    ),
    ResourceType("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", True, ("pdb",)),
    ResourceType(
        "scheduling.k8s.io",
        "v1",
        "PriorityClass",
        "priorityclasses",
        False,
        ("pc",),
        status_subresource=False,
    ),
    ResourceType(
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        False,
        ("crd", "crds"),
    ),
)

REVIEWS: tuple[ResourceType, ...] = tuple(
    ResourceType(
        "authorization.k8s.io",
        "v1",
        kind,
        plural,
        False,
        (),
        ("create",),
        status_subresource=False,
    )
    for kind, plural in (
        ("SelfSubjectAccessReview", "selfsubjectaccessreviews"),
        ("SelfSubjectRulesReview", "selfsubjectrulesreviews"),
    )
)

PREFERRED_GROUP_ORDER = (
    "apps",
    "autoscaling",
    "batch",
    "networking.k8s.io",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "policy",
    "scheduling.k8s.io",
    "apiextensions.k8s.io",
    "authorization.k8s.io",
)


class Registry:
    """Maps URL segments and kinds to resource types; custom resources come and go with their CRDs."""

    def __init__(self, schemas: KubeSchemas | None = None) -> None:
        self.schemas = schemas or schemas_for(DEFAULT_KUBE_VERSION)
        self._types: list[ResourceType] = [self._with_rules(rt) for rt in (*BUILTIN, *REVIEWS)]
        self._crd_of: dict[tuple[str, str, str], str] = {}

    def _with_rules(self, rt: ResourceType) -> ResourceType:
        if rt.builtin:
            definition = self.schemas.kind_definition(rt.group, rt.version, rt.kind)
            rules: Rules = SchemaRules(self.schemas, definition, None) if definition else NO_SCHEMA
        else:
            schema = rt.schema or {"x-kubernetes-preserve-unknown-fields": True}
            rules = SchemaRules(self.schemas, None, schema)
        return replace(rt, merge_rules=rules)

    def all(self) -> list[ResourceType]:
        return list(self._types)

    def lookup(self, group: str, version: str, plural: str) -> ResourceType | None:
        for rt in self._types:
            if rt.group == group and rt.version == version and rt.plural == plural:
                return rt
        return None

    def by_kind(self, api_version: str, kind: str) -> ResourceType | None:
        for rt in self._types:
            if rt.api_version == api_version and rt.kind == kind:
                return rt
        return None

    def group_versions(self) -> dict[str, list[str]]:
        """Group name -> served versions, groups in a stable discovery order."""
        out: dict[str, list[str]] = {}
        for rt in self._types:
            if rt.group:
                versions = out.setdefault(rt.group, [])
                if rt.version not in versions:
                    versions.append(rt.version)
        order = {g: i for i, g in enumerate(PREFERRED_GROUP_ORDER)}
        return dict(sorted(out.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))

    def in_group_version(self, group: str, version: str) -> list[ResourceType]:
        return [rt for rt in self._types if rt.group == group and rt.version == version]

    def set_custom(self, crd_name: str, types: list[ResourceType]) -> None:
        """Replace the custom resource types served for one CRD."""
        self.remove_custom(crd_name)
        types = [self._with_rules(t) for t in types]
        self._types.extend(types)
        self._crd_of.update({(t.group, t.version, t.plural): crd_name for t in types})

    def crd_of(self, rt: ResourceType) -> str | None:
        return self._crd_of.get((rt.group, rt.version, rt.plural))

    def remove_custom(self, crd_name: str) -> None:
        keys = {k for k, v in self._crd_of.items() if v == crd_name}
        self._types = [t for t in self._types if (t.group, t.version, t.plural) not in keys]
        for k in keys:
            del self._crd_of[k]


def custom_types_from_crd(crd: dict) -> list[ResourceType]:
    """The resource types a CRD defines, one per served version."""
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    out = []
    for v in spec.get("versions") or []:
        if not v.get("served", True):
            continue
        subresources = v.get("subresources") or {}
        schema = ((v.get("schema") or {}).get("openAPIV3Schema")) or None
        out.append(
            ResourceType(
                group=spec.get("group", ""),
                version=v.get("name", ""),
                kind=names.get("kind", ""),
                plural=names.get("plural", ""),
                namespaced=spec.get("scope", "Namespaced") == "Namespaced",
                short_names=tuple(names.get("shortNames") or ()),
                status_subresource="status" in subresources,
                builtin=False,
                schema=schema,
                printer_columns=tuple(v.get("additionalPrinterColumns") or ()),
            )
        )
    return out
