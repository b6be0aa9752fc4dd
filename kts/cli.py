"""The ``kts`` command: ``kts template`` prints what ``helm template`` prints.

``kts emulator ...`` and ``kts demo ...`` hand over to their own packages.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

_SUBCOMMANDS = {"emulator": "kts.testing.cli", "demo": "kts.demo"}
_RELEASE_NAME_RE = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"


class CommandError(Exception):
    """A failure reported as ``Error: ...`` with exit status 1."""


def _template_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kts template", description="locally render templates")
    p.add_argument("args", nargs="*", metavar="[NAME] CHART")
    p.add_argument("-f", "--values", action="append", default=[], dest="value_files")
    p.add_argument("--set", action="append", default=[], dest="set_values")
    p.add_argument("--set-string", action="append", default=[])
    p.add_argument("--set-json", action="append", default=[])
    p.add_argument("--set-file", action="append", default=[])
    p.add_argument("--set-literal", action="append", default=[])
    p.add_argument("-n", "--namespace", default=None)
    p.add_argument("--name-template", default="")
    p.add_argument("-g", "--generate-name", action="store_true")
    p.add_argument("--release-name", action="store_true", dest="use_release_name",
                   help="use release name in the output-dir path")
    p.add_argument("-s", "--show-only", action="append", default=[])
    p.add_argument("--output-dir", default="")
    p.add_argument("--kube-version", default="")
    p.add_argument("-a", "--api-versions", action="append", default=[])
    p.add_argument("--is-upgrade", action="store_true")
    p.add_argument("--no-hooks", action="store_true")
    p.add_argument("--skip-tests", action="store_true")
    p.add_argument("--include-crds", action="store_true")
    p.add_argument("--skip-crds", action="store_true")
    p.add_argument("--skip-schema-validation", action="store_true")
    p.add_argument("--dry-run", nargs="?", const="client", default="client")
    p.add_argument("--debug", action="store_true")
    return p


def _read(path: str) -> str:
    if path.strip() == "-":
        return sys.stdin.read()
    try:
        with open(path, "rb") as fh:
            return fh.read().decode("utf-8", "surrogateescape")
    except OSError as exc:
        raise CommandError(f"open {path}: {(exc.strerror or str(exc)).lower()}") from None


def merge_user_values(ns: argparse.Namespace) -> dict[str, Any]:
    """``values.Options.MergeValues``: files, --set-json, --set, --set-string, --set-file, --set-literal."""
    import json

    from kts.helm import strvals
    from kts.helm.yamlio import YAMLError, load_values, merge_maps

    base: dict[str, Any] = {}
    for path in ns.value_files:
        try:
            current = load_values(_read(path), multi_doc=True)
        except YAMLError as exc:
            raise CommandError(f"failed to parse {path}: {exc}") from None
        base = merge_maps(base, current)
    for value in ns.set_json:
        trimmed = value.strip()
        try:
            if trimmed.startswith("{"):
                loaded = json.loads(trimmed)
                if not isinstance(loaded, dict):
                    raise ValueError
                base = merge_maps(base, strvals._json_typed(loaded))
            else:
                strvals.parse_set_json(value, base)
        except (ValueError, strvals.StrvalsError):
            if trimmed.startswith("{"):
                raise CommandError(f"failed parsing --set-json data JSON: {value}") from None
            raise CommandError(f"failed parsing --set-json data {value}") from None
    steps = [(ns.set_values, "--set", lambda v: strvals.parse_set(v, base)),
             (ns.set_string, "--set-string", lambda v: strvals.parse_set_string(v, base)),
             (ns.set_file, "--set-file", lambda v: strvals.parse_set_file(v, base, _read)),
             (ns.set_literal, "--set-literal", lambda v: strvals.parse_set_literal(v, base))]
    for values, flag, parse in steps:
        for value in values:
            try:
                parse(value)
            except (strvals.StrvalsError, CommandError) as exc:
                raise CommandError(f"failed parsing {flag} data: {exc}") from None
    return base


def _name_and_chart(ns: argparse.Namespace) -> tuple[str, str]:
    args = ns.args
    if not args:
        raise CommandError('"kts template" requires at least 1 argument')
    if len(args) > 2:
        raise CommandError("expected at most two arguments, unexpected arguments: " + ", ".join(args[2:]))
    if len(args) == 2:
        if ns.generate_name:
            raise CommandError("cannot set --generate-name and also specify a name")
        if ns.name_template:
            raise CommandError("cannot set --name-template and also specify a name")
        return args[0], args[1]
    if ns.name_template:
        return _template_name(ns.name_template), args[0]
    # helm template presets the name "release-name", so --generate-name has no effect there.
    return "release-name", args[0]


def _template_name(text: str) -> str:
    from kts.gotemplate import TemplateSet
    from kts.sprig import sprig_funcs

    ts = TemplateSet(sprig_funcs(), missingkey="zero")
    try:
        ts.parse("name-template", text)
        return ts.execute("name-template", None)
    except Exception as exc:
        raise CommandError(str(exc)) from None


def run_template(argv: Sequence[str], out: Any) -> None:
    import re

    from kts.gotemplate.errors import RenderError
    from kts.helm import loader
    from kts.helm.api import Chart
    from kts.helm.dependencies import DependencyError, check_dependencies
    from kts.helm.errors import ChartError
    from kts.helm.output import OutputError, ShowOnlyError, TemplateOptions, assemble

    ns = _template_parser().parse_intermixed_args(list(argv))
    name, chart_ref = _name_and_chart(ns)
    if not name or len(name) > 53 or not re.match(_RELEASE_NAME_RE, name):
        what = "no name provided" if not name else (
            f"invalid release name, must match regex {_RELEASE_NAME_RE} and the length must not be "
            "longer than 53")
        raise CommandError(f'release name check failed: release name "{name}": {what}')
    kube_version = ns.kube_version or None
    if kube_version:
        from kts.helm.objects import KubeVersion

        try:
            KubeVersion.parse(kube_version)
        except ValueError as exc:
            raise CommandError(f"invalid kube version '{kube_version}': {exc}") from None
    if not os.path.exists(chart_ref):
        raise CommandError(f'path "{chart_ref}" not found')
    values = merge_user_values(ns)
    model = loader.load(chart_ref)
    if model.metadata.type not in ("", "application"):
        raise CommandError(f"{model.metadata.type} charts are not installable")
    if model.metadata.dependencies:
        check_dependencies(model)
    api_versions = [v for item in ns.api_versions for v in item.split(",") if v]
    chart = Chart(model)
    namespace = ns.namespace or os.environ.get("HELM_NAMESPACE") or "default"
    try:
        processed, rendered = chart.render_release(
            values, release_name=name, namespace=namespace, is_upgrade=ns.is_upgrade,
            kube_version=kube_version, api_versions=api_versions, typed_values=True,
            skip_schema_validation=ns.skip_schema_validation)
    except DependencyError as exc:
        raise CommandError(f"chart dependencies processing failed: {exc}") from None
    except ChartError:
        raise
    except RenderError as exc:
        suffix = "" if ns.debug else "\n\nUse --debug flag to render out invalid YAML"
        raise CommandError(f"{exc}{suffix}") from None
    opts = TemplateOptions(include_crds=ns.include_crds, no_hooks=ns.no_hooks, skip_tests=ns.skip_tests,
                           show_only=ns.show_only, output_dir=ns.output_dir,
                           use_release_name=ns.use_release_name, release_name=name)
    try:
        out.write(assemble(processed, rendered, opts))
    except ShowOnlyError as exc:
        raise CommandError(str(exc)) from None
    except OutputError as exc:
        if ns.debug:
            # With --debug Helm prints what it rendered before reporting the error.
            out.write(exc.partial.strip(" \t\n\r\v\f") + "\n")
            raise CommandError(str(exc)) from None
        raise CommandError(f"{exc}\n\nUse --debug flag to render out invalid YAML") from None


class _Out:
    """Writes rendered text as the bytes Helm would print (templates may hold invalid UTF-8)."""

    def write(self, text: str) -> None:
        data = text.encode("utf-8", "surrogateescape")
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(data.decode("utf-8", "replace"))
            return
        sys.stdout.flush()
        buffer.write(data)
        buffer.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kts`` script; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in _SUBCOMMANDS:
        import importlib

        module = importlib.import_module(_SUBCOMMANDS[args[0]])
        return int(module.main(args[1:]) or 0)
    if not args or args[0] in ("-h", "--help", "help"):
        sys.stdout.write("usage: kts {template,emulator,demo} ...\n")
        return 0 if args else 1
    if args[0] != "template":
        sys.stderr.write(f'Error: unknown command "{args[0]}" for "kts"\n')
        return 1
    from kts.gotemplate.errors import RenderError

    try:
        run_template(args[1:], _Out())
    except (CommandError, RenderError) as exc:
        sys.stdout.flush()
        sys.stderr.write(f"Error: {exc}\n")
        return 1
    except Exception as exc:  # a kts defect: reported in one line like any other failure
        sys.stdout.flush()
        sys.stderr.write(f"Error: internal error: {exc!r}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
