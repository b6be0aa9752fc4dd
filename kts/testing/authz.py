"""Self-subject reviews (``kubectl auth can-i``): the emulator authorizes every request, as a
cluster-admin kubeconfig is authorized on a real cluster, and says so in the review's status."""

from __future__ import annotations

import copy
from typing import Any

from kts.testing.errors import invalid

GROUP = "authorization.k8s.io"
PLURALS = ("selfsubjectaccessreviews", "selfsubjectrulesreviews")
_REASON = "the kts emulator authorizes every request"


def review(plural: str, body: dict[str, Any]) -> dict[str, Any]:
    """The review ``body`` answered: allowed for access reviews, every rule for rules reviews."""
    given = body.get("spec") if isinstance(body, dict) else None
    spec: dict[str, Any] = given if isinstance(given, dict) else {}
    out: dict[str, Any] = {
        "kind": "SelfSubjectAccessReview" if plural == PLURALS[0] else "SelfSubjectRulesReview",
        "apiVersion": f"{GROUP}/v1",
        "metadata": {"creationTimestamp": None},
        "spec": copy.deepcopy(spec),
    }
    if plural == PLURALS[0]:
        if bool(spec.get("resourceAttributes")) == bool(spec.get("nonResourceAttributes")):
            raise invalid(
                out["kind"],
                GROUP,
                "",
                [
                    {
                        "reason": "FieldValueInvalid",
                        "field": "spec.resourceAttributes",
                        "message": "Invalid value: \"null\": exactly one of nonResourceAttributes or "
                        "resourceAttributes must be specified",
                    }
                ],
            )
        out["status"] = {"allowed": True, "reason": _REASON}
    else:
        out["status"] = {
            "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
            "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
            "incomplete": False,
        }
    return out
