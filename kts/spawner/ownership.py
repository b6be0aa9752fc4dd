"""Who owns an object: an identity no two servers share, stamped on everything kts applies.

The contract's labels hold escaped names, and escaping is lossy: distinct users can share a
slug. Deleting or overwriting by those labels alone would let one user reach another's objects.
So kts adds labels holding a hash of the instance and the *raw* user and server names, plus
annotations with the raw names, selects every deletion on them too, and refuses to apply over
an existing object whose identity is not this server's (or, for user objects, this user's).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from kts.spawner.contract import INSTANCE_LABEL, SERVERNAME_LABEL

SERVER_ID_LABEL = "kubetemplatespawner/server-id"
"""Label naming the server an object belongs to (a hash of instance, user and server name)."""
USER_ID_LABEL = "kubetemplatespawner/user-id"
"""Label naming the user an object belongs to (a hash of instance and user name)."""
USERNAME_ANNOTATION = "hub.jupyter.org/username"
"""The raw user name, under KubeSpawner's own key (so its objects are recognised too)."""
SERVERNAME_ANNOTATION = "hub.jupyter.org/servername"
"""The raw server name ("" for the default server; KubeSpawner omits it then)."""


def _digest(*parts: str) -> str:
    """256 bits as 52 lower-case base32 characters: a valid label value, and no birthday to find."""
    data = json.dumps(parts, ensure_ascii=True).encode()
    return base64.b32encode(hashlib.sha256(data).digest()).decode().rstrip("=").lower()


@dataclass(frozen=True)
class Identity:
    """One server of one user of one hub instance, by raw names."""

    instance: str
    username: str
    servername: str

    @cached_property
    def server_id(self) -> str:
        return _digest("server", self.instance, self.username, self.servername)

    @cached_property
    def user_id(self) -> str:
        return _digest("user", self.instance, self.username)

    def labels(self, *, server_level: bool) -> dict[str, str]:
        """The identity labels of a server object (both) or of a user object (the user's only)."""
        if server_level:
            return {USER_ID_LABEL: self.user_id, SERVER_ID_LABEL: self.server_id}
        return {USER_ID_LABEL: self.user_id}

    def annotations(self, *, server_level: bool) -> dict[str, str]:
        out = {USERNAME_ANNOTATION: self.username}
        if server_level:
            out[SERVERNAME_ANNOTATION] = self.servername
        return out


def is_server_level(body: Mapping[str, Any]) -> bool:
    """Objects carrying the servername label belong to one server; the others to the user."""
    labels = (body.get("metadata") or {}).get("labels") or {}
    return SERVERNAME_LABEL in labels


def _pod_templates(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The pod templates of a workload (Deployment, StatefulSet, Job, CronJob, ...)."""
    spec = body.get("spec")
    out: list[dict[str, Any]] = []
    if not isinstance(spec, dict):
        return out
    template = spec.get("template")
    if isinstance(template, dict):
        out.append(template)
    job = spec.get("jobTemplate")
    if isinstance(job, dict) and isinstance(job.get("spec"), dict):
        inner = job["spec"].get("template")
        if isinstance(inner, dict):
            out.append(inner)
    return out


def stamp(body: dict[str, Any], identity: Identity) -> dict[str, Any]:
    """``body`` with the identity labels and raw-name annotations set (pod templates too, so a
    workload's pods are found by identity). Overrides whatever the chart put under those keys."""
    server_level = is_server_level(body)
    labels = identity.labels(server_level=server_level)
    annotations = identity.annotations(server_level=server_level)
    meta = body["metadata"]
    meta["labels"] = {**(meta.get("labels") or {}), **labels}
    meta["annotations"] = {**(meta.get("annotations") or {}), **annotations}
    for template in _pod_templates(body):
        tmeta = template.get("metadata")
        tmeta = template["metadata"] = dict(tmeta) if isinstance(tmeta, Mapping) else {}
        tmeta["labels"] = {**(tmeta.get("labels") or {}), **labels}
    return body


@dataclass(frozen=True)
class Verdict:
    """What an existing object is to this server: ``ours``, ``adopt`` or ``foreign`` (with why)."""

    kind: str
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return self.kind in ("ours", "adopt")


def judge(existing: Mapping[str, Any], identity: Identity, *, server_level: bool,
          adopt_unidentified: bool) -> Verdict:  # fmt: skip
    """Whether this server may apply over ``existing``.

    Ours: it carries this server's identity (or this user's, for a user object). Adoptable: it
    carries no kts identity, belongs to no other instance, and its raw-name annotations (which
    KubeSpawner and kts both write) name this user and server; or the operator opted in to
    adopting unidentified objects. Anything else is another's.
    """
    meta = existing.get("metadata") or {}
    labels = meta.get("labels") or {}
    annotations = meta.get("annotations") or {}
    server_id, user_id = labels.get(SERVER_ID_LABEL), labels.get(USER_ID_LABEL)
    if server_level and server_id is not None:
        if server_id == identity.server_id:
            return Verdict("ours")
        return Verdict("foreign", f"it belongs to another server (label {SERVER_ID_LABEL}={server_id})")
    if user_id is not None:
        # A user object, or (rendered as a user object now) one of this user's server objects.
        if user_id == identity.user_id:
            return Verdict("ours")
        return Verdict("foreign", f"it belongs to another user (label {USER_ID_LABEL}={user_id})")
    if server_id is not None:
        return Verdict("foreign", f"it belongs to another server (label {SERVER_ID_LABEL}={server_id})")
    instance = labels.get(INSTANCE_LABEL)
    if instance is not None and instance != identity.instance:
        return Verdict("foreign", f"it belongs to another hub instance ({INSTANCE_LABEL}={instance})")
    named_user = annotations.get(USERNAME_ANNOTATION)
    named_server = annotations.get(SERVERNAME_ANNOTATION, "")
    if named_user == identity.username and (not server_level or named_server == identity.servername):
        return Verdict("adopt")
    if adopt_unidentified:
        return Verdict("adopt")
    if named_user is not None:
        return Verdict("foreign", f"it is annotated as belonging to {USERNAME_ANNOTATION}={named_user!r}")
    return Verdict(
        "foreign",
        "it exists without kts's ownership labels and is not annotated as this user's "
        "(set adopt_unidentified to adopt such objects)",
    )


__all__ = [
    "SERVERNAME_ANNOTATION",
    "SERVER_ID_LABEL",
    "USERNAME_ANNOTATION",
    "USER_ID_LABEL",
    "Identity",
    "Verdict",
    "is_server_level",
    "judge",
    "stamp",
]
