"""Write kts/testing/protobuf_fields.py: the protobuf wire contract of Kubernetes' built-in kinds.

Usage: ``python tools/gen_protobuf_fields.py API_GIT_DIR APIMACHINERY_GIT_DIR REF [OUT]``, where the
git directories are clones of k8s.io/api and k8s.io/apimachinery and REF a tag both carry (the
staging repositories are tagged alike, e.g. ``v0.36.3``).

Each package's ``generated.proto`` gives the messages, field numbers and field types; the Go struct
tags of the same package's types give what protobuf does not say but the JSON form depends on: a
field's JSON name, whether it is inlined, ``omitempty``, and whether the Go field is a pointer (a
pointer to zero survives into JSON, a plain zero under ``omitempty`` does not).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

# apimachinery packages whose messages built-in kinds use
_MACHINERY = ("pkg/apis/meta/v1", "pkg/runtime", "pkg/api/resource", "pkg/util/intstr")
_SCALARS = {
    "string": "string", "bytes": "bytes", "bool": "bool", "int32": "int", "int64": "int",
    "uint32": "uint", "uint64": "uint", "double": "double", "float": "float",
}
_FIELD = re.compile(r"^\s*(optional|repeated)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+);")
_MAP = re.compile(r"^\s*map<(\w+),\s*([\w.]+)>\s+(\w+)\s*=\s*(\d+);")
_STRUCT = re.compile(r"^type (\w+) struct \{")
_SLICE_TYPE = re.compile(r"^type (\w+) \[\][\w.*]+\s*$")
_GO_FIELD = re.compile(r"^\s+(?:(\w+)\s+)?([^\s`]+)\s+`([^`]*)`")
_TAG = re.compile(r'(\w+):"([^"]*)"')


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", f"--git-dir={repo}", *args], check=True, capture_output=True, text=True)
    return done.stdout


def short(name: str) -> str:
    """``.k8s.io.api.core.v1.Pod`` as ``core.v1.Pod``; apimachinery's as ``apis.meta.v1.Time`` etc."""
    name = name.lstrip(".")
    for prefix in ("k8s.io.api.", "k8s.io.apimachinery.pkg."):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def parse_proto(text: str, package: str) -> dict[str, list[tuple[int, str, str, bool]]]:
    """Messages as lists of (number, proto name, type, repeated); a map's type is ``map:VALUE``."""
    messages: dict[str, list[tuple[int, str, str, bool]]] = {}
    current: list[tuple[int, str, str, bool]] | None = None
    for line in text.splitlines():
        if line.startswith("message "):
            current = messages.setdefault(line.split()[1], [])
        elif line.startswith("}"):
            current = None
        elif current is not None and (m := _MAP.match(line)):
            current.append((int(m[4]), m[3], "map:" + _type(m[2], package), False))
        elif current is not None and (m := _FIELD.match(line)):
            current.append((int(m[4]), m[3], _type(m[2], package), m[1] == "repeated"))
    return messages


def _type(name: str, package: str) -> str:
    if name in _SCALARS:
        return _SCALARS[name]
    return short(name) if name.startswith(".") else f"{package}.{name}"


def parse_go(sources: list[str]) -> tuple[dict[str, dict[int, tuple[str, bool]]], set[str], set[str]]:
    """Struct fields by protobuf number as (json tag, is pointer); the named slice types; the
    structs that carry TypeMeta (the kinds)."""
    structs: dict[str, dict[int, tuple[str, bool]]] = {}
    slices: set[str] = set()
    kinds: set[str] = set()
    for text in sources:
        current: dict[int, tuple[str, bool]] | None = None
        name = ""
        for line in text.splitlines():
            if m := _SLICE_TYPE.match(line):
                slices.add(m[1])
            elif m := _STRUCT.match(line):
                name, current = m[1], structs.setdefault(m[1], {})
            elif line.startswith("}"):
                current = None
            elif current is not None and (f := _GO_FIELD.match(line)):
                tags = dict(_TAG.findall(f[3]))
                if f[2].endswith("TypeMeta") and tags.get("json") == ",inline":
                    kinds.add(name)
                if tags.get("protobuf", "-") == "-":
                    continue
                number = int(tags["protobuf"].split(",")[1])
                current[number] = (tags.get("json", ""), f[2].startswith("*"))
    return structs, slices, kinds


def _package_sources(repo: Path, ref: str, directory: str) -> list[str]:
    names = _git(repo, "ls-tree", "--name-only", f"{ref}:{directory}").split()
    return [
        _git(repo, "show", f"{ref}:{directory}/{n}")
        for n in names
        if n.endswith(".go") and not n.endswith("_test.go") and not n.startswith(("zz_", "generated."))
    ]


def _group(repo: Path, ref: str, directory: str) -> str:
    text = _git(repo, "show", f"{ref}:{directory}/register.go")
    m = re.search(r'GroupName\s*=\s*"([^"]*)"', text)
    if m is None:
        raise SystemExit(f"{directory}: no GroupName")
    return m[1]


def build(api: Path, machinery: Path, ref: str) -> tuple[dict, dict, list]:
    """(messages, kinds by (apiVersion, kind), list-wrapper messages)."""
    messages: dict[str, tuple[tuple[int, str, str, int], ...]] = {}
    kinds: dict[tuple[str, str], str] = {}
    lists: list[str] = []
    packages = [(machinery, d, short("k8s.io.apimachinery." + d.replace("/", "."))) for d in _MACHINERY]
    for path in _git(api, "ls-tree", "-r", "--name-only", ref).split():
        if path.endswith("/generated.proto") and not re.search(r"v\d+(alpha|beta)\d+/", path):
            directory = path.rsplit("/", 1)[0]
            packages.append((api, directory, directory.replace("/", ".")))
    for repo, directory, package in packages:
        proto = parse_proto(_git(repo, "show", f"{ref}:{directory}/generated.proto"), package)
        structs, slices, kind_names = parse_go(_package_sources(repo, ref, directory))
        if repo == api:
            group, version = _group(repo, ref, directory), directory.rsplit("/", 1)[1]
            api_version = f"{group}/{version}" if group else version
            for kind in sorted(kind_names & proto.keys()):
                if not kind.endswith("List"):
                    kinds[(api_version, kind)] = f"{package}.{kind}"
        for message, fields in proto.items():
            full = f"{package}.{message}"
            go = structs.get(message, {})
            if message in slices and len(fields) == 1 and fields[0][1] == "items":
                lists.append(full)
            out = []
            for number, proto_name, typ, repeated in fields:
                json_tag, pointer = go.get(number, (proto_name, False))
                name, _, options = json_tag.partition(",")
                flags = (
                    (1 if repeated else 0)
                    | (2 if pointer else 0)
                    | (4 if "omitempty" in options.split(",") else 0)
                    | (8 if options == "inline" or (not name and "inline" in options) else 0)
                )
                out.append((number, name, typ, flags))
            messages[full] = tuple(out)
    return messages, kinds, sorted(lists)


HEADER = '''# ruff: noqa: E501
"""Generated by tools/gen_protobuf_fields.py from k8s.io/api and k8s.io/apimachinery {ref}; do not edit.

MESSAGES: message name -> fields as (number, JSON name, type, flags); a type is a scalar
(string, bytes, bool, int, uint, double, float), a message name, or ``map:VALUE``. Flags:
1 repeated, 2 Go pointer, 4 omitempty, 8 inlined into the enclosing JSON object.
KINDS: (apiVersion, kind) -> message. LISTS: messages whose JSON is the array of their items.
"""

# fmt: off
'''


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    api, machinery, ref = Path(argv[0]), Path(argv[1]), argv[2]
    out = Path(argv[3]) if len(argv) == 4 else Path(__file__).parent.parent / "kts/testing/protobuf_fields.py"
    messages, kinds, lists = build(api, machinery, ref)
    body = [
        HEADER.format(ref=ref),
        "MESSAGES: dict[str, tuple[tuple[int, str, str, int], ...]] = {\n",
        *(f"    {name!r}: {fields!r},\n" for name, fields in sorted(messages.items())),
        "}\n\nKINDS: dict[tuple[str, str], str] = {\n",
        *(f"    {key!r}: {name!r},\n" for key, name in sorted(kinds.items())),
        "}\n\nLISTS: frozenset[str] = frozenset(\n",
        f"    {lists!r}\n",
        ")\n",
    ]
    out.write_text("".join(body))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
