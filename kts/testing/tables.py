"""Server-side printing: ``meta.k8s.io/v1`` Table responses, which ``kubectl get`` asks for.

Built-in kinds get the columns of the API server's own printers (k8s.io/kubernetes
pkg/printers/internalversion); kinds without a printer get Name and Created At, as the server's
default table convertor gives; custom resources get their CRD version's
``additionalPrinterColumns`` (JSONPath cells), or Name and Age when it declares none.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

from kts.testing.resources import ResourceType

Row = list[Any]
_NAME_DOC = (
    "Name must be unique within a namespace. Is required when creating resources, although some "
    "resources may allow a client to request the generation of an appropriate name automatically. "
    "Name is primarily intended for creation idempotence and configuration definition. Cannot be "
    "updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)
_AGE_DOC = (
    "CreationTimestamp is a timestamp representing the server time when this object was created. It "
    "is not guaranteed to be set in happens-before order across separate operations. Clients may not "
    "set this value. It is represented in RFC3339 form and is in UTC."
)


def wants_table(accept: str) -> bool:
    """Whether the first Accept clause the emulator can serve asks for a Table."""
    for clause in accept.split(","):
        media, *params = (p.strip() for p in clause.split(";"))
        options = dict(p.split("=", 1) for p in params if "=" in p)
        if options.get("as") == "Table":
            if options.get("g") == "meta.k8s.io" and options.get("v") in ("v1", "v1beta1"):
                return True
            continue
        if media in ("application/json", "*/*", "application/*") and "as" not in options:
            return False
    return False


def human_duration(seconds: float) -> str:
    """apimachinery's duration.HumanDuration: ``45s``, ``3m12s``, ``5h``, ``2d3h``, ``3y``."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        return f"{minutes}m" if s % 60 == 0 else f"{minutes}m{s % 60}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        return f"{hours}h" if minutes % 60 == 0 else f"{hours}h{minutes % 60}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return f"{hours // 24}d" if hours % 24 == 0 else f"{hours // 24}d{hours % 24}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if days == 0 else f"{hours // 24 // 365}y{days}d"
    return f"{hours // 24 // 365}y"


def _since(stamp: Any) -> str:
    if not isinstance(stamp, str) or not stamp:
        return "<unknown>"
    try:
        then = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return "<unknown>"
    return human_duration((dt.datetime.now(dt.UTC) - then).total_seconds())


def _age(o: dict[str, Any]) -> str:
    return _since(o["metadata"].get("creationTimestamp"))


def _spec(o: dict[str, Any]) -> dict[str, Any]:
    return o.get("spec") or {}


def _status(o: dict[str, Any]) -> dict[str, Any]:
    return o.get("status") or {}


def _none(text: str) -> str:
    return text or "<none>"


def _selector(sel: Any) -> str:
    if not isinstance(sel, dict):
        return "<none>"
    parts = [f"{k}={v}" for k, v in sorted((sel.get("matchLabels") or {}).items())]
    for e in sel.get("matchExpressions") or []:
        op = {"In": "in", "NotIn": "notin"}.get(e.get("operator"), "")
        if op:
            parts.append(f"{e.get('key')} {op} ({','.join(e.get('values') or [])})")
        elif e.get("operator") == "Exists":
            parts.append(str(e.get("key")))
        else:
            parts.append(f"!{e.get('key')}")
    return _none(",".join(parts))


def _map_selector(sel: Any) -> str:
    return _none(",".join(f"{k}={v}" for k, v in sorted((sel or {}).items())))


def _template_cells(o: dict[str, Any], template: dict[str, Any] | None = None) -> list[str]:
    spec = ((template if template is not None else _spec(o).get("template")) or {}).get("spec") or {}
    containers = spec.get("containers") or []
    return [",".join(c.get("name", "") for c in containers), ",".join(c.get("image", "") for c in containers)]


def _pod_status(o: dict[str, Any]) -> str:
    status = _status(o)
    reason = status.get("reason") or status.get("phase") or "Unknown"
    initializing = False
    inits = status.get("initContainerStatuses") or []
    for i, cs in enumerate(inits):
        state = cs.get("state") or {}
        term, waiting = state.get("terminated"), state.get("waiting")
        if term and term.get("exitCode") == 0:
            continue
        initializing = True
        if term:
            reason = "Init:" + (term.get("reason") or f"ExitCode:{term.get('exitCode')}")
        elif waiting and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{len(_spec(o).get('initContainers') or [])}"
        break
    if not initializing:
        for cs in reversed(status.get("containerStatuses") or []):
            state = cs.get("state") or {}
            if (state.get("waiting") or {}).get("reason"):
                reason = state["waiting"]["reason"]
            elif (state.get("terminated") or {}).get("reason"):
                reason = state["terminated"]["reason"]
            elif state.get("terminated"):
                term = state["terminated"]
                reason = (
                    f"Signal:{term['signal']}" if term.get("signal") else f"ExitCode:{term.get('exitCode')}"
                )
    if o["metadata"].get("deletionTimestamp"):
        reason = "Unknown" if status.get("reason") == "NodeLost" else "Terminating"
    return str(reason)


def _pod(o: dict[str, Any]) -> Row:
    statuses = _status(o).get("containerStatuses") or []
    total = len(_spec(o).get("containers") or [])
    ready = sum(1 for cs in statuses if cs.get("ready"))
    restarts = sum(int(cs.get("restartCount") or 0) for cs in statuses)
    gates = _spec(o).get("readinessGates") or []
    conditions = {c.get("type"): c.get("status") for c in _status(o).get("conditions") or []}
    gate_text = f"{sum(1 for g in gates if conditions.get(g.get('conditionType')) == 'True')}/{len(gates)}"
    return [
        f"{ready}/{total}",
        _pod_status(o),
        restarts,
        _age(o),
        _none(_status(o).get("podIP", "")),
        _none(_spec(o).get("nodeName", "")),
        _none(_status(o).get("nominatedNodeName", "")),
        gate_text if gates else "<none>",
    ]


def _service_ports(o: dict[str, Any]) -> str:
    out = []
    for p in _spec(o).get("ports") or []:
        text = f"{p.get('port')}:{p['nodePort']}" if p.get("nodePort") else str(p.get("port"))
        out.append(f"{text}/{p.get('protocol', 'TCP')}")
    return _none(",".join(out))


def _external_ip(o: dict[str, Any]) -> str:
    spec = _spec(o)
    kind = spec.get("type", "ClusterIP")
    external = list(spec.get("externalIPs") or [])
    if kind == "ExternalName":
        return str(spec.get("externalName", ""))
    if kind == "LoadBalancer":
        ingress = [
            i.get("ip") or i.get("hostname")
            for i in (_status(o).get("loadBalancer") or {}).get("ingress") or []
        ]
        return ",".join(ingress + external) or "<pending>"
    return _none(",".join(external))


def _deployment(o: dict[str, Any]) -> Row:
    st = _status(o)
    return [
        f"{st.get('readyReplicas', 0)}/{_spec(o).get('replicas', 0)}",
        st.get("updatedReplicas", 0),
        st.get("availableReplicas", 0),
        _age(o),
        *_template_cells(o),
        _selector(_spec(o).get("selector")),
    ]


def _job_status(o: dict[str, Any]) -> str:
    conditions = {c.get("type"): c.get("status") for c in _status(o).get("conditions") or []}
    for name, text in (
        ("Complete", "Complete"),
        ("Failed", "Failed"),
        ("FailureTarget", "FailureTarget"),
        ("SuccessCriteriaMet", "SuccessCriteriaMet"),
        ("Suspended", "Suspended"),
    ):
        if conditions.get(name) == "True":
            return text
    return "Terminating" if o["metadata"].get("deletionTimestamp") else "Running"


def _job(o: dict[str, Any]) -> Row:
    st = _status(o)
    completions = _spec(o).get("completions")
    done = (
        f"{st.get('succeeded', 0)}/{completions}"
        if completions is not None
        else f"{st.get('succeeded', 0)}/1 of 1"
    )
    duration = ""
    if st.get("startTime"):
        start = dt.datetime.fromisoformat(st["startTime"].replace("Z", "+00:00"))
        end_text = st.get("completionTime")
        end = (
            dt.datetime.fromisoformat(end_text.replace("Z", "+00:00"))
            if end_text
            else dt.datetime.now(dt.UTC)
        )
        duration = human_duration((end - start).total_seconds())
    return [_job_status(o), done, duration, _age(o), *_template_cells(o), _selector(_spec(o).get("selector"))]


_MODES = {"ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"}


def _cronjob(o: dict[str, Any]) -> Row:
    spec = _spec(o)
    job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    last = _status(o).get("lastScheduleTime")
    return [
        spec.get("schedule", ""),
        _none(spec.get("timeZone", "")),
        "True" if spec.get("suspend") else "False",  # printBoolPtr; the defaulter sets false
        len(_status(o).get("active") or []),
        _since(last) if last else "<none>",
        _age(o),
        *_template_cells(o, job_spec.get("template")),
        _selector(job_spec.get("selector")),
    ]


def _pv(o: dict[str, Any]) -> Row:
    spec, st = _spec(o), _status(o)
    ref = spec.get("claimRef") or {}
    claim = f"{ref.get('namespace', '')}/{ref.get('name', '')}" if ref else ""
    return [
        (spec.get("capacity") or {}).get("storage", ""),
        ",".join(_MODES.get(m, m) for m in spec.get("accessModes") or []),
        spec.get("persistentVolumeReclaimPolicy", ""),
        st.get("phase", ""),
        claim,
        spec.get("storageClassName", ""),
        _none(spec.get("volumeAttributesClassName", "")),
        st.get("reason", ""),
        _age(o),
        spec.get("volumeMode", "Filesystem"),
    ]


def _binding(o: dict[str, Any]) -> Row:
    ref = o.get("roleRef") or {}
    subjects = o.get("subjects") or []

    def names(kind: str) -> str:
        found = [s for s in subjects if s.get("kind") == kind]
        if kind == "ServiceAccount":
            return ", ".join(f"{s.get('namespace', '')}/{s.get('name', '')}" for s in found)
        return ", ".join(s.get("name", "") for s in found)

    return [
        f"{ref.get('kind', '')}/{ref.get('name', '')}",
        _age(o),
        names("User"),
        names("Group"),
        names("ServiceAccount"),
    ]


def _pvc(o: dict[str, Any]) -> Row:
    st, spec = _status(o), _spec(o)
    modes = {
        "ReadWriteOnce": "RWO",
        "ReadOnlyMany": "ROX",
        "ReadWriteMany": "RWX",
        "ReadWriteOncePod": "RWOP",
    }
    bound = bool(spec.get("volumeName"))
    return [
        st.get("phase", ""),
        spec.get("volumeName", ""),
        (st.get("capacity") or {}).get("storage", "") if bound else "",
        ",".join(modes.get(m, m) for m in st.get("accessModes") or []) if bound else "",
        spec.get("storageClassName", ""),
        _none(spec.get("volumeAttributesClassName", "")),
        _age(o),
        spec.get("volumeMode", "Filesystem"),
    ]


def _node(o: dict[str, Any]) -> Row:
    conditions = {c.get("type"): c.get("status") for c in _status(o).get("conditions") or []}
    state = "Ready" if conditions.get("Ready") == "True" else "NotReady"
    if _spec(o).get("unschedulable"):
        state += ",SchedulingDisabled"
    roles = sorted(
        k.split("/", 1)[1]
        for k in o["metadata"].get("labels") or {}
        if k.startswith("node-role.kubernetes.io/")
    )
    info = _status(o).get("nodeInfo") or {}
    addresses = {a.get("type"): a.get("address") for a in _status(o).get("addresses") or []}
    return [
        state,
        _none(",".join(roles)),
        _age(o),
        info.get("kubeletVersion", ""),
        _none(addresses.get("InternalIP", "")),
        _none(addresses.get("ExternalIP", "")),
        info.get("osImage", "<unknown>"),
        info.get("kernelVersion", "<unknown>"),
        info.get("containerRuntimeVersion", "<unknown>"),
    ]


def _event(o: dict[str, Any]) -> Row:
    involved = o.get("involvedObject") or {}
    last = o.get("lastTimestamp") or o.get("eventTime") or o["metadata"].get("creationTimestamp")
    first = o.get("firstTimestamp") or o.get("eventTime") or o["metadata"].get("creationTimestamp")
    source = o.get("source") or {}
    source_text = ", ".join(x for x in (source.get("component"), source.get("host")) if x) or o.get(
        "reportingComponent", ""
    )
    return [
        _since(last),
        o.get("type", ""),
        o.get("reason", ""),
        f"{str(involved.get('kind', '')).lower()}/{involved.get('name', '')}",
        involved.get("fieldPath", ""),
        source_text,
        str(o.get("message", "")).strip(),
        _since(first),
        o.get("count", 1),
        o["metadata"]["name"],
    ]


def _col(name: str, kind: str = "string", priority: int = 0, description: str = "") -> dict[str, Any]:
    return {
        "name": name,
        "type": kind,
        "format": "",
        "description": description or name,
        "priority": priority,
    }


_AGE = _col("Age", description=_AGE_DOC)
_WIDE_TEMPLATE = (_col("Containers", priority=1), _col("Images", priority=1), _col("Selector", priority=1))

PRINTERS: dict[tuple[str, str], tuple[tuple[dict[str, Any], ...], Callable[[dict[str, Any]], Row]]] = {
    ("", "Pod"): (
        (
            _col("Ready"),
            _col("Status"),
            _col("Restarts", "string"),
            _AGE,
            _col("IP", priority=1),
            _col("Node", priority=1),
            _col("Nominated Node", priority=1),
            _col("Readiness Gates", priority=1),
        ),
        _pod,
    ),
    ("", "ConfigMap"): (
        (_col("Data", "integer"), _AGE),
        lambda o: [len(o.get("data") or {}) + len(o.get("binaryData") or {}), _age(o)],
    ),
    ("", "Secret"): (
        (_col("Type"), _col("Data", "integer"), _AGE),
        lambda o: [o.get("type", ""), len(o.get("data") or {}), _age(o)],
    ),
    ("", "Namespace"): ((_col("Status"), _AGE), lambda o: [_status(o).get("phase", ""), _age(o)]),
    ("", "ServiceAccount"): (
        (_col("Secrets", "integer"), _AGE),
        lambda o: [len(o.get("secrets") or []), _age(o)],
    ),
    ("", "Service"): (
        (
            _col("Type"),
            _col("Cluster-IP"),
            _col("External-IP"),
            _col("Port(s)"),
            _AGE,
            _col("Selector", priority=1),
        ),
        lambda o: [
            _spec(o).get("type", "ClusterIP"),
            _none(_spec(o).get("clusterIP", "")),
            _external_ip(o),
            _service_ports(o),
            _age(o),
            _map_selector(_spec(o).get("selector")),
        ],
    ),
    ("", "PersistentVolumeClaim"): (
        (
            _col("Status"),
            _col("Volume"),
            _col("Capacity"),
            _col("Access Modes"),
            _col("StorageClass"),
            _col("VolumeAttributesClass"),
            _AGE,
            _col("VolumeMode", priority=1),
        ),
        _pvc,
    ),
    ("", "Node"): (
        (
            _col("Status"),
            _col("Roles"),
            _AGE,
            _col("Version"),
            _col("Internal-IP", priority=1),
            _col("External-IP", priority=1),
            _col("OS-Image", priority=1),
            _col("Kernel-Version", priority=1),
            _col("Container-Runtime", priority=1),
        ),
        _node,
    ),
    ("", "Event"): (
        (
            _col("Last Seen"),
            _col("Type"),
            _col("Reason"),
            _col("Object"),
            _col("Subobject", priority=1),
            _col("Source", priority=1),
            _col("Message"),
            _col("First Seen", priority=1),
            _col("Count", priority=1),
            _col("Name", priority=1),
        ),
        _event,
    ),
    ("", "Endpoints"): (
        (_col("Endpoints"), _AGE),
        lambda o: [
            _none(
                ",".join(
                    f"{a.get('ip')}:{p.get('port')}" if s.get("ports") else str(a.get("ip"))
                    for s in o.get("subsets") or []
                    for a in s.get("addresses") or []
                    for p in (s.get("ports") or [{}])
                )
            ),
            _age(o),
        ],
    ),
    ("apps", "Deployment"): (
        (_col("Ready"), _col("Up-to-date", "integer"), _col("Available", "integer"), _AGE, *_WIDE_TEMPLATE),
        _deployment,
    ),
    ("apps", "ReplicaSet"): (
        (
            _col("Desired", "integer"),
            _col("Current", "integer"),
            _col("Ready", "integer"),
            _AGE,
            *_WIDE_TEMPLATE,
        ),
        lambda o: [
            _spec(o).get("replicas", 0),
            _status(o).get("replicas", 0),
            _status(o).get("readyReplicas", 0),
            _age(o),
            *_template_cells(o),
            _selector(_spec(o).get("selector")),
        ],
    ),
    ("apps", "StatefulSet"): (
        (_col("Ready"), _AGE, _col("Containers", priority=1), _col("Images", priority=1)),
        lambda o: [
            f"{_status(o).get('readyReplicas', 0)}/{_spec(o).get('replicas', 0)}",
            _age(o),
            *_template_cells(o),
        ],
    ),
    ("batch", "Job"): (
        (_col("Status"), _col("Completions"), _col("Duration"), _AGE, *_WIDE_TEMPLATE),
        _job,
    ),
    ("apps", "DaemonSet"): (
        (
            _col("Desired", "integer"),
            _col("Current", "integer"),
            _col("Ready", "integer"),
            _col("Up-to-date", "integer"),
            _col("Available", "integer"),
            _col("Node Selector"),
            _AGE,
            *_WIDE_TEMPLATE,
        ),
        lambda o: [
            *(
                _status(o).get(f, 0)
                for f in (
                    "desiredNumberScheduled",
                    "currentNumberScheduled",
                    "numberReady",
                    "updatedNumberScheduled",
                    "numberAvailable",
                )
            ),
            _map_selector(((_spec(o).get("template") or {}).get("spec") or {}).get("nodeSelector")),
            _age(o),
            *_template_cells(o),
            _selector(_spec(o).get("selector")),
        ],
    ),
    ("batch", "CronJob"): (
        (
            _col("Schedule"),
            _col("Timezone"),
            _col("Suspend", "boolean"),
            _col("Active", "integer"),
            _col("Last Schedule"),
            _AGE,
            *_WIDE_TEMPLATE,
        ),
        _cronjob,
    ),
    ("networking.k8s.io", "Ingress"): (
        (_col("Class"), _col("Hosts"), _col("Address"), _col("Ports"), _AGE),
        lambda o: [
            _none(_spec(o).get("ingressClassName", "")),
            ",".join(r.get("host", "") for r in _spec(o).get("rules") or [] if r.get("host")) or "*",
            ",".join(
                i.get("ip") or i.get("hostname") or ""
                for i in (_status(o).get("loadBalancer") or {}).get("ingress") or []
            ),
            "80, 443" if _spec(o).get("tls") else "80",
            _age(o),
        ],
    ),
    ("networking.k8s.io", "NetworkPolicy"): (
        (_col("Pod-Selector"), _AGE),
        lambda o: [_selector(_spec(o).get("podSelector")), _age(o)],
    ),
    ("", "PersistentVolume"): (
        (
            _col("Capacity"),
            _col("Access Modes"),
            _col("Reclaim Policy"),
            _col("Status"),
            _col("Claim"),
            _col("StorageClass"),
            _col("VolumeAttributesClass"),
            _col("Reason"),
            _AGE,
            _col("VolumeMode", priority=1),
        ),
        _pv,
    ),
    ("storage.k8s.io", "StorageClass"): (
        (
            _col("Provisioner"),
            _col("ReclaimPolicy"),
            _col("VolumeBindingMode"),
            _col("AllowVolumeExpansion", "boolean"),
            _AGE,
        ),
        lambda o: [
            o.get("provisioner", ""),
            o.get("reclaimPolicy", "Delete"),
            o.get("volumeBindingMode", "Immediate"),
            bool(o.get("allowVolumeExpansion", False)),
            _age(o),
        ],
    ),
    ("rbac.authorization.k8s.io", "RoleBinding"): (
        (
            _col("Role"),
            _AGE,
            _col("Users", priority=1),
            _col("Groups", priority=1),
            _col("ServiceAccounts", priority=1),
        ),
        lambda o: _binding(o),
    ),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): (
        (
            _col("Role"),
            _AGE,
            _col("Users", priority=1),
            _col("Groups", priority=1),
            _col("ServiceAccounts", priority=1),
        ),
        lambda o: _binding(o),
    ),
    ("scheduling.k8s.io", "PriorityClass"): (
        (_col("Value", "integer"), _col("Global-Default", "boolean"), _AGE, _col("PreemptionPolicy")),
        lambda o: [
            o.get("value", 0),
            bool(o.get("globalDefault", False)),
            _age(o),
            o.get("preemptionPolicy", "PreemptLowerPriority"),
        ],
    ),
    ("policy", "PodDisruptionBudget"): (
        (_col("Min Available"), _col("Max Unavailable"), _col("Allowed Disruptions", "integer"), _AGE),
        lambda o: [
            str(_spec(o).get("minAvailable", "N/A")),
            str(_spec(o).get("maxUnavailable", "N/A")),
            _status(o).get("disruptionsAllowed", 0),
            _age(o),
        ],
    ),
}


def _cell_path(path: str) -> list[str]:
    """A printer column's JSONPath (``.spec.replicas``, ``{.status.phase}``) as field names."""
    text = path.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    return [p for p in re.split(r"\.(?![^\[]*\])", text.lstrip(".")) if p]


def _jsonpath(obj: Any, path: str) -> Any:
    cur = obj
    for part in _cell_path(path):
        m = re.match(r"^([^\[]*)\[(\d+)\]$", part)
        name, index = (m.group(1), int(m.group(2))) if m else (part, None)
        if name:
            cur = cur.get(name) if isinstance(cur, dict) else None
        if index is not None:
            cur = cur[index] if isinstance(cur, list) and index < len(cur) else None
        if cur is None:
            return None
    return cur


def _custom_cell(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "date":
        return _since(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return value


def _custom_cells(obj: dict[str, Any], printer: tuple[dict[str, Any], ...]) -> Row:
    return [_custom_cell(_jsonpath(obj, c.get("jsonPath", "")), c.get("type", "")) for c in printer]


def columns_and_rows(rt: ResourceType, items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Row]]:
    name_col = {**_col("Name", description=_NAME_DOC), "format": "name"}
    if not rt.builtin:
        printer = rt.printer_columns
        if not printer:
            return [name_col, _AGE], [[i["metadata"]["name"], _age(i)] for i in items]
        cols = [name_col] + [
            _col(
                c.get("name", ""),
                c.get("type", "string"),
                int(c.get("priority", 0)),
                c.get("description", ""),
            )
            for c in printer
        ]
        return cols, [[i["metadata"]["name"], *_custom_cells(i, printer)] for i in items]
    entry = PRINTERS.get((rt.group, rt.kind))
    if entry is None:
        created = _col("Created At", "date", description=_AGE_DOC)
        return [name_col, created], [
            [i["metadata"]["name"], i["metadata"].get("creationTimestamp")] for i in items
        ]
    columns, cells = entry
    if rt.kind == "Event":
        return list(columns), [cells(i) for i in items]
    return [name_col, *columns], [[i["metadata"]["name"], *cells(i)] for i in items]


def partial_metadata(obj: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj["metadata"]}


def table(
    rt: ResourceType, items: list[dict[str, Any]], meta: dict[str, Any], include: str = "Metadata"
) -> dict[str, Any]:
    """The Table for ``items``; ``include`` is the request's includeObject (None, Metadata, Object)."""
    cols, rows = columns_and_rows(rt, items)
    out_rows = []
    for item, cells in zip(items, rows, strict=True):
        row: dict[str, Any] = {"cells": cells}
        if include == "Object":
            row["object"] = item
        elif include != "None":
            row["object"] = partial_metadata(item)
        out_rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": meta,
        "columnDefinitions": cols,
        "rows": out_rows,
    }
