"""Service account tokens (``POST .../serviceaccounts/NAME/token``, ``kubectl create token``).

The answer is the TokenRequest with its status filled in, as the real server gives it: the spec
defaulted (one hour, the API server's audience), a JWT whose claims name the service account, and
its expiry. The emulator authenticates nobody, so the token is signed with nothing a client could
verify; its claims are what clients read.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import secrets
from typing import Any

from kts.testing.errors import bad_request, invalid

ISSUER = "https://kubernetes.default.svc.cluster.local"
_DEFAULT_SECONDS = 3600
_MIN_SECONDS = 600
_MAX_SECONDS = 1 << 32


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _claims(sa: dict[str, Any], spec: dict[str, Any], issued: int) -> dict[str, Any]:
    meta = sa["metadata"]
    namespace, name = meta.get("namespace", ""), meta.get("name", "")
    claims: dict[str, Any] = {
        "aud": spec["audiences"],
        "exp": issued + spec["expirationSeconds"],
        "iat": issued,
        "iss": ISSUER,
        "jti": secrets.token_hex(16),
        "kubernetes.io": {
            "namespace": namespace,
            "serviceaccount": {"name": name, "uid": meta.get("uid", "")},
        },
        "nbf": issued,
        "sub": f"system:serviceaccount:{namespace}:{name}",
    }
    bound = spec.get("boundObjectRef")
    if isinstance(bound, dict) and bound.get("kind"):
        ref = {"name": bound.get("name", ""), "uid": bound.get("uid", "")}
        claims["kubernetes.io"][bound["kind"].lower()] = ref
    return claims


def token_request(sa: dict[str, Any], body: Any, issued: dt.datetime | None = None) -> dict[str, Any]:
    """The TokenRequest ``body`` for service account ``sa`` answered with a token."""
    if not isinstance(body, dict) or body.get("kind", "TokenRequest") != "TokenRequest":
        raise bad_request("the body of the request must be a TokenRequest")
    name = sa["metadata"]["name"]
    given = body.get("spec")
    spec: dict[str, Any] = copy.deepcopy(given) if isinstance(given, dict) else {}
    seconds = spec.get("expirationSeconds") or _DEFAULT_SECONDS
    if not isinstance(seconds, int) or not _MIN_SECONDS <= seconds <= _MAX_SECONDS:
        short = isinstance(seconds, int) and seconds < _MIN_SECONDS
        why = "less than 10 minutes" if short else "larger than 2^32 seconds"
        raise invalid(
            "TokenRequest",
            "authentication.k8s.io",
            name,
            [
                {
                    "reason": "FieldValueInvalid",
                    "field": "spec.expirationSeconds",
                    "message": f"Invalid value: {json.dumps(seconds)}: may not specify a duration {why}",
                }
            ],
        )
    spec["expirationSeconds"] = seconds
    spec["audiences"] = spec.get("audiences") or [ISSUER]
    spec.setdefault("boundObjectRef", None)
    when = issued or dt.datetime.now(dt.UTC)
    issued_at = int(when.timestamp())
    header = {"alg": "RS256", "kid": "kts-emulator"}
    claims = _claims(sa, spec, issued_at)
    token = ".".join(
        (_b64(_compact(header)), _b64(_compact(claims)), _b64(secrets.token_bytes(64)))
    )
    expiry = dt.datetime.fromtimestamp(issued_at + seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "kind": "TokenRequest",
        "apiVersion": "authentication.k8s.io/v1",
        "metadata": {
            "name": name,
            "namespace": sa["metadata"].get("namespace", ""),
            "creationTimestamp": None,
        },
        "spec": spec,
        "status": {"token": token, "expirationTimestamp": expiry},
    }
