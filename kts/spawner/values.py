"""Chart values for one server: JupyterHub's variables, merged over the configured values.

Precedence, lowest first: the chart's values.yaml, ``values_files``, ``values``, the chosen
profile's ``values:`` and then its chosen options' (``kts.spawner.profiles``), the built-in
template variables, ``extra_vars``. Maps merge key by key, as Helm merges ``-f`` files.
"""

from __future__ import annotations

import copy
import inspect
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kts.names import ServerNames, strip_and_hash
from kts.spawner.contract import Rendered
from kts.spawner.ownership import Identity

if TYPE_CHECKING:
    from jupyterhub.spawner import Spawner

_RELEASE_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
RELEASE_MAX = 53

BUILTIN_KEYS = (
    "userid", "username", "unescaped_username", "unescaped_servername", "escaped_username",
    "escaped_servername", "escaped_user_server", "instance", "namespace", "ip", "port", "env",
    "base_url", "user_options", "cmd", "args", "internal_ssl", "server_id", "user_id", "environment",
    "mem_limit", "mem_guarantee", "cpu_limit", "cpu_guarantee", "slugs", "kubespawner",
)  # fmt: skip


def merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` merged into a copy of ``base``: maps recursively, anything else replaced."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(dict(out[key]), value)
        else:
            out[key] = copy.deepcopy(value)
    return out


_files: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}


def load_values_files(paths: list[str]) -> dict[str, Any]:
    """The values files merged in order, decoded as ``kts template -f`` (and Helm) decode them.

    Each file is re-read only when its modification time or size changed. A file that cannot be
    read or is not a YAML map raises ``ValueError`` naming it. Call it off the event loop.
    """
    out: dict[str, Any] = {}
    for path in paths:
        out = merge(out, _values_file(path))
    return out


def _values_file(path: str) -> dict[str, Any]:
    from kts.helm.yamlio import YAMLError, load_values

    try:
        st = Path(path).stat()
        stamp = (st.st_mtime_ns, st.st_size)
        cached = _files.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        text = Path(path).read_text()
    except OSError as e:
        raise ValueError(f"values file {path}: {e.strerror or e}") from e
    try:
        data = load_values(text, multi_doc=True)
    except YAMLError as e:
        raise ValueError(f"values file {path}: {e}") from e
    _files[path] = (stamp, data)
    return data


def release_name(instance: str, user_server: str) -> str:
    """A valid Helm release name, unique per instance and server."""
    candidate = f"{instance}-{user_server}"
    if len(candidate) <= RELEASE_MAX and _RELEASE_RE.match(candidate):
        return candidate
    return strip_and_hash(candidate, RELEASE_MAX)


def _ssl_values(spawner: Spawner, mount_path: str) -> dict[str, Any]:
    paths = getattr(spawner, "cert_paths", None) or {}
    if not getattr(spawner, "internal_ssl", False) or not paths:
        return {"enabled": False}

    def read(key: str) -> str:
        return Path(paths[key]).read_text()

    return {
        "enabled": True,
        "key": read("keyfile"),
        "cert": read("certfile"),
        "ca": read("cafile"),
        "mount_path": mount_path,
    }


def builtin_values(
    spawner: Spawner,
    *,
    instance: str,
    namespace: str,
    names: ServerNames,
    identity: Identity,
    ssl_mount_path: str = "/etc/jupyterhub/ssl",
) -> dict[str, Any]:
    """The documented template variables of this server (env holds its API token: never log it).

    ``names`` and ``identity`` come from the names the server first started with, so a renamed
    server keeps its Kubernetes names; the raw names are the current ones."""
    username = spawner.user.name
    servername = spawner.name or ""
    env = dict(spawner.get_env())
    ssl = _ssl_values(spawner, ssl_mount_path)
    if ssl["enabled"]:
        env["JUPYTERHUB_SSL_KEYFILE"] = f"{ssl_mount_path}/ssl.key"
        env["JUPYTERHUB_SSL_CERTFILE"] = f"{ssl_mount_path}/ssl.crt"
        env["JUPYTERHUB_SSL_CLIENT_CA"] = f"{ssl_mount_path}/ca.crt"
    server = getattr(spawner, "server", None)
    return {
        "userid": spawner.user.id,
        "username": username,
        "unescaped_username": username,
        "unescaped_servername": servername,
        "escaped_username": names.username,
        "escaped_servername": names.servername,
        "escaped_user_server": names.user_server,
        "instance": instance,
        "namespace": namespace,
        "ip": spawner.ip,
        "port": spawner.port,
        "env": {str(k): str(v) for k, v in env.items()},
        "base_url": server.base_url if server is not None else "",
        "user_options": copy.deepcopy(dict(getattr(spawner, "user_options", None) or {})),
        "cmd": list(spawner.cmd or []),
        "args": list(spawner.get_args()),
        "internal_ssl": ssl,
        "server_id": identity.server_id,
        "user_id": identity.user_id,
        "environment": _environment(spawner),
        **_resources(spawner),
    }


def _environment(spawner: Spawner) -> dict[str, Any]:
    """``Spawner.environment`` as configured: callables resolved, ``valueFrom`` maps kept."""
    out: dict[str, Any] = {}
    for key, value in (spawner.environment or {}).items():
        out[str(key)] = value(spawner) if callable(value) else value
    return out


def _quantity(value: float | None) -> str | None:
    """A Kubernetes quantity for a Spawner resource setting (bytes, or cores)."""
    if value is None:
        return None
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _resources(spawner: Spawner) -> dict[str, str | None]:
    """``mem_limit``/``mem_guarantee`` (bytes) and ``cpu_limit``/``cpu_guarantee`` (cores)."""
    return {
        key: _quantity(getattr(spawner, key, None))
        for key in ("mem_limit", "mem_guarantee", "cpu_limit", "cpu_guarantee")
    }


async def run_post_render_hook(hook: Any, spawner: Spawner, rendered: list[Rendered]) -> list[Rendered]:
    """Apply the operator's post-render hook to the rendered bodies; objects it adds are named as
    coming from it, objects it keeps keep their template."""
    bodies = [item.body for item in rendered]
    result = hook(spawner, bodies)
    if inspect.isawaitable(result):
        result = await result
    if result is None:
        result = bodies
    if not isinstance(result, list):
        kind = type(result).__name__
        raise TypeError(f"post_render_hook must return a list of objects or None, not {kind}")
    origin = {id(item.body): item for item in rendered}
    out = []
    for body in result:
        item = origin.get(id(body))
        out.append(Rendered(item.source, body, item.hook) if item else Rendered("(post_render_hook)", body))
    return out


async def resolve_extra_vars(extra: Any, spawner: Spawner) -> dict[str, Any]:
    """``extra_vars`` as a dict: a dict as is, or a callable's (possibly awaited) result."""
    if extra is None:
        return {}
    if callable(extra):
        result = extra(spawner)
        if inspect.isawaitable(result):
            result = await result
        extra = result
    if not isinstance(extra, Mapping):
        raise TypeError(f"extra_vars must give a dict, not {type(extra).__name__}")
    return dict(extra)


def _plain(value: Any) -> Any:
    """Values as plain YAML-able data (tuples to lists, keys to strings), so charts see Go types."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def server_values(
    configured: dict[str, Any], builtins: dict[str, Any], extra: dict[str, Any]
) -> dict[str, Any]:
    """The values passed to the chart: configured < built-ins < extra_vars (top-level override)."""
    values = merge(configured, {})
    values.update(builtins)
    values.update(extra)
    return _plain(values)
