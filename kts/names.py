"""Kubernetes-safe names for JupyterHub users and servers, identical to KubeSpawner 7's.

Existing deployments migrate from KubeSpawner by keeping object names (PVCs above all), so
every function here reproduces KubeSpawner's output exactly, quirks included:
``safe`` (the KubeSpawner 7 default) and ``escape`` (KubeSpawner <= 6).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

SlugScheme = Literal["safe", "escape"]

SLUG_MAX_LENGTH = 48
"""KubeSpawner's limit for user and server slugs, leaving room for prefixes such as ``jupyter-``."""

_HASH_LENGTH = 8
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_LOWER_DIGITS = _LOWER | frozenset("0123456789")
_ALNUM = _LOWER_DIGITS | frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_OBJECT_RE = re.compile(r"^[a-z0-9\-]+$")
_LABEL_RE = re.compile(r"^[a-z0-9.\-_]+$", re.IGNORECASE)
_NON_ALNUM_RUN = re.compile(r"[^a-z0-9]+")


def escape_slug(name: str) -> str:
    """The legacy scheme: keep ``[a-z0-9]``, write every UTF-8 byte of anything else as ``-XX``.

    Hex digits are upper case and unpadded (``\\n`` gives ``-A``) before the whole result is
    lower-cased, as escapism 1.x does.
    """
    out: list[str] = []
    for ch in name:
        if ch in _LOWER_DIGITS:
            out.append(ch)
        else:
            out.extend(f"-{byte:X}" for byte in ch.encode("utf-8"))
    return "".join(out).lower()


def is_valid_object_name(s: str) -> bool:
    """A DNS-1123 label that also starts with a letter (KubeSpawner's default validity)."""
    return 0 < len(s) <= 63 and s[0] in _LOWER and s[-1] in _LOWER_DIGITS and _OBJECT_RE.match(s) is not None


def is_valid_label(s: str) -> bool:
    """A Kubernetes label value: empty, or up to 63 of ``[A-Za-z0-9._-]`` with alphanumeric ends."""
    if not s:
        return True
    return len(s) <= 63 and s[0] in _ALNUM and s[-1] in _ALNUM and _LABEL_RE.match(s) is not None


def _safe_part(name: str, max_length: int) -> str:
    s = _NON_ALNUM_RUN.sub("-", name.lower())
    s = s.lstrip("-")[:max_length].rstrip("-")
    if s and s[0] not in _LOWER:
        # KubeSpawner does not strip again here, so the result may end with "-".
        s = "x-" + s[: max_length - 2]
    return s or "x"


def _short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:_HASH_LENGTH]


def strip_and_hash(name: str, max_length: int = 32) -> str:
    """A readable prefix of ``name`` plus ``---`` and a hash of the original string."""
    prefix_length = max_length - (_HASH_LENGTH + 3)
    if prefix_length < 1:
        raise ValueError(f"max_length {max_length} leaves no room for a name")
    return f"{_safe_part(name, prefix_length)}---{_short_hash(name.encode('utf-8'))}"


def safe_slug(name: str, *, label: bool = False, max_length: int | None = None) -> str:
    """``name`` if it is already valid (and short enough), else a stripped and hashed form.

    Names containing ``--`` are always hashed so that ``user--server`` joins stay unambiguous.
    """
    valid = is_valid_label if label else is_valid_object_name
    if "--" not in name and valid(name) and (max_length is None or len(name) <= max_length):
        return name
    return strip_and_hash(name, max_length or 32)


def multi_slug(names: list[str], max_length: int = SLUG_MAX_LENGTH) -> str:
    """Several names joined by ``--`` with one hash over all of them (KubeSpawner's long form)."""
    per_name = (max_length - (_HASH_LENGTH + 1)) // len(names) - 2
    if per_name < 2:
        raise ValueError(f"max_length {max_length} is too short for {len(names)} names")
    digest = _short_hash(b"\xff".join(n.encode("utf-8") for n in names))
    return "--".join(_safe_part(n, per_name) for n in names) + "---" + digest


@dataclass(frozen=True)
class ServerNames:
    """The escaped names of one server, as KubeSpawner computes them for its templates."""

    username: str
    servername: str
    user_server: str


def server_names(username: str, servername: str, scheme: SlugScheme = "safe") -> ServerNames:
    """KubeSpawner's ``{username}``, ``{servername}`` and ``{user_server}`` for ``scheme``."""
    if scheme == "escape":
        user, server = escape_slug(username), escape_slug(servername)
        return ServerNames(user, server, f"{user}--{server}" if servername else user)
    if scheme != "safe":
        raise ValueError(f"unknown slug scheme {scheme!r}; expected 'safe' or 'escape'")
    user = safe_slug(username, max_length=SLUG_MAX_LENGTH)
    server = safe_slug(servername, max_length=SLUG_MAX_LENGTH) if servername else ""
    if len(user) + len(server) + 2 > SLUG_MAX_LENGTH:
        user_server = multi_slug([username, servername], SLUG_MAX_LENGTH)
    elif servername:
        user_server = f"{user}--{server}"
    else:
        user_server = user
    return ServerNames(user, server, user_server)
