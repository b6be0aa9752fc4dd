"""The chart contract: what every rendered object must satisfy before anything is applied.

Labels make objects findable for deletion, the connection annotation says where the server
listens, lifecycles say when objects go away, and the guards keep a chart inside its
namespace and its allowed kinds. A violation names the template, the object and the rule.

Lists (``kind: List``, or any object with ``items``) are checked item by item, as Kubernetes'
resource builder applies them one by one: a List must not carry an object past the guards.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kts.names import is_valid_label
from kts.spawner.errors import ContractError

INSTANCE_LABEL = "app.kubernetes.io/instance"
CONNECTION_ANNOTATION = "kubetemplatespawner/connection"
"""The default key marking the one Pod or Service the hub connects to."""
LIFECYCLE_ANNOTATION = "kubetemplatespawner/lifecycle"
"""The default key saying when an object is deleted (one of ``LIFECYCLES``)."""
USERNAME_LABEL = "hub.jupyter.org/username"
SERVERNAME_LABEL = "hub.jupyter.org/servername"

SERVER_STOPPED = "server-stopped"
SERVER_DELETED = "server-deleted"
USER_DELETED = "user-deleted"
NEVER_DELETED = "never-deleted"
"""Kept when the user is deleted (KubeSpawner's ``delete_pvc = False``): kts never deletes it."""
LIFECYCLES = (SERVER_STOPPED, SERVER_DELETED, USER_DELETED, NEVER_DELETED)
LASTING = frozenset({SERVER_DELETED, USER_DELETED, NEVER_DELETED})
"""Lifecycles of objects that outlive a stop, which may therefore exist when a server starts."""

# Cluster-scoped built-in kinds, for when no cluster is connected; a connected cluster's
# discovery alone decides (a kind it does not know is refused, not guessed).
CLUSTER_SCOPED_KINDS = frozenset(
    {
        "Namespace",
        "Node",
        "PersistentVolume",
        "ClusterRole",
        "ClusterRoleBinding",
        "StorageClass",
        "CustomResourceDefinition",
        "PriorityClass",
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
        "APIService",
        "CSIDriver",
        "CSINode",
        "RuntimeClass",
        "IngressClass",
        "VolumeAttachment",
        "CertificateSigningRequest",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "FlowSchema",
        "PriorityLevelConfiguration",
    }
)


@dataclass(frozen=True)
class Rendered:
    """One object out of the chart: the template it came from and its body."""

    source: str
    body: dict[str, Any]
    hook: str | None = None
    within: str = ""
    """Where a List item sits (``items[0] of List``), for error messages; empty for documents."""

    def describe(self) -> str:
        name = _name_of(self.body) if isinstance(self.body, Mapping) else "?"
        return f"{name} ({self.within})" if self.within else name


@dataclass(frozen=True)
class Rules:
    """What the spawner expects of this server's objects."""

    instance: str
    username: str
    servername: str
    namespace: str
    connection_key: str = CONNECTION_ANNOTATION
    lifecycle_key: str = LIFECYCLE_ANNOTATION
    create_only_key: str = "kubetemplatespawner/create-only"
    allowed_kinds: tuple[str, ...] = ()
    allow_cluster_scoped: bool = False
    allow_other_namespaces: bool = False
    is_namespaced: Callable[[str, str], bool | None] | None = field(default=None, compare=False)
    """The connected cluster's discovery (None: no cluster, the built-in table decides)."""
    username_aliases: tuple[str, ...] = ()
    """Other accepted values of the username label: KubeSpawner's label slug, which its own
    objects carry. A rendered set uses one value throughout (see :attr:`CheckedObjects.labels`)."""
    servername_aliases: tuple[str, ...] = ()
    """The same for the servername label."""


@dataclass(frozen=True)
class ServerObject:
    """One of a server's objects: where it lives and when it goes (its lifecycle); kept in the
    spawner's state to find it again. (``kts.kube.ObjectRef`` is the engine's plain reference.)"""

    api_version: str
    kind: str
    name: str
    namespace: str | None
    lifecycle: str

    def describe(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {where}{self.name}"

    def to_json(self) -> list[str | None]:
        return [self.api_version, self.kind, self.name, self.namespace, self.lifecycle]

    @classmethod
    def from_json(cls, data: list[Any]) -> ServerObject:
        api_version, kind, name, namespace, lifecycle = data
        return cls(str(api_version), str(kind), str(name), namespace, str(lifecycle))

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]


@dataclass
class CheckedObjects:
    """Objects that passed the contract, with namespaces filled in, in install order."""

    bodies: list[dict[str, Any]]
    refs: list[ServerObject]
    connection: ServerObject
    labels: dict[str, str] = field(default_factory=dict)
    """The username and servername label values the set uses: what deletion selects on."""
    create_only: list[bool] = field(default_factory=list)
    """Per object: created when missing, and then only its labels and annotations are applied
    (as KubeSpawner creates a PVC once and never updates it)."""


def _name_of(body: Mapping[str, Any]) -> str:
    meta = body.get("metadata")
    name = meta.get("name") if isinstance(meta, Mapping) else None
    return f"{body.get('kind', '?')}/{name if isinstance(name, str) else '?'}"


def _kind_allowed(allowed: Iterable[str], api_version: str, kind: str) -> bool:
    group = api_version.rpartition("/")[0]
    for entry in allowed:
        if entry in (kind, f"{group}/{kind}", f"{api_version}/{kind}") or (not group and entry == f"/{kind}"):
            return True
    return False


def flatten(objects: Iterable[Rendered]) -> list[Rendered]:
    """Every List replaced by its items, nested Lists too, in order (like the resource builder's
    ``Flatten``, which takes any object with ``items`` for a list). Items keep the List's template
    and hook; ``items`` that is not a list is refused rather than applied as an object."""
    out: list[Rendered] = []
    for document in objects:
        pending = [document]
        while pending:
            item = pending.pop()
            body = item.body
            if not isinstance(body, Mapping) or "items" not in body:
                out.append(item)
                continue
            items = body["items"]
            if not isinstance(items, list):
                raise ContractError(item.source, item.describe(), "items must be a list of objects")
            meta = body.get("metadata")
            name = meta.get("name") if isinstance(meta, Mapping) else None
            parent = str(body.get("kind", "?")) + (f"/{name}" if isinstance(name, str) and name else "")
            if item.within:
                parent = f"{parent} {item.within}"
            pending.extend(
                Rendered(item.source, entry, item.hook, f"items[{i}] of {parent}")
                for i, entry in reversed(list(enumerate(items)))
            )
    return out


def _defined_scopes(objects: Iterable[Rendered]) -> dict[tuple[str, str], bool]:
    """(apiVersion, kind) -> namespaced, for kinds a CustomResourceDefinition in the set defines:
    discovery cannot know them before the set is applied."""
    out: dict[tuple[str, str], bool] = {}
    for item in objects:
        body = item.body
        if not isinstance(body, Mapping) or body.get("kind") != "CustomResourceDefinition":
            continue
        if not str(body.get("apiVersion", "")).startswith("apiextensions.k8s.io/"):
            continue
        spec = body.get("spec")
        if not isinstance(spec, Mapping):
            continue
        group, scope, names = spec.get("group"), spec.get("scope"), spec.get("names")
        kind = names.get("kind") if isinstance(names, Mapping) else None
        if not (isinstance(group, str) and isinstance(kind, str) and scope in ("Namespaced", "Cluster")):
            continue
        versions = [v.get("name") for v in spec.get("versions") or [] if isinstance(v, Mapping)]
        versions.append(spec.get("version"))  # apiextensions.k8s.io/v1beta1
        for version in versions:
            if isinstance(version, str) and version:
                out[(f"{group}/{version}", kind)] = scope == "Namespaced"
    return out


def _namespaced(
    rules: Rules, defined: Mapping[tuple[str, str], bool], api_version: str, kind: str
) -> bool | None:
    """True or False, or None for a kind the connected cluster does not serve. When discovery and
    a CustomResourceDefinition in the set disagree, cluster-scoped wins: the stricter guard."""
    by_crd = defined.get((api_version, kind))
    if rules.is_namespaced is None:
        return by_crd if by_crd is not None else kind not in CLUSTER_SCOPED_KINDS
    known = rules.is_namespaced(api_version, kind)
    if known is None or by_crd is None:
        return by_crd if known is None else known
    return known and by_crd


def check(objects: Iterable[Rendered], rules: Rules) -> CheckedObjects:
    """Validate ``objects`` against the contract; raise :class:`ContractError` on the first breach.

    Namespaced objects without a namespace get ``rules.namespace``. Helm test hooks are dropped:
    a server has no use for them. Lists are checked item by item (see :func:`flatten`).
    """
    bodies: list[dict[str, Any]] = []
    refs: list[ServerObject] = []
    create_only: list[bool] = []
    connection: ServerObject | None = None
    connection_source = ""
    seen: dict[tuple[str, str, str | None, str], str] = {}
    chosen: dict[str, tuple[str, str]] = {}
    accepted = {
        USERNAME_LABEL: (rules.username, *rules.username_aliases),
        SERVERNAME_LABEL: (rules.servername, *rules.servername_aliases),
    }
    kept = [item for item in flatten(objects) if not (item.hook and "test" in item.hook.split(","))]
    defined = _defined_scopes(kept)
    for item in kept:
        src, body = item.source, item.body
        what = item.describe()
        if not isinstance(body, Mapping):
            raise ContractError(src, what, "a rendered document is not a Kubernetes object")
        api_version, kind = body.get("apiVersion"), body.get("kind")
        meta = body.get("metadata")
        if not (isinstance(api_version, str) and api_version and isinstance(kind, str) and kind):
            raise ContractError(src, what, "the object needs apiVersion and kind")
        if not isinstance(meta, Mapping) or not isinstance(meta.get("name"), str) or not meta["name"]:
            raise ContractError(src, what, "the object needs metadata.name (generateName cannot be tracked)")
        labels = meta.get("labels") or {}
        annotations = meta.get("annotations") or {}
        if not isinstance(labels, Mapping) or not isinstance(annotations, Mapping):
            raise ContractError(src, what, "metadata.labels and metadata.annotations must be maps")

        if rules.allowed_kinds and not _kind_allowed(rules.allowed_kinds, api_version, kind):
            raise ContractError(
                src, what, f"kind {api_version}/{kind} is not in allowed_kinds {list(rules.allowed_kinds)}"
            )
        body = copy.deepcopy(dict(body))
        meta = body["metadata"] = dict(body["metadata"])
        namespace: str | None
        namespaced = _namespaced(rules, defined, api_version, kind)
        if namespaced is None:
            raise ContractError(
                src,
                what,
                f"kind {api_version}/{kind} is not served by the cluster (its discovery does not know"
                " it, and no CustomResourceDefinition in the chart defines it)",
            )
        if namespaced:
            namespace = meta.get("namespace") or rules.namespace
            if namespace != rules.namespace and not rules.allow_other_namespaces:
                raise ContractError(
                    src,
                    what,
                    f"namespace {namespace!r} is not the spawner's namespace {rules.namespace!r}"
                    " (set allow_other_namespaces to permit it)",
                )
            meta["namespace"] = namespace
        else:
            if not rules.allow_cluster_scoped:
                raise ContractError(
                    src, what, f"{kind} is cluster-scoped (set allow_cluster_scoped to permit it)"
                )
            if meta.get("namespace"):
                raise ContractError(src, what, f"{kind} is cluster-scoped and cannot have a namespace")
            namespace = None

        lifecycle = annotations.get(rules.lifecycle_key, SERVER_STOPPED)
        if lifecycle not in LIFECYCLES:
            raise ContractError(
                src,
                what,
                f"annotation {rules.lifecycle_key}={lifecycle!r} is not one of {', '.join(LIFECYCLES)}",
            )
        _check_label(src, what, labels, INSTANCE_LABEL, (rules.instance,), "every object")
        _check_label(src, what, labels, USERNAME_LABEL, accepted[USERNAME_LABEL], "every user object",
                     chosen)  # fmt: skip
        if lifecycle not in (USER_DELETED, NEVER_DELETED) or SERVERNAME_LABEL in labels:
            _check_label(
                src,
                what,
                labels,
                SERVERNAME_LABEL,
                accepted[SERVERNAME_LABEL],
                f"every server object (lifecycle {lifecycle})",
                chosen,
            )
        ref = ServerObject(api_version, kind, meta["name"], namespace, lifecycle)
        key = (ref.group, kind, namespace, ref.name)
        if key in seen:
            raise ContractError(src, what, f"the same object is also rendered by {seen[key]}")
        seen[key] = src

        flag = annotations.get(rules.connection_key)
        if flag not in (None, "false"):
            if flag != "true":
                raise ContractError(
                    src, what, f'annotation {rules.connection_key} must be "true", not {flag!r}'
                )
            if api_version != "v1" or kind not in ("Pod", "Service"):
                raise ContractError(src, what, "the connection object must be a v1 Pod or Service")
            if lifecycle != SERVER_STOPPED:
                raise ContractError(src, what, f"the connection object must have lifecycle {SERVER_STOPPED}")
            if connection is not None:
                raise ContractError(
                    src,
                    what,
                    f'only one object may have {rules.connection_key}="true"; '
                    f"{connection_source} already marks {connection.describe()}",
                )
            connection, connection_source = ref, src
        once = annotations.get(rules.create_only_key, "false")
        if once not in ("true", "false"):
            raise ContractError(
                src, what, f'annotation {rules.create_only_key} must be "true" or "false", not {once!r}'
            )
        if once == "true" and lifecycle not in LASTING:
            raise ContractError(
                src,
                what,
                f'annotation {rules.create_only_key}="true" needs a lifecycle that outlives a stop '
                f"({', '.join(sorted(LASTING))}), not {lifecycle}",
            )
        bodies.append(body)
        refs.append(ref)
        create_only.append(once == "true")
    if connection is None:
        raise ContractError(
            "(chart)",
            "(none)",
            f'exactly one Pod or Service must have the annotation {rules.connection_key}="true"',
        )
    used = {key: value for key, (value, _) in chosen.items()}
    used.setdefault(USERNAME_LABEL, rules.username)
    used.setdefault(SERVERNAME_LABEL, rules.servername)
    return CheckedObjects(bodies, refs, connection, used, create_only)


def _check_label(
    src: str,
    what: str,
    labels: Mapping[str, Any],
    key: str,
    accepted: tuple[str, ...],
    who: str,
    chosen: dict[str, tuple[str, str]] | None = None,
) -> None:
    """``labels[key]`` is one of ``accepted``, and (with ``chosen``) the value every earlier
    object of the set used: deletion selects on one value, so a set mixing two would leak."""
    alternatives = " or ".join(repr(v) for v in dict.fromkeys(accepted))
    got = labels.get(key)
    if got is None:
        raise ContractError(src, what, f"{who} needs the label {key}: {alternatives}")
    if got not in accepted:
        raise ContractError(src, what, f"label {key} is {got!r}, expected {alternatives}")
    if chosen is not None:
        earlier = chosen.setdefault(key, (got, f"{what} ({src})"))
        if earlier[0] != got:
            raise ContractError(
                src,
                what,
                f"label {key} is {got!r}, but {earlier[1]} has {earlier[0]!r}: "
                "every object rendered for a server must use the same value",
            )
    if not is_valid_label(got):
        raise ContractError(
            src, what, f"label {key}={got!r} is not a valid Kubernetes label value (use slug_scheme 'safe')"
        )
