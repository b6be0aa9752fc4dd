"""Helm's built-in template objects: ``.Capabilities``, ``.Files`` and their methods."""

from __future__ import annotations

import base64
import functools
import re
from typing import Any, ClassVar

from kts.gotemplate.gotypes import GoError, GoMap, GoObject, GoSlice, Signature, string_slice

DEFAULT_KUBE_VERSION = "v1.36.0"
HELM_VERSION = "v4.2"
GO_VERSION = "go1.26.6"
KUBE_CLIENT_VERSION = "v1.36"

# client-go v0.36 scheme group/versions plus apiextensions, in the order Helm v4.2.3 lists them.
DEFAULT_API_VERSIONS: tuple[str, ...] = (
    "v1", "admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1", "internal.apiserver.k8s.io/v1alpha1", "apps/v1",
    "apps/v1beta1", "apps/v1beta2", "authentication.k8s.io/v1", "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1", "authorization.k8s.io/v1", "authorization.k8s.io/v1beta1",
    "autoscaling/v1", "autoscaling/v2", "batch/v1", "batch/v1beta1", "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1", "certificates.k8s.io/v1alpha1", "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1", "coordination.k8s.io/v1", "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1", "events.k8s.io/v1", "events.k8s.io/v1beta1", "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1", "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2", "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1", "networking.k8s.io/v1beta1", "node.k8s.io/v1", "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1", "policy/v1", "policy/v1beta1", "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1alpha1", "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2", "resource.k8s.io/v1beta1", "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha2", "scheduling.k8s.io/v1beta1", "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1", "storage.k8s.io/v1", "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1", "apiextensions.k8s.io/v1beta1", "apiextensions.k8s.io/v1",
)

_GENERIC = re.compile(r"^\s*v?([0-9]+(?:\.[0-9]+)*)(.*)$")


class KubeVersion(GoObject):
    go_type = "common.KubeVersion"
    go_fields = ("Version", "Major", "Minor")
    go_string_on_pointer = True
    go_methods = {"String": Signature((), result="string"), "GitVersion": Signature((), result="string")}

    def __init__(self, version: str, normalized: str, major: str, minor: str) -> None:
        self.Version = version
        self.normalized = normalized
        self.Major = major
        self.Minor = minor

    @classmethod
    def parse(cls, text: str) -> KubeVersion:
        """``ParseKubeVersion`` (k8s ``ParseGeneric``): at least major.minor; suffixes dropped."""
        m = _GENERIC.match(text)
        if not m or m.group(1).count(".") < 1 or (m.group(2) and m.group(2)[0] not in "-+ "):
            raise ValueError(f'could not parse "{text}" as version')
        comps = [int(c) for c in m.group(1).split(".")]
        git = text if text.startswith("v") else "v" + text
        return cls(git, "v" + ".".join(str(c) for c in comps), str(comps[0]), str(comps[1]))

    def String(self) -> str:
        return self.normalized or self.Version

    def GitVersion(self) -> str:
        return self.Version

    def go_string(self) -> str | None:
        return self.String()

    def go_struct_fields(self) -> tuple[tuple[str, Any], ...]:
        return (("Version", self.Version), ("normalizedVersion", self.normalized), ("Major", self.Major),
                ("Minor", self.Minor))



class VersionSet(GoSlice):
    """``common.VersionSet`` (a ``[]string``) with ``Has``."""

    go_methods: ClassVar[dict[str, Signature]] = {"Has": Signature(("string",), result="bool")}

    def __init__(self, items: Any = ()) -> None:
        super().__init__(items, "string")

    @property
    def go_type(self) -> str:
        return "common.VersionSet"

    def Has(self, api_version: str) -> bool:
        return api_version in self


class BuildInfo(GoObject):
    go_type = "version.BuildInfo"
    go_fields = ("Version", "GitCommit", "GitTreeState", "GoVersion", "KubeClientVersion")
    json_fields = (("Version", "version"), ("GitCommit", "git_commit,omitempty"),
                   ("GitTreeState", "git_tree_state,omitempty"), ("GoVersion", "go_version"),
                   ("KubeClientVersion", "kube_client_version"))

    def __init__(self) -> None:
        self.Version = HELM_VERSION
        self.GitCommit = ""
        self.GitTreeState = ""
        self.GoVersion = GO_VERSION
        self.KubeClientVersion = KUBE_CLIENT_VERSION



class Capabilities(GoObject):
    go_type = "*common.Capabilities"
    go_kind = "ptr"
    go_fields = ("KubeVersion", "APIVersions", "HelmVersion")

    def __init__(self, kube_version: str | None = None, api_versions: list[str] | None = None) -> None:
        if kube_version:
            self.KubeVersion = KubeVersion.parse(kube_version)
        else:
            self.KubeVersion = KubeVersion(DEFAULT_KUBE_VERSION, DEFAULT_KUBE_VERSION, "1", "36")
        self.APIVersions = VersionSet([*DEFAULT_API_VERSIONS, *(api_versions or ())])
        self.HelmVersion = BuildInfo()



# ---------------------------------------------------------------------------
# .Files


@functools.lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str] | None:
    """gobwas/glob with separator ``/``: ``*``, ``**``, ``?``, ``[...]``, ``[!...]``, ``{a,b}``."""
    out: list[str] = []
    i, n, depth = 0, len(pattern), 0
    while i < n:
        c = pattern[i]
        if c == "*":
            if i + 1 < n and pattern[i + 1] == "*":
                out.append(".*")
                i += 1
            else:
                out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "\\":
            i += 1
            if i >= n:
                return None
            out.append(re.escape(pattern[i]))
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j < 0:
                return None
            body = pattern[i + 1:j]
            neg = body.startswith("!")
            if neg:
                body = body[1:]
            if not body:
                return None
            out.append("[" + ("^" if neg else "") + body.replace("\\", "\\\\").replace("^", "\\^") + "]")
            i = j
        elif c == "{":
            depth += 1
            out.append("(?:")
        elif c == "}" and depth:
            depth -= 1
            out.append(")")
        elif c == "," and depth:
            out.append("|")
        else:
            out.append(re.escape(c))
        i += 1
    if depth:
        return None
    try:
        return re.compile("(?s:" + "".join(out) + r")\Z")
    except re.error:
        return None


class Files(GoMap):
    """``engine.files``: a ``map[string][]byte`` of the chart's non-template files."""

    go_type_name = "engine.files"
    go_methods = {
        "GetBytes": Signature(("string",), result="[]uint8"),
        "Get": Signature(("string",), result="string"),
        "Glob": Signature(("string",), result="engine.files"),
        "AsConfig": Signature((), result="string"),
        "AsSecrets": Signature((), result="string"),
        "Lines": Signature(("string",), result="[]string"),
    }

    def __init__(self, items: Any = ()) -> None:
        super().__init__(items, elem="[]uint8")
        self._memo: dict[tuple[str, str], Any] = {}

    def _memoized(self, key: tuple[str, str], make: Any) -> Any:
        # No template function can change an engine.files, so derived results are kept.
        try:
            return self._memo[key]
        except KeyError:
            out = self._memo[key] = make()
            return out

    def GetBytes(self, name: str) -> bytes:
        return self.get(name, b"")

    def Get(self, name: str) -> str:
        return self.get(name, b"").decode("utf-8", "surrogateescape")

    def Glob(self, pattern: str) -> Files:
        def make() -> Files:
            rx = _glob_regex(pattern) or re.compile(r"(?s:.*)\Z")
            return Files({k: v for k, v in self.items() if rx.match(k)})

        return self._memoized(("Glob", pattern), make)

    def _as_yaml(self, encode: Any) -> str:
        if not self:
            return ""
        from kts.gotemplate.gotypes import string_map
        from kts.helm.funcs import to_yaml_full

        return to_yaml_full(string_map({k.rsplit("/", 1)[-1]: encode(v) for k, v in self.items()}))\
            .removesuffix("\n")

    def AsConfig(self) -> str:
        return self._memoized(("AsConfig", ""),
                              lambda: self._as_yaml(lambda v: v.decode("utf-8", "surrogateescape")))

    def AsSecrets(self) -> str:
        return self._memoized(("AsSecrets", ""),
                              lambda: self._as_yaml(lambda v: base64.b64encode(v).decode("ascii")))

    def Lines(self, path: str) -> GoSlice:
        data = self.get(path)
        if not data:
            if data is not None and path in self:
                raise GoError("runtime error: index out of range [-1]")
            return string_slice([])
        s = data.decode("utf-8", "surrogateescape")
        if s.endswith("\n"):
            s = s[:-1]
        return string_slice(s.split("\n"))
