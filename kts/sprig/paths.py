"""Sprig's path functions: Go ``path`` (and ``path/filepath``, identical on Linux, where Helm runs)."""

from __future__ import annotations

from kts.gotemplate.gotypes import FuncMap, GoFunc, Signature


def clean(p: str) -> str:
    """Go ``path.Clean``: collapse slashes, drop ``.``, resolve ``..`` lexically; ``""`` is ``.``."""
    if p == "":
        return "."
    rooted = p.startswith("/")
    parts: list[str] = []
    for elem in p.split("/"):
        if elem in ("", "."):
            continue
        if elem == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(elem)
    out = "/".join(parts)
    if rooted:
        return "/" + out
    return out or "."


def base(p: str) -> str:
    if p == "":
        return "."
    p = p.rstrip("/")
    if p == "":
        return "/"
    return p[p.rfind("/") + 1:]


def dir_(p: str) -> str:
    return clean(p[: p.rfind("/") + 1])


def ext(p: str) -> str:
    for i in range(len(p) - 1, -1, -1):
        if p[i] == "/":
            break
        if p[i] == ".":
            return p[i:]
    return ""


def is_abs(p: str) -> bool:
    return p.startswith("/")


def _fn(name: str, fn: object, result: str = "string") -> GoFunc:
    return GoFunc(fn, Signature(("string",), None, result), name)  # type: ignore[arg-type]


FUNCS: FuncMap = {}
for _prefix in ("", "os"):
    for _name, _impl, _result in (("base", base, "string"), ("dir", dir_, "string"),
                                  ("clean", clean, "string"), ("ext", ext, "string"),
                                  ("isAbs", is_abs, "bool")):
        _key = _prefix + _name[0].upper() + _name[1:] if _prefix else _name
        FUNCS[_key] = _fn(_key, _impl, _result)
