"""KubeTemplateSpawner: each JupyterHub server is a Helm chart rendered in-process and applied."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

from jupyterhub.spawner import Spawner
from jupyterhub.utils import maybe_future
from kubespawner import KubeSpawner
from traitlets import Bool, Callable, Dict, Enum, Float, Integer, List, Unicode, Union, default

from kts.kube.errors import DeleteTimeout, KubeError, NotReady, Unavailable, UnknownKind
from kts.names import SlugScheme, safe_slug, server_names
from kts.spawner import charts, reaper
from kts.spawner import namespaces as user_namespaces
from kts.spawner.cluster import Cluster, Connection, shared_cluster
from kts.spawner.contract import (
    CONNECTION_ANNOTATION,
    INSTANCE_LABEL,
    LIFECYCLE_ANNOTATION,
    SERVER_DELETED,
    SERVER_STOPPED,
    SERVERNAME_LABEL,
    USER_DELETED,
    USERNAME_LABEL,
    CheckedObjects,
    Rules,
    ServerObject,
    check,
)
from kts.spawner.errors import OwnershipError, SpawnFailed
from kts.spawner.kubeobjects import FOLLOWS_DELETE_PVC_ANNOTATION, kubespawner_values, pvc_lifecycle
from kts.spawner.orphans import OrphanSweeper
from kts.spawner.ownership import (
    SERVER_ID_LABEL,
    SERVERNAME_ANNOTATION,
    USER_ID_LABEL,
    USERNAME_ANNOTATION,
    Identity,
    is_server_level,
    judge,
    stamp,
)
from kts.spawner.profiles import Overlay, overlay
from kts.spawner.progress import ProgressLog
from kts.spawner.state import STATE_KEY, ServerState
from kts.spawner.values import (
    builtin_values,
    load_values_files,
    merge,
    release_name,
    resolve_extra_vars,
    run_post_render_hook,
    server_values,
)


class KubeTemplateSpawner(KubeSpawner):  # type: ignore[misc]
    """Spawn each server by rendering a Helm chart with the server's variables and applying it.

    The chart is rendered in-process (no helm binary), every object is checked against the chart
    contract before anything is applied, and objects are removed by their lifecycle annotation.

    A KubeSpawner subclass so that ``c.KubeSpawner.*`` settings, profiles and ``kubespawner_override``
    apply unchanged: KubeSpawner builds the Pod and PVC (``.Values.kubespawner``), kts deploys them.
    KubeSpawner's own API client, reflectors, start, stop, poll and state are never used.
    """

    chart = Unicode(
        "",
        config=True,
        help="""Helm chart of one server: a chart directory or a packaged .tgz.

        Empty means the `kubespawner` chart shipped with kts: the Pod and PVC KubeSpawner would
        create, with the API token in a Secret.""",
    )
    values = Dict(
        config=True,
        help="Chart values, like `helm --set`; the server's template variables and extra_vars override them.",
    )
    values_files = List(
        Unicode(),
        config=True,
        help="YAML values files merged in order (like `helm -f`), below `values`.",
    )
    extra_vars = Union(
        [Dict(), Callable()],
        default_value={},
        config=True,
        help="""Extra chart values: a dict, or a callable taking the spawner (sync or async) that
        returns one. Applied last, so it can override the built-in template variables.""",
    )
    post_render_hook = Callable(
        None,
        allow_none=True,
        config=True,
        help="""A callable `f(spawner, objects)` (sync or async), like Helm's `--post-renderer`: it
        gets the rendered objects (a list of dicts) before the contract check and returns the list
        to use (or None, having changed it in place). Its result is checked like the chart's.""",
    )
    instance = Unicode(
        "jupyter",
        config=True,
        help="""Name of this hub deployment: the `app.kubernetes.io/instance` label every object must
        carry. Hubs sharing a namespace need different instances.""",
    )
    connection_annotation = Unicode(
        CONNECTION_ANNOTATION,
        config=True,
        help='Annotation marking the one Pod or Service the hub connects to (value "true").',
    )
    lifecycle_annotation = Unicode(
        LIFECYCLE_ANNOTATION,
        config=True,
        help="""Annotation saying when an object is deleted: server-stopped (the default),
        server-deleted, user-deleted, or never-deleted (kts never deletes it).""",
    )
    create_only_annotation = Unicode(
        "kubetemplatespawner/create-only",
        config=True,
        help="""Annotation (value "true") marking an object that is created when missing and never
        updated after, as KubeSpawner creates a PVC: when it exists, only its labels and
        annotations are applied. Only for objects that outlive a stop (lifecycle server-deleted,
        user-deleted or never-deleted).""",
    )
    in_cluster = Bool(
        None,
        allow_none=True,
        config=True,
        help="Use the pod's service account (True), a kubeconfig (False), or whichever exists (None).",
    )
    kubeconfig = Unicode(
        None,
        allow_none=True,
        config=True,
        help="Path of a kubeconfig file (default: $KUBECONFIG, ~/.kube/config).",
    )
    kube_context = Unicode(None, allow_none=True, config=True, help="Context of the kubeconfig to use.")
    field_manager = Unicode(
        "kubetemplatespawner",
        config=True,
        help="""Prefix of the server-side apply field manager: each server applies as
        `<field_manager>-<server-id>`, so another server's apply conflicts instead of overwriting.""",
    )
    adopt_unidentified = Bool(
        False,
        config=True,
        help="""Apply over existing objects that carry no kts ownership labels and no
        `hub.jupyter.org/username` annotation naming the user (objects made by other tools).
        Objects of other servers, users or instances are never adopted.""",
    )
    ready_timeout = Float(
        0,
        config=True,
        help="""Seconds to wait for the connection object to become ready; 0 means a little less than
        start_timeout, so the spawner reports why a server did not start before the hub gives up.""",
    )
    image_pull_grace = Float(
        30,
        config=True,
        help="""Seconds an image may keep failing to pull (ErrImagePull, ImagePullBackOff) before the
        spawn fails with the pull error instead of waiting out the timeout.""",
    )
    delete_timeout = Float(
        60, config=True, help="Seconds to wait for deleted objects to disappear before stop() fails."
    )
    kube_version = Unicode(
        None,
        allow_none=True,
        config=True,
        help="`.Capabilities.KubeVersion` for templates (default: the cluster's version).",
    )
    api_versions = List(
        Unicode(),
        default_value=None,
        allow_none=True,
        config=True,
        help="`.Capabilities.APIVersions` for templates (default: what the cluster serves).",
    )
    allowed_kinds = List(
        Unicode(),
        config=True,
        help="""Kinds a chart may create, as `Kind`, `group/Kind` or `apiVersion/Kind`. Empty allows
        every namespaced kind the hub's RBAC permits.""",
    )
    allow_cluster_scoped = Bool(
        False, config=True, help="Let charts create cluster-scoped objects (they are never shared safely)."
    )
    allow_other_namespaces = Bool(
        False, config=True, help="Let charts create objects, and lookup, outside `namespace`."
    )
    service_host = Unicode(
        "{name}.{namespace}.svc",
        config=True,
        help="""Host the hub connects to when the connection object is a Service; `{name}`,
        `{namespace}` and `{cluster_ip}` are replaced.""",
    )
    service_connect = Enum(
        ["dns", "endpoints"],
        "dns",
        config=True,
        help="""How the hub reaches a Service connection object: `dns` (`service_host`), or
        `endpoints`: straight to a ready pod behind it (for hubs outside the cluster network's DNS,
        such as the emulator demo).""",
    )
    cleanup_orphans = Bool(
        True,
        config=True,
        help="""At hub start-up, delete server-stopped objects of this instance whose server the hub
        does not consider running (left behind by crashes or a lost database).""",
    )
    orphan_cleanup_interval = Float(
        300,
        config=True,
        help="""Seconds between orphan cleanups after start-up (catches what API outages and
        hub restarts left); 0 runs it only once.""",
    )
    resource_kinds = List(
        Unicode(),
        config=True,
        help="""Kinds (`apiVersion/Kind`, e.g. `apps/v1/Deployment`) always searched when deleting a
        server's objects, besides those its last render produced: list kinds a chart creates only
        conditionally.""",
    )
    render_concurrency = Integer(
        8, config=True, help="Charts rendered at once (renders run in worker threads)."
    )

    @default("ip")
    def _default_ip(self) -> str:
        return "0.0.0.0"

    @default("port")
    def _default_port(self) -> int:
        return 8888

    @default("env_keep")
    def _default_env_keep(self) -> list[str]:
        return []

    _render_slots: dict[int, asyncio.Semaphore] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # KubeSpawner.__init__ loads a kubeconfig and creates its API client: skip it, keep its names.
        Spawner.__init__(self, *args, **kwargs)
        self.api = None
        self._start_future = None
        self._pvc_exists = False
        if self.enable_user_namespaces:
            self.namespace = self._expand_user_properties(self.user_namespace_template)
        self._expand_names()
        self.secret_name = self._expand_user_properties(self.secret_name_template)
        self.pvc_name = self._expand_user_properties(self.pvc_name_template)
        working_dir: str | None = self.working_dir  # type: ignore[has-type]
        if working_dir:
            self.working_dir = self._expand_user_properties(working_dir)
        self._state = ServerState()
        self._overlay = Overlay()
        self._progress = ProgressLog()
        self._progress.close()
        self._starting = False
        self._state_lost = False
        if self.cleanup_orphans:
            OrphanSweeper.ensure_started(self)

    def _expand_names(self) -> None:
        """KubeSpawner's per-start names (``clear_state`` renews them, as KubeSpawner does)."""
        self.pod_name = self._expand_user_properties(self.pod_name_template)
        self.dns_name = self.dns_name_template.format(namespace=self.namespace, name=self.pod_name)

    async def load_user_options(self) -> None:
        """KubeSpawner's: validate the user's profile choices and apply ``kubespawner_override``;
        the chosen profile's ``values:`` and ``chart:`` overlays are taken on the way."""
        self._overlay = Overlay()
        await super().load_user_options()

    def _load_profile(self, slug: str | None, profile_list: list[dict[str, Any]]) -> None:
        self._overlay = overlay(self._get_profile(slug, profile_list), self.user_options or {})
        super()._load_profile(slug, profile_list)

    async def _start_reflector(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("KubeTemplateSpawner does not run KubeSpawner's reflectors")

    # ----- names and labels -------------------------------------------------------------------

    @property
    def _origin(self) -> tuple[str, str]:
        """The raw user and server names this server's Kubernetes names and identity come from:
        those it first started with (a rename keeps them), else the current ones."""
        if len(self._state.origin) == 2:
            return self._state.origin[0], self._state.origin[1]
        return self.user.name, self.name or ""

    @property
    def server_names(self) -> Any:
        return server_names(*self._origin, self._scheme)

    @property
    def label_names(self) -> tuple[str, str]:
        """KubeSpawner 7's label slugs of the user and server names (``hub.jupyter.org/username``
        and ``servername`` on its objects): shorter than its name slugs, and keeping ``.``, ``_``
        and upper case. The contract accepts them as well as the escaped names."""
        username, servername = self._origin
        return safe_slug(username, label=True), safe_slug(servername, label=True)

    @property
    def _scheme(self) -> SlugScheme:
        return "escape" if self.slug_scheme == "escape" else "safe"

    @property
    def identity(self) -> Identity:
        """This server by raw names: what its ownership labels are made of."""
        username, servername = self._origin
        cached = self.__dict__.get("_identity")
        if cached is None or (cached.instance, cached.username, cached.servername) != (
            self.instance, username, servername
        ):  # fmt: skip
            cached = self.__dict__["_identity"] = Identity(self.instance, username, servername)
        return cached

    def user_labels(self, *, kubespawner_slugs: bool = False) -> dict[str, str]:
        """Labels every object of this user carries: the seed's (with the escaped name, or
        KubeSpawner's label slug), and the user's identity."""
        username = self.label_names[0] if kubespawner_slugs else self.server_names.username
        return {INSTANCE_LABEL: self.instance, USERNAME_LABEL: username, USER_ID_LABEL: self.identity.user_id}

    def server_labels(self, *, kubespawner_slugs: bool = False) -> dict[str, str]:
        """Labels every object of this server carries: the seed's, and the server's identity."""
        servername = self.label_names[1] if kubespawner_slugs else self.server_names.servername
        return {
            **self.user_labels(kubespawner_slugs=kubespawner_slugs),
            SERVERNAME_LABEL: servername,
            SERVER_ID_LABEL: self.identity.server_id,
        }

    @property
    def _manager(self) -> str:
        return f"{self.field_manager}-{self.identity.server_id}"

    @property
    def connection_settings(self) -> Connection:
        return Connection(self.kubeconfig, self.kube_context, self.in_cluster)

    async def cluster(self) -> Cluster:
        return await shared_cluster(self.connection_settings)

    # ----- state ------------------------------------------------------------------------------

    def get_state(self) -> dict[str, Any]:
        state = Spawner.get_state(self)
        if self._state.refs or self._state.running or self._state.kinds or self._state.labels:
            state[STATE_KEY] = self._state.to_json()
        return state

    def load_state(self, state: dict[str, Any]) -> None:
        Spawner.load_state(self, state)
        stored = state.get(STATE_KEY) if isinstance(state, dict) else None
        if stored is None:
            if isinstance(state, dict) and state.get("pod_name"):
                self._take_over_kubespawner_state(state)
            return
        try:
            self._state = ServerState.from_json(stored)
            if self._state.pvc_name and self.remember_pvc_name:
                self.pvc_name = self._state.pvc_name
        except (ValueError, TypeError) as e:
            # Unknown or damaged state: remember nothing, so stop() falls back to labels alone.
            self.log.warning("Ignoring stored state of %s: %s", self._log_name, e)
            self._state = ServerState(running=True, namespace=self.namespace, kinds=[])
            self._state_lost = True

    async def rename(self, old_name: str, new_name: str) -> None:
        """A stopped server is renamed: it keeps the names it started with (and so its volume and
        objects). The hub saves no state around a rename, so the origin is written here."""
        if not (self._state.labels or self._state.kinds) or len(self._state.origin) == 2:
            return  # never started, or its origin is already remembered
        self._state.origin = [self.user.name, old_name]
        self._state.pvc_name = self._state.pvc_name or self.pvc_name
        orm_spawner = getattr(self, "orm_spawner", None)
        if orm_spawner is not None:
            orm_spawner.state = self.get_state()

    def _take_over_kubespawner_state(self, state: dict[str, Any]) -> None:
        """The hub switched from KubeSpawner: its saved server may still run. Remember its Pod so
        poll() finds it and stop() deletes it (by name, once its annotations show it is this
        server's); the next start adopts its PVC by the same annotations."""
        KubeSpawner.load_state(self, state)
        pod = ServerObject("v1", "Pod", self.pod_name, self.namespace, SERVER_STOPPED)
        self._state = ServerState(
            namespace=self.namespace, refs=[pod], connection=pod, running=True, kinds=["v1/Pod"],
            namespaces=[self.namespace], adopted=[pod],
        )  # fmt: skip

    def clear_state(self) -> None:
        Spawner.clear_state(self)
        self._expand_names()
        self._state = self._state.lasting()
        self._state_lost = False

    # ----- rendering --------------------------------------------------------------------------

    async def chart_values(self) -> dict[str, Any]:
        """The values this server's chart is rendered with (holds the API token: never log them)."""
        configured = (
            await asyncio.to_thread(load_values_files, list(self.values_files)) if self.values_files else {}
        )
        configured = merge(merge(configured, self.values), self._overlay.values)
        builtins = builtin_values(self, instance=self.instance, namespace=self.namespace,
                                  names=self.server_names, identity=self.identity)  # fmt: skip
        builtins["slugs"] = {
            scheme: dataclasses.asdict(server_names(*self._origin, scheme)) for scheme in ("safe", "escape")
        }
        label_username, label_servername = self.label_names
        builtins["slugs"]["label"] = {"username": label_username, "servername": label_servername}
        builtins["kubespawner"] = await kubespawner_values(
            self, connection_key=self.connection_annotation, lifecycle_key=self.lifecycle_annotation,
            create_only_key=self.create_only_annotation,
        )  # fmt: skip
        extra = await resolve_extra_vars(self.extra_vars, self)
        return server_values(configured, builtins, extra)

    def contract_rules(self, cluster: Cluster | None) -> Rules:
        names = self.server_names
        label_username, label_servername = self.label_names
        return Rules(
            instance=self.instance,
            username=names.username,
            servername=names.servername,
            username_aliases=(label_username,),
            servername_aliases=(label_servername,),
            namespace=self.namespace,
            connection_key=self.connection_annotation,
            lifecycle_key=self.lifecycle_annotation,
            create_only_key=self.create_only_annotation,
            allowed_kinds=tuple(self.allowed_kinds),
            allow_cluster_scoped=self.allow_cluster_scoped,
            allow_other_namespaces=self.allow_other_namespaces,
            is_namespaced=cluster.is_namespaced if cluster is not None else None,
        )

    async def render(self, cluster: Cluster | None) -> CheckedObjects:
        """Render the chart in a worker thread and check the result against the contract."""
        values = await self.chart_values()
        chart = await asyncio.to_thread(charts.load, self._overlay.chart or self.chart)
        names = self.server_names
        release = release_name(self.instance, names.user_server)
        kube_version, api_versions = self.kube_version, self.api_versions
        if cluster is not None and (kube_version is None or api_versions is None):
            found_version, found_apis = await cluster.capabilities()
            kube_version = kube_version if kube_version is not None else found_version
            api_versions = api_versions if api_versions is not None else found_apis
        lookup = charts.bridge_lookup(cluster, asyncio.get_running_loop(), self.contract_rules(cluster))
        loop_id = id(asyncio.get_running_loop())
        slots = self._render_slots.setdefault(loop_id, asyncio.Semaphore(self.render_concurrency))
        async with slots:
            rendered = await asyncio.to_thread(
                charts.render, chart, values, release_name=release, namespace=self.namespace,
                kube_version=kube_version, api_versions=api_versions, lookup=lookup,
            )  # fmt: skip
        self._state.release = release
        if self.post_render_hook is not None:
            rendered = await run_post_render_hook(self.post_render_hook, self, rendered)
        await charts.ensure_scopes(cluster, rendered)
        return check(rendered, self.contract_rules(cluster))

    # ----- start ------------------------------------------------------------------------------

    def _wait_budget(self) -> float:
        if self.ready_timeout > 0:
            return self.ready_timeout
        return max(1.0, min(self.start_timeout - 5.0, self.start_timeout * 0.9))

    async def start(self) -> str:
        progress = self._progress = ProgressLog()
        self._starting = True
        created = False
        reaper.cancel(self.identity.server_id)
        try:
            # KubeSpawner's profile_list and kubespawner_override, validated as KubeSpawner does.
            try:
                await self.load_user_options()
            except ValueError as e:
                raise SpawnFailed(f"invalid server options: {e}", reason="options", status_code=400) from e
            progress.add("Rendering the server's chart", 5)
            cluster = await self._cluster_for_start()
            checked = await self.render(cluster)
            progress.add(
                f"Rendered {len(checked.refs)} objects: "
                + ", ".join(r.describe() for r in checked.refs), 20,
            )  # fmt: skip
            planned = self._planned_host(checked.connection)
            if planned is not None:
                self._require_tls_name(planned, checked.connection)
            user_namespace = None
            if self.enable_user_namespaces:
                user_namespace = await user_namespaces.plan(
                    self, self.identity, cluster, adopt_unidentified=self.adopt_unidentified
                )
            adoptable = await self._check_ownership(cluster, checked)
            if user_namespace is not None:
                manager = f"{self.field_manager}-{self.identity.user_id}"
                await user_namespaces.ensure(cluster, user_namespace, field_manager=manager)
            kinds = sorted({f"{r.api_version}/{r.kind}" for r in checked.refs} | set(self._state.kinds))
            await self._remove_leftovers(cluster, kinds)
            namespaces = {r.namespace for r in checked.refs if r.namespace} | set(self._state.namespaces)
            self._state = ServerState(
                namespace=self.namespace, release=self._state.release, refs=checked.refs,
                connection=checked.connection, running=True, kinds=kinds,
                labels={**self.server_labels(), **checked.labels},
                namespaces=sorted(namespaces | {self.namespace}), origin=list(self._origin),
                pvc_name=self.pvc_name,
            )  # fmt: skip
            created = True
            progress.add(f"Applying {len(checked.refs)} objects", 30)
            applied = await self._apply(cluster, checked, adoptable)
            await self._after_pod_created(checked, applied)
            progress.add(f"Waiting for {checked.connection.describe()}", 50)
            live = await self._wait_connection(cluster, checked, applied)
            url = await self._url_of(cluster, live, checked.connection)
            progress.add(f"{checked.connection.describe()} is ready", 95)
            return url
        except BaseException as e:
            failure = self._failure(e)
            if created:
                await self._rollback(failure)
            if failure is not None:
                progress.add(f"Spawn failed: {failure.message}", 100, failed=True)
                raise failure from e
            raise
        finally:
            self._starting = False
            progress.close()

    async def _apply(
        self, cluster: Cluster, checked: CheckedObjects, existing: set[tuple[str, ...]]
    ) -> list[dict[str, Any]]:
        """Apply the objects; of a create-only object that exists, only kts's labels and annotations
        (so a PVC is created once, as KubeSpawner does, yet takes a changed lifecycle). Those go
        under a field manager of their own: under the server's, the fields it applied before and
        omits now would be removed, which an immutable spec refuses."""

        def force(body: dict[str, Any]) -> bool:
            return _key(body) in existing  # this server's, or adoptable: checked before

        kept: list[dict[str, Any]] = []
        full: list[dict[str, Any]] = []
        for body, once in zip(checked.bodies, checked.create_only, strict=True):
            if once and _key(body) in existing:
                kept.append(self._bookkeeping_only(body))
            else:
                full.append(body)
        applied: list[dict[str, Any]] = []
        for bodies, manager in ((kept, f"{self._manager}-metadata"), (full, self._manager)):
            if bodies:
                applied += await cluster.apply(
                    bodies, namespace=self.namespace, field_manager=manager, force=force
                )
        return applied

    def _bookkeeping_only(self, body: dict[str, Any]) -> dict[str, Any]:
        """An apply configuration of ``body`` holding only kts's own labels and annotations (the
        contract's, the identity, the lifecycle): what finds, guards and deletes the object."""
        meta = body["metadata"]
        label_keys = {INSTANCE_LABEL, USERNAME_LABEL, SERVERNAME_LABEL, USER_ID_LABEL, SERVER_ID_LABEL}
        annotation_keys = {self.lifecycle_annotation, self.create_only_annotation,
                           FOLLOWS_DELETE_PVC_ANNOTATION, USERNAME_ANNOTATION,
                           SERVERNAME_ANNOTATION}  # fmt: skip
        kept: dict[str, Any] = {"name": meta["name"]}
        if meta.get("namespace"):
            kept["namespace"] = meta["namespace"]
        labels, annotations = meta.get("labels") or {}, meta.get("annotations") or {}
        kept["labels"] = {k: v for k, v in labels.items() if k in label_keys}
        kept["annotations"] = {k: v for k, v in annotations.items() if k in annotation_keys}
        return {"apiVersion": body["apiVersion"], "kind": body["kind"], "metadata": kept}

    async def _check_ownership(self, cluster: Cluster, checked: CheckedObjects) -> set[tuple[str, ...]]:
        """Stamp every object with this server's identity and refuse, before anything is applied,
        to apply over an existing object that is not this server's (or this user's).

        Returns the keys of existing objects that are this server's or adoptable: only those are
        applied with forced conflicts. An object absent now is applied without force, so if another
        server creates it meanwhile, its identity label makes the apply conflict instead of winning.
        """
        identity = self.identity
        for body in checked.bodies:
            stamp(body, identity)

        async def existing(ref: ServerObject) -> dict[str, Any] | None:
            try:
                return await cluster.get(ref.api_version, ref.kind, ref.name, ref.namespace)
            except UnknownKind:
                return None  # a kind whose CustomResourceDefinition is in this same set

        found = await asyncio.gather(*(existing(ref) for ref in checked.refs))
        adoptable: set[tuple[str, ...]] = set()
        for body, ref, live in zip(checked.bodies, checked.refs, found, strict=True):
            if live is None:
                continue
            verdict = judge(live, identity, server_level=is_server_level(body),
                            adopt_unidentified=self.adopt_unidentified)  # fmt: skip
            if not verdict.allowed:
                raise OwnershipError(ref.describe(), verdict.reason)
            adoptable.add(_key(body))
        return adoptable

    async def _cluster_for_start(self) -> Cluster:
        try:
            cluster = await self.cluster()
            await cluster.load_scopes()
            return cluster
        except Exception as e:
            # Configuration problems (no kubeconfig, no service account) land here too.
            raise SpawnFailed(
                f"cannot reach Kubernetes: {type(e).__name__}: {e}", reason="kubernetes", status_code=503
            ) from e

    def _failure(self, e: BaseException) -> SpawnFailed | None:
        """The user-facing error for ``e`` (None for cancellation, which the hub reports)."""
        if isinstance(e, SpawnFailed):
            return e
        if isinstance(e, asyncio.CancelledError | KeyboardInterrupt | SystemExit):
            return None
        if _unreachable(e):
            return SpawnFailed(
                f"cannot reach Kubernetes: {type(e).__name__}: {e}", reason="kubernetes", status_code=503
            )
        if isinstance(e, NotReady):
            return SpawnFailed(f"server did not start: {e}", reason="not-ready")
        if isinstance(e, TimeoutError):
            return SpawnFailed(f"server did not start: {e or 'timed out'}", reason="timeout")
        if isinstance(e, KubeError):
            return SpawnFailed(f"Kubernetes refused the server's objects: {e}", reason="kubernetes")
        from kts.helm import RenderError

        if isinstance(e, RenderError):
            return SpawnFailed(f"the server's chart failed to render: {e}", reason="chart", status_code=400)
        return SpawnFailed(f"spawn failed: {type(e).__name__}: {e}", reason="error")

    async def _remove_leftovers(self, cluster: Cluster, kinds: list[str]) -> None:
        """Delete what an earlier run of this server left: a new Pod must not meet an old one."""
        for namespace, labels in self._where():
            await cluster.delete(
                namespace=namespace, labels=labels, lifecycles=[SERVER_STOPPED],
                include_unannotated=True, timeout=self.delete_timeout, now=True,
                kinds=set(kinds) | set(self.resource_kinds), lifecycle_annotation=self.lifecycle_annotation,
            )  # fmt: skip

    def _stop_kinds(self) -> set[str] | None:
        """Kinds to search at stop; None (every kind) when the state does not say."""
        if self._state_lost or not self._state.kinds:
            return None
        return set(self._state.kinds) | set(self.resource_kinds)

    async def _wait_connection(
        self, cluster: Cluster, checked: CheckedObjects, applied: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """Wait for the connection object (and the server's Pods, which tell why they fail).

        Events are reported only for the objects this start created: an earlier object of the
        same name (an earlier run's pod) has another uid.
        """
        uids = {
            (obj.get("kind"), (obj.get("metadata") or {}).get("name")): (obj.get("metadata") or {}).get("uid")
            for obj in applied or []
            if isinstance(obj, dict)
        }
        targets = [
            body for body, ref in zip(checked.bodies, checked.refs, strict=True)
            if ref == checked.connection or (ref.kind == "Pod" and ref.api_version == "v1")
        ]  # fmt: skip
        seen: set[str | int] = set()

        def on_event(event: dict[str, Any]) -> None:
            uid = (event.get("metadata") or {}).get("uid") or id(event)
            inv = event.get("involvedObject") or event.get("regarding") or {}
            current = uids.get((inv.get("kind"), inv.get("name")))
            if uid in seen or (current and inv.get("uid") and inv.get("uid") != current):
                return
            seen.add(uid)
            text = event.get("message") or event.get("note") or ""
            self._progress.add_waiting(
                f"[{event.get('type', 'Normal')}] {inv.get('kind', '')} {inv.get('name', '')}: {text}".strip()
            )

        await cluster.wait_ready(
            targets, timeout=self._wait_budget(), on_event=on_event, pull_grace=self.image_pull_grace
        )
        conn = checked.connection
        fetched = await cluster.get(conn.api_version, conn.kind, conn.name, conn.namespace)
        if fetched is None:
            raise SpawnFailed(f"{conn.describe()} disappeared while starting", reason="not-ready")
        return fetched

    def _planned_host(self, ref: ServerObject) -> str | None:
        """The host the hub will connect to, when the rendered connection object decides it: a
        Pod's DNS name (``dns_name_template``, with ``internal_ssl`` or ``services_enabled``, as
        KubeSpawner connects through the Service named after its Pod) or ``pod_connect_ip``; a
        Service's ``service_host``. None when only the running object tells (its IP)."""
        namespace = ref.namespace or self.namespace
        if ref.kind == "Pod":
            if self.get_pod_url:
                return None
            if self.pod_connect_ip:
                # KubeSpawner expands each domain level on its own (an empty servername leaves none)
                return ".".join(
                    self._expand_user_properties(s) if "{" in s else s for s in self.pod_connect_ip.split(".")
                )
            if self.internal_ssl or self.services_enabled:
                return str(self.dns_name_template.format(namespace=namespace, name=ref.name))
            return None
        if self.service_connect == "dns" and "{cluster_ip}" not in self.service_host:
            return self.service_host.format(name=ref.name, namespace=namespace, cluster_ip="")
        return None

    def _require_tls_name(self, host: str, ref: ServerObject) -> None:
        """With internal_ssl, refuse a server whose certificate does not name ``host``: the hub's
        TLS check would fail once it runs."""
        certfile = (self.cert_paths or {}).get("certfile") if self.internal_ssl else None
        if not certfile:
            return
        from kts.spawner import tls

        if not tls.names_host(certfile, host):
            raise SpawnFailed(
                f"internal_ssl: the hub connects to {ref.describe()} as {host}, which the server's "
                f"certificate does not name (it names {tls.describe_names(certfile)}): "
                "add it to c.KubeSpawner.ssl_alt_names",
                reason="tls",
            )

    async def _after_pod_created(self, checked: CheckedObjects, applied: list[dict[str, Any]]) -> None:
        """KubeSpawner's ``after_pod_created_hook(spawner, pod)``, called with the applied Pod (the
        connection Pod, else the first): a failure fails the spawn and rolls it back."""
        if not self.after_pod_created_hook:
            return
        pods = [o for o in applied or [] if isinstance(o, dict) and o.get("kind") == "Pod"]
        if not pods:
            return
        conn = checked.connection
        pod = next((p for p in pods if (p.get("metadata") or {}).get("name") == conn.name), pods[0])
        try:
            await maybe_future(self.after_pod_created_hook(self, pod))
        except Exception as e:
            raise SpawnFailed(
                f"after_pod_created_hook failed: {type(e).__name__}: {e}", reason="hook"
            ) from e

    async def _url_of(self, cluster: Cluster, obj: dict[str, Any], ref: ServerObject) -> str:
        """The server's URL: KubeSpawner's for a Pod (``get_pod_url``, ``pod_connect_ip``, its DNS
        name with ``internal_ssl`` or ``services_enabled``, else its IP); a Service's name (or
        cluster IP, or backing pod)."""
        proto = "https" if self.internal_ssl else "http"
        meta, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
        if obj.get("kind") == "Pod" and self.get_pod_url:
            return str(self.get_pod_url(self, obj))
        planned = self._planned_host(ref)
        if obj.get("kind") == "Pod":
            host = planned or status.get("podIP")
            if not host:
                raise SpawnFailed(f"Pod {meta.get('name')} is ready but has no IP", reason="not-ready")
            port = _container_port(spec) or self.port
        elif self.service_connect == "endpoints":
            host, port = await self._service_backend(cluster, obj)
        else:
            host = planned or self.service_host.format(
                name=meta.get("name", ""), namespace=meta.get("namespace", self.namespace),
                cluster_ip=spec.get("clusterIP", ""),
            )  # fmt: skip
            port = _service_port(spec) or self.port
        if planned is None:
            self._require_tls_name(host, ref)
        if ":" in host:
            host = f"[{host}]"
        return f"{proto}://{host}:{port}"

    async def _service_backend(self, cluster: Cluster, svc: dict[str, Any]) -> tuple[str, int]:
        """A ready pod behind the Service and its target port, from the shared pod cache."""
        spec = svc.get("spec") or {}
        selector = spec.get("selector") or {}
        pods = await cluster.pods(self.namespace, f"{INSTANCE_LABEL}={self.instance}")
        name = (svc.get("metadata") or {}).get("name")
        for _ in range(50):
            for pod in pods.items():
                labels = (pod.get("metadata") or {}).get("labels") or {}
                ip = (pod.get("status") or {}).get("podIP")
                if selector and ip and all(labels.get(k) == v for k, v in selector.items()) and _ready(pod):
                    return ip, _target_port(spec, pod.get("spec") or {}) or self.port
            await pods.wait_changed(0.1)
        raise SpawnFailed(f"Service {name} has no ready pod behind it", reason="not-ready")

    async def _rollback(self, failure: SpawnFailed | None) -> None:
        """Remove what this start created; runs to completion even if the start was cancelled, and
        is retried in the background if the API refuses it now."""
        task = asyncio.ensure_future(self._delete_server_objects(now=True))
        try:
            await asyncio.shield(task)
            self._state.running = False
        except asyncio.CancelledError:
            pass
        except Exception as e:
            self.log.warning("Rollback of %s incomplete: %s", self._log_name, e)
            self._retry_deletion()
            if failure is not None:
                failure.message += f" (cleanup incomplete, retrying in the background: {e})"

    def _retry_deletion(self) -> None:
        """Keep deleting this server's objects until it works (until the server starts again)."""
        reaper.schedule(
            self.identity.server_id, lambda: self._delete_server_objects(now=True), self._log_name
        )

    # ----- progress ---------------------------------------------------------------------------

    async def progress(self) -> AsyncIterator[dict[str, Any]]:
        log = self._progress
        # The hub may ask for progress before start() has begun (spawn hooks run first): wait for
        # this spawn's own log rather than replaying the previous one.
        while log.closed and not self._starting and getattr(self, "pending", None) == "spawn":
            await asyncio.sleep(0.05)
            log = self._progress
        async for event in log.follow():
            yield event

    # ----- poll -------------------------------------------------------------------------------

    async def poll(self) -> int | None:
        if self._starting:
            return None
        if not self._state.running:
            return await self._poll_forgotten()
        # KubeSpawner's pods carry no instance label; its own reflector selects them by component.
        selector = f"{INSTANCE_LABEL}={self.instance}"
        if self._state.adopted:
            selector = f"component={self.component_label}"
        try:
            cluster = await self.cluster()
            pods = await cluster.pods(self._state.namespace or self.namespace, selector)
        except (KubeError, OSError, TimeoutError) as e:
            # Not knowing is not stopped: a transient API problem must never orphan a server.
            self.log.warning("Cannot poll %s: %s", self._log_name, e)
            return None
        return self._status_from(pods)

    async def _poll_forgotten(self) -> int | None:
        """Stopped by the state: still, a server whose Pod runs (a stop or rollback that failed
        during an API outage, before the hub cleared the state) is not reported stopped."""
        if not self._state.labels:
            return 0  # never started (as far as this hub knows): nothing to look for
        try:
            cluster = await self.cluster()
            namespace = self._state.namespace or self.namespace
            pods = await cluster.pods(namespace, f"{INSTANCE_LABEL}={self.instance}")
        except Exception as e:
            # Nothing known to run: stopped, as the state says (a later sweep checks again).
            self.log.debug("Cannot look for forgotten pods of %s: %s", self._log_name, e)
            return 0
        ids = self._server_ids()
        for pod in pods.items():
            meta = pod.get("metadata") or {}
            if (meta.get("labels") or {}).get(SERVER_ID_LABEL) in ids and _exit_status(pod) is None:
                if not reaper.pending(self.identity.server_id):
                    self._retry_deletion()
                return None
        return 0

    def _server_ids(self) -> set[str]:
        """This server's identity, and the one it started with (before a rename)."""
        ids = {self.identity.server_id}
        remembered = self._state.labels.get(SERVER_ID_LABEL)
        if remembered:
            ids.add(remembered)
        return ids

    def _server_pods(self, pods: Any) -> list[dict[str, Any] | None]:
        """This server's pods: by name from the state (if they still carry its identity), else by
        its labels."""
        ids = self._server_ids()

        def ours(ref: ServerObject, pod: dict[str, Any] | None) -> dict[str, Any] | None:
            if pod is None:
                return None
            if ref in self._state.adopted:
                return pod if self._adoptable(pod) else None
            labels = (pod.get("metadata") or {}).get("labels") or {}
            return pod if labels.get(SERVER_ID_LABEL) in ids else None

        pod_refs = [r for r in self._state.refs if r.kind == "Pod" and r.lifecycle == SERVER_STOPPED]
        if pod_refs:
            return [ours(r, pods.get(r.name)) for r in pod_refs]
        # Found by identity: the seed's labels may hold escaped names or KubeSpawner's label slugs.
        found = [p for p in pods.items() if _labels(p).get(SERVER_ID_LABEL) in ids]
        return found or [None]

    def _status_from(self, pods: Any) -> int | None:
        for pod in self._server_pods(pods):
            if pod is None:
                return 1
            code = _exit_status(pod)
            if code is not None:
                return code
        return None

    # ----- stop and delete --------------------------------------------------------------------

    def _adoptable(self, obj: dict[str, Any]) -> bool:
        """An object without kts identity that its annotations show to be this server's."""
        return judge(obj, self.identity, server_level=True, adopt_unidentified=False).kind == "adopt"

    async def _delete_adopted(self, cluster: Cluster, *, now: bool) -> None:
        """Delete, by name, the objects taken over from KubeSpawner's state, and wait until gone."""
        for ref in self._state.adopted:
            live = await cluster.get(ref.api_version, ref.kind, ref.name, ref.namespace)
            if live is None or not self._adoptable(live):
                continue
            await cluster.client.delete(ref.api_version, ref.kind, ref.name, ref.namespace,
                                        grace_period=0 if now else None)  # fmt: skip
            deadline = asyncio.get_running_loop().time() + self.delete_timeout
            while await cluster.get(ref.api_version, ref.kind, ref.name, ref.namespace) is not None:
                if asyncio.get_running_loop().time() > deadline:
                    raise SpawnFailed(f"{ref.describe()} still present after {self.delete_timeout:g}s",
                                      reason="stop")  # fmt: skip
                await asyncio.sleep(0.1)

    async def stop(self, now: bool = False) -> None:
        try:
            await self._delete_server_objects(now=now)
        except Exception:
            # The hub forgets a server whose stop failed: keep deleting until it works.
            self._retry_deletion()
            raise
        reaper.cancel(self.identity.server_id)  # this stop did what an earlier failed one left to retry
        self._state.running = False

    def _where(self, *, every_slug: bool = False) -> list[tuple[str, dict[str, str]]]:
        """(namespace, server labels) pairs to search: the current ones, plus those the server had
        when it started if a rename or a scheme change altered them, or KubeSpawner's label slugs
        when nothing is remembered (or ``every_slug``: deletions, where another server of the user
        may have made the objects). Every set holds a server identity: escaped names alone are
        not unique."""
        label_sets = [self.server_labels()]
        if self._state.labels:
            remembered = dict(self._state.labels)
            remembered.setdefault(SERVER_ID_LABEL, self.identity.server_id)
            remembered.setdefault(USER_ID_LABEL, self.identity.user_id)
            if remembered not in label_sets:
                label_sets.append(remembered)
        kubespawner = self.server_labels(kubespawner_slugs=True)
        if (every_slug or not self._state.labels) and kubespawner not in label_sets:
            label_sets.append(kubespawner)
        namespaces = sorted({self._state.namespace or self.namespace, *self._state.namespaces})
        return [(ns, labels) for ns in namespaces for labels in label_sets]

    async def _delete_server_objects(self, *, now: bool) -> None:
        cluster = await self.cluster()
        if self._state.adopted:
            await self._delete_adopted(cluster, now=now)
        for namespace, labels in self._where():
            try:
                await cluster.delete(
                    namespace=namespace, labels=labels, lifecycles=[SERVER_STOPPED], include_unannotated=True,
                    timeout=self.delete_timeout, now=now, kinds=self._stop_kinds(),
                    lifecycle_annotation=self.lifecycle_annotation,
                )  # fmt: skip
            except DeleteTimeout as e:
                left = ", ".join(str(r) for r in e.remaining)
                raise SpawnFailed(
                    f"objects still present after {self.delete_timeout:g}s: {left}", reason="stop"
                ) from e

    async def delete_forever(self) -> None:
        """A named server's server-deleted objects; for the default server (the user is being
        deleted) also the user's user-deleted objects. Searches every kind: this is rare."""
        cluster = await self.cluster()
        for namespace, labels in self._where(every_slug=True):
            user_labels = {k: v for k, v in labels.items() if k not in (SERVERNAME_LABEL, SERVER_ID_LABEL)}
            await self._follow_delete_pvc(cluster, namespace, labels if self.name else user_labels)
            await cluster.delete(
                namespace=namespace, labels=labels, lifecycles=[SERVER_DELETED], include_unannotated=False,
                timeout=self.delete_timeout, lifecycle_annotation=self.lifecycle_annotation,
            )  # fmt: skip
            if not self.name:
                await cluster.delete(
                    namespace=namespace, labels=user_labels, lifecycles=[USER_DELETED],
                    include_unannotated=False, timeout=self.delete_timeout,
                    lifecycle_annotation=self.lifecycle_annotation,
                )  # fmt: skip
        self._state = ServerState()

    async def _follow_delete_pvc(self, cluster: Cluster, namespace: str, labels: dict[str, str]) -> None:
        """Give the claims whose lifecycle came from ``delete_pvc`` (the default chart's) the one
        the current ``delete_pvc`` says, before deleting by lifecycle: KubeSpawner reads the setting
        when the user is deleted, so one switched on (or off) since the claim was applied holds."""
        found = await cluster.find(namespace=namespace, labels=labels, kinds={"v1/PersistentVolumeClaim"})
        changes = []
        for claim in found:
            meta = claim.get("metadata") or {}
            annotations = meta.get("annotations") or {}
            if annotations.get(FOLLOWS_DELETE_PVC_ANNOTATION) != "true" or meta.get("deletionTimestamp"):
                continue
            wanted = pvc_lifecycle(self, per_server=SERVERNAME_LABEL in (meta.get("labels") or {}))
            if annotations.get(self.lifecycle_annotation) == wanted:
                continue
            self.log.info("%s: claim %s takes lifecycle %s from delete_pvc = %s",
                          self._log_name, meta.get("name"), wanted, self.delete_pvc)  # fmt: skip
            changes.append({
                "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                "metadata": {"name": meta["name"], "namespace": meta.get("namespace") or namespace,
                             "annotations": {self.lifecycle_annotation: wanted}},
            })  # fmt: skip
        if changes:
            # A manager of its own owns only this annotation: the others' fields stay as they are.
            manager = f"{self.field_manager}-delete-pvc"
            await cluster.apply(changes, namespace=namespace, field_manager=manager, force=True)


def _key(body: dict[str, Any]) -> tuple[str, ...]:
    meta = body.get("metadata") or {}
    api_version, kind = str(body.get("apiVersion")), str(body.get("kind"))
    return (api_version, kind, str(meta.get("namespace") or ""), str(meta.get("name", "")))


def _labels(obj: dict[str, Any]) -> dict[str, Any]:
    return (obj.get("metadata") or {}).get("labels") or {}


def _unreachable(e: BaseException) -> bool:
    """The API server did not answer (connection refused, reset, DNS, 503): not the chart's fault."""
    import aiohttp

    return isinstance(e, Unavailable | aiohttp.ClientConnectionError | ConnectionError)


def _container_port(spec: dict[str, Any]) -> int | None:
    containers = spec.get("containers") or []
    for c in containers:
        for p in c.get("ports") or []:
            if p.get("name") == "notebook-port":
                return int(p["containerPort"])
    for c in containers[:1]:
        for p in c.get("ports") or []:
            return int(p["containerPort"])
    return None


def _service_port(spec: dict[str, Any]) -> int | None:
    ports = spec.get("ports") or []
    for p in ports:
        if p.get("name") == "http":
            return int(p["port"])
    return int(ports[0]["port"]) if ports else None


def _ready(pod: dict[str, Any]) -> bool:
    conds = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conds)


def _target_port(svc_spec: dict[str, Any], pod_spec: dict[str, Any]) -> int | None:
    ports = svc_spec.get("ports") or []
    chosen = next((p for p in ports if p.get("name") == "http"), ports[0] if ports else None)
    if chosen is None:
        return None
    target = chosen.get("targetPort", chosen.get("port"))
    if isinstance(target, int) or (isinstance(target, str) and target.isdigit()):
        return int(target)
    for c in pod_spec.get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("name") == target:
                return int(p["containerPort"])
    return None


def _exit_status(pod: dict[str, Any]) -> int | None:
    """None while the pod may serve; the main container's exit code once it cannot."""
    status = pod.get("status") or {}
    phase = status.get("phase")
    main = ((pod.get("spec") or {}).get("containers") or [{}])[0].get("name")
    for cs in status.get("containerStatuses") or []:
        term = (cs.get("state") or {}).get("terminated")
        if cs.get("name") == main and term:
            return int(term.get("exitCode", 1))
    if phase == "Succeeded":
        return 0
    if phase == "Failed":
        return 1
    return None
