"""The ``kts`` command: ``kts template`` prints what ``helm template`` prints, ``kts lint`` what
``helm lint`` reports.

``kts emulator ...`` and ``kts demo ...`` hand over to their own packages.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

_SUBCOMMANDS = {"emulator": "kts.testing.cli", "demo": "kts.demo"}
# The extra each subcommand needs, and modules it needs that its own imports do not load.
_EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "emulator": ("kube", ()),
    "demo": ("demo", ("jupyter_server", "jupyterlab")),
}
_COMMANDS = (
    ("template", "render a chart locally, as `helm template` does"),
    ("lint", "examine a chart for possible issues, as `helm lint` does"),
    ("emulator", "serve an emulated Kubernetes API (for tests and demos)"),
    ("demo", "run a local JupyterHub whose servers come from a Helm chart"),
    ("help", "show help for a command"),
)
_RELEASE_NAME_RE = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
_URL_RE = re.compile(r"^(?i:https?|oci)://")

_OFFLINE = "kts renders local charts offline"
_DOWNLOAD = "download the chart first (helm pull CHART --untar) and render its directory"
# Flags of `helm template` that need a network, a cluster or a helm binary: refused with a reason.
_REFUSED: dict[str, tuple[bool, str]] = {
    # flag: (takes a value, why kts refuses it)
    "--dependency-update": (False, f"{_OFFLINE}; vendor dependencies into charts/ (helm dependency "
                                   "build) before rendering"),
    "--devel": (False, f"{_OFFLINE}; {_DOWNLOAD}"),
    "--version": (True, f"{_OFFLINE}; {_DOWNLOAD}"),
    "--verify": (False, f"{_OFFLINE} and does not verify provenance; verify with helm pull --verify"),
    "--keyring": (True, f"{_OFFLINE} and does not verify provenance; verify with helm pull --verify"),
    "--repo": (True, f"{_OFFLINE}; {_DOWNLOAD}"),
    "--username": (True, f"{_OFFLINE}; {_DOWNLOAD}"),
    "--password": (True, f"{_OFFLINE}; {_DOWNLOAD}"),
    "--cert-file": (True, f"{_OFFLINE}; {_DOWNLOAD}"),
    "--key-file": (True, f"{_OFFLINE}; {_DOWNLOAD}"),
    "--ca-file": (True, f"{_OFFLINE}; {_DOWNLOAD}"),
    "--insecure-skip-tls-verify": (False, f"{_OFFLINE}; {_DOWNLOAD}"),
    "--plain-http": (False, f"{_OFFLINE}; {_DOWNLOAD}"),
    "--pass-credentials": (False, f"{_OFFLINE}; {_DOWNLOAD}"),
    "--validate": (False, "kts renders without a cluster, so it cannot validate against one "
                          "(--dry-run=server)"),
    "--enable-dns": (False, "kts renders without network access: getHostByName always returns \"\""),
    "--post-renderer": (True, "kts does not run post-renderers; pipe its output to the program instead"),
    "--post-renderer-args": (True, "kts does not run post-renderers; pipe its output to the program "
                                   "instead"),
}
# Flags of `helm template` that change nothing in its output without a cluster: accepted, ignored.
_IGNORED: dict[str, bool] = {
    # flag: takes a value
    "--create-namespace": False, "--force-replace": False, "--force": False, "--force-conflicts": False,
    "--server-side": False, "--replace": False, "--timeout": True, "--wait-for-jobs": False,
    "--description": True, "--disable-openapi-validation": False, "--rollback-on-failure": False,
    "--atomic": False, "--labels": True, "--take-ownership": False, "--hide-notes": False,
    "--render-subchart-notes": False, "--kubeconfig": True, "--kube-context": True,
    "--kube-token": True, "--kube-as-user": True, "--kube-as-group": True, "--kube-apiserver": True,
    "--kube-ca-file": True, "--kube-tls-server-name": True, "--kube-insecure-skip-tls-verify": False,
    "--registry-config": True, "--repository-config": True, "--repository-cache": True,
    "--content-cache": True, "--burst-limit": True, "--qps": True, "--color": True, "--colour": True,
}
_IGNORED_SHORT = {"-l": "--labels"}
# Helm's global flags among those: what only a cluster or a repository would use.
_GLOBAL_IGNORED = ("--kubeconfig", "--kube-context", "--kube-token", "--kube-as-user", "--kube-as-group",
                   "--kube-apiserver", "--kube-ca-file", "--kube-tls-server-name",
                   "--kube-insecure-skip-tls-verify", "--registry-config", "--repository-config",
                   "--repository-cache", "--content-cache", "--burst-limit", "--qps", "--color", "--colour")
# Flags whose value, like pflag's NoOptDefVal, is only taken from `--flag=value`.
_OPTIONAL_VALUE = {"--dry-run": "unset", "--wait": "watcher"}
_GO_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_GO_FALSE = ("0", "f", "F", "FALSE", "false", "False")


class CommandError(Exception):
    """A failure reported as ``Error: ...`` with exit status 1."""


class _Parser(argparse.ArgumentParser):
    """Reports usage errors as ``Error: ...`` (exit 1), as Helm's cobra does, not argparse's usage block."""

    def error(self, message: str) -> NoReturn:
        m = re.match(r"argument (\S+?)(?:/\S+)?: expected one argument", message)
        if m:
            raise CommandError(f"flag needs an argument: {m.group(1)}")
        raise CommandError(message)


class _Help(argparse.HelpFormatter):
    """Wraps help without splitting flag names at their hyphens."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        import textwrap

        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        return textwrap.fill(" ".join(text.split()), width, initial_indent=indent,
                             subsequent_indent=indent, break_on_hyphens=False)


def _store(takes_value: bool) -> dict[str, Any]:
    if takes_value:
        return {"action": "append", "help": argparse.SUPPRESS}
    return {"action": "store_true", "help": argparse.SUPPRESS}


def _add_value_flags(p: argparse.ArgumentParser) -> None:
    """Helm's values flags (``addValueOptionsFlags``), shared by ``template`` and ``lint``."""
    p.add_argument("-f", "--values", action="append", default=[], dest="value_files", metavar="FILE",
                   help="values from a YAML file, - for stdin (repeatable; later files win)")
    p.add_argument("--set", action="append", default=[], dest="set_values", metavar="K=V",
                   help="set values on the command line (key1=val1,key2=val2; repeatable)")
    p.add_argument("--set-string", action="append", default=[], metavar="K=V",
                   help="set STRING values on the command line (repeatable)")
    p.add_argument("--set-json", action="append", default=[], metavar="K=JSON",
                   help="set JSON values (key=jsonval, or a JSON object; repeatable)")
    p.add_argument("--set-file", action="append", default=[], metavar="K=PATH",
                   help="set values from the contents of files (key=path; repeatable)")
    p.add_argument("--set-literal", action="append", default=[], metavar="K=V",
                   help="set a literal STRING value, commas and all (repeatable)")


def _template_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="kts template", description="Locally render templates: what `helm template` "
                "prints, without helm, a network or a cluster.",
                usage="kts template [NAME] CHART [flags]", allow_abbrev=False, formatter_class=_Help)
    p.add_argument("args", nargs="*", metavar="[NAME] CHART",
                   help="release name (default \"release-name\") and a chart directory or .tgz archive")
    _add_value_flags(p)
    p.add_argument("-n", "--namespace", default=None,
                   help="namespace of the release (default $HELM_NAMESPACE or \"default\")")
    p.add_argument("--name-template", default="", metavar="TEMPLATE",
                   help="template used to name the release")
    p.add_argument("-g", "--generate-name", action="store_true",
                   help="generate the name (helm template keeps \"release-name\")")
    p.add_argument("--release-name", action="store_true", dest="use_release_name",
                   help="use release name in the output-dir path")
    p.add_argument("-s", "--show-only", action="append", default=[], metavar="TEMPLATE",
                   help="only show manifests rendered from the given templates (repeatable)")
    p.add_argument("--output-dir", default="", metavar="DIR",
                   help="write the rendered templates to files in DIR instead of stdout")
    p.add_argument("--kube-version", default="", metavar="VERSION",
                   help="Kubernetes version for .Capabilities.KubeVersion")
    p.add_argument("-a", "--api-versions", action="append", default=[], metavar="LIST",
                   help="API versions for .Capabilities.APIVersions (comma-separated; repeatable)")
    p.add_argument("--is-upgrade", action="store_true",
                   help="set .Release.IsUpgrade instead of .Release.IsInstall")
    p.add_argument("--no-hooks", action="store_true", help="leave hooks out of the output")
    p.add_argument("--skip-tests", action="store_true", help="leave test hooks out of the output")
    p.add_argument("--include-crds", action="store_true", help="include CRDs (crds/) in the output")
    p.add_argument("--skip-crds", action="store_true",
                   help="accepted for Helm compatibility; CRDs appear only with --include-crds")
    p.add_argument("--skip-schema-validation", action="store_true",
                   help="do not validate values against values.schema.json")
    p.add_argument("--dry-run", default="client", metavar="client",
                   help="only --dry-run=client: kts never contacts a cluster")
    p.add_argument("--debug", action="store_true",
                   help="on a YAML error, print what was rendered before the error")
    helm_only = p.add_argument_group(
        "helm flags kts refuses, saying why (they need a network, a cluster or a helm binary)",
        ", ".join(_REFUSED) + ", --dry-run=server")
    for flag, (takes_value, _why) in _REFUSED.items():
        helm_only.add_argument(flag, dest="refused_" + flag[2:].replace("-", "_"),
                               **_store(takes_value))
    ignored = p.add_argument_group("helm flags with no effect on local rendering (accepted, ignored)",
                                   ", ".join(_IGNORED))
    for flag, takes_value in _IGNORED.items():
        names = [flag, *[s for s, long in _IGNORED_SHORT.items() if long == flag]]
        ignored.add_argument(*names, dest="ignored_" + flag[2:].replace("-", "_"), **_store(takes_value))
    ignored.add_argument("--wait", dest="ignored_wait", help=argparse.SUPPRESS)
    return p


def _bool_flags(parser: argparse.ArgumentParser) -> set[str]:
    return {s for a in parser._actions if a.nargs == 0 for s in a.option_strings if s.startswith("--")}


def _normalize(argv: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """Reads flags as pflag does: ``--bool=false``, ``--dry-run`` without a value, unknown flags."""
    known = {s for a in parser._actions for s in a.option_strings}
    bools = _bool_flags(parser)
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "--":
            out.extend(argv[i - 1:])
            break
        if not arg.startswith("-") or arg == "-":
            out.append(arg)
            continue
        name, eq, value = arg.partition("=")
        if name in _OPTIONAL_VALUE:
            out.append(f"{name}={value if eq else _OPTIONAL_VALUE[name]}")
            continue
        if name.startswith("--"):
            if name not in known:
                raise CommandError(f"unknown flag: {name}")
            if eq and name in bools:
                if value in _GO_TRUE:
                    out.append(name)
                elif value not in _GO_FALSE:
                    raise CommandError(f'invalid argument "{value}" for "{name}" flag: '
                                       f'strconv.ParseBool: parsing "{value}": invalid syntax')
                continue
        elif arg[:2] not in known and arg != "-h":
            raise CommandError(f"unknown shorthand flag: '{arg[1]}' in {arg}")
        if not eq and name in known and name not in bools and len(name) == len(arg) and i < len(argv):
            # The next word is the flag's value even when it starts with "-", as with pflag.
            value = argv[i]
            if name.startswith("--"):
                out.append(f"{name}={value}")
            else:
                out.extend([name + value] if value.startswith("-") else [name, value])
            i += 1
            continue
        out.append(arg)
    return out


def _read(path: str) -> str:
    """A ``-f``/``--set-file`` path: ``-`` is stdin; URLs are refused (kts reads local files only)."""
    from kts.helm import ValuesError, read_local_file

    if path.strip() == "-":
        return sys.stdin.read()
    if _URL_RE.match(path):
        raise ValuesError(f"cannot read {path}: kts reads values from local files only; download it first")
    return read_local_file(path)


def merge_user_values(ns: argparse.Namespace) -> dict[str, Any]:
    """``values.Options.MergeValues``: files, --set-json, --set, --set-string, --set-file, --set-literal."""
    from kts.helm import ValueOptions

    return ValueOptions(value_files=ns.value_files, json_values=ns.set_json, values=ns.set_values,
                        string_values=ns.set_string, file_values=ns.set_file,
                        literal_values=ns.set_literal).merge(read=_read)


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
    from kts.helm import render_name_template

    try:
        return render_name_template(text)
    except Exception as exc:
        raise CommandError(str(exc)) from None


def _check_flags(ns: argparse.Namespace) -> None:
    for flag, (_takes_value, why) in _REFUSED.items():
        if getattr(ns, "refused_" + flag[2:].replace("-", "_"), None):
            raise CommandError(f"{flag} is not supported: {why}")
    mode = ns.dry_run
    if mode in ("unset", "client") or mode in _GO_TRUE:
        return
    if mode == "server":
        raise CommandError("--dry-run=server is not supported: kts renders without a cluster; "
                           "use --dry-run=client (the default)")
    if mode == "none" or mode in _GO_FALSE:
        raise CommandError(f'invalid dry-run value ("{mode}"). Must be "server" or "client"')
    raise CommandError(f'invalid dry-run value ("{mode}"). Must be "none", "server", or "client"')


def _check_chart_ref(ref: str) -> None:
    if os.path.exists(ref):
        return
    if _URL_RE.match(ref) or "://" in ref:
        raise CommandError(f'cannot use "{ref}": {_OFFLINE}; {_DOWNLOAD}')
    if not os.path.isabs(ref) and not ref.startswith(".") and ref.count("/") == 1:
        raise CommandError(f'path "{ref}" not found (a repository chart? {_OFFLINE}; {_DOWNLOAD})')
    raise CommandError(f'path "{ref}" not found')


def _check_kube_version(text: str) -> None:
    from kts.helm import KubeVersion

    try:
        KubeVersion.parse(text)
    except ValueError as exc:
        raise CommandError(f"invalid kube version '{text}': {exc}") from None


def run_template(argv: Sequence[str], out: Any) -> None:
    from kts.helm import (
        ChartError,
        DependencyError,
        OutputError,
        RenderError,
        ShowOnlyError,
        TemplateOptions,
        load_chart,
    )

    parser = _template_parser()
    ns = parser.parse_intermixed_args(_normalize(list(argv), parser))
    _check_flags(ns)
    name, chart_ref = _name_and_chart(ns)
    if not name or len(name) > 53 or not re.match(_RELEASE_NAME_RE, name):
        what = "no name provided" if not name else (
            f"invalid release name, must match regex {_RELEASE_NAME_RE} and the length must not be "
            "longer than 53")
        raise CommandError(f'release name check failed: release name "{name}": {what}')
    kube_version = ns.kube_version or None
    if kube_version:
        _check_kube_version(kube_version)
    _check_chart_ref(chart_ref)
    values = merge_user_values(ns)
    chart = load_chart(chart_ref)
    chart.check_installable()
    api_versions = [v for item in ns.api_versions for v in item.split(",") if v]
    namespace = ns.namespace or os.environ.get("HELM_NAMESPACE") or "default"
    opts = TemplateOptions(include_crds=ns.include_crds, no_hooks=ns.no_hooks, skip_tests=ns.skip_tests,
                           show_only=ns.show_only, output_dir=ns.output_dir,
                           use_release_name=ns.use_release_name)
    try:
        out.write(chart.template(
            values, options=opts, release_name=name, namespace=namespace, is_upgrade=ns.is_upgrade,
            kube_version=kube_version, api_versions=api_versions, typed_values=True,
            skip_schema_validation=ns.skip_schema_validation))
    except DependencyError as exc:
        raise CommandError(f"chart dependencies processing failed: {exc}") from None
    except ChartError:
        raise
    except ShowOnlyError as exc:
        raise CommandError(str(exc)) from None
    except OutputError as exc:
        if ns.debug:
            # With --debug Helm prints what it rendered before reporting the error.
            out.write(exc.partial.strip(" \t\n\r\v\f") + "\n")
            raise CommandError(str(exc)) from None
        raise CommandError(f"{exc}\n\nUse --debug flag to render out invalid YAML") from None
    except RenderError as exc:
        suffix = "" if ns.debug else "\n\nUse --debug flag to render out invalid YAML"
        raise CommandError(f"{exc}{suffix}") from None
    except OSError as exc:  # --output-dir: a path under a file, no permission, a full disk
        op = "mkdir" if isinstance(exc, (FileExistsError, NotADirectoryError)) else "open"
        raise CommandError(f"{op} {exc.filename}: {(exc.strerror or str(exc)).lower()}") from None


def _lint_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="kts lint", description="Examine charts for possible issues, as `helm lint` does: "
                "[ERROR] for what will fail to install, [WARNING] for what breaks convention.",
                usage="kts lint PATH [flags]", allow_abbrev=False, formatter_class=_Help)
    p.add_argument("paths", nargs="*", metavar="PATH", help="chart directories or .tgz archives")
    p.add_argument("--strict", action="store_true", help="fail on lint warnings")
    p.add_argument("--with-subcharts", action="store_true", help="lint dependent charts")
    p.add_argument("--quiet", action="store_true", help="print only warnings and errors")
    p.add_argument("--skip-schema-validation", action="store_true",
                   help="if set, disables JSON schema validation")
    p.add_argument("--kube-version", default="", metavar="VERSION",
                   help="Kubernetes version used for capabilities and deprecation checks")
    _add_value_flags(p)
    p.add_argument("-n", "--namespace", default=None,
                   help="namespace of the release (default $HELM_NAMESPACE or \"default\")")
    p.add_argument("--debug", action="store_true", help="accepted for Helm compatibility")
    spawner = p.add_argument_group(
        "KubeTemplateSpawner (needs the [spawner] extra)",
        "Render each chart as KubeTemplateSpawner renders a user's server, for sample servers with "
        "hostile names and for every profile and choice the hub config offers, and report every "
        "contract violation, guard refusal and object two servers would share.")
    spawner.add_argument("--spawner", action="store_true",
                         help="also check the chart against the spawner's contract")
    spawner.add_argument("--hub-config", default=None, metavar="FILE",
                         help="the hub's jupyterhub_config.py, for its c.KubeTemplateSpawner and "
                              "c.KubeSpawner settings and profile_list (implies --spawner)")
    ignored = p.add_argument_group("helm's global flags with no effect on linting (accepted, ignored)",
                                   ", ".join(_GLOBAL_IGNORED))
    for flag in _GLOBAL_IGNORED:
        ignored.add_argument(flag, dest="ignored_" + flag[2:].replace("-", "_"), **_store(_IGNORED[flag]))
    return p


def _with_subcharts(paths: list[str]) -> list[str]:
    """Each chart under ``PATH/charts`` (directories with a Chart.yaml, archives), in the order
    Go's ``filepath.Walk`` visits them: every directory's entries sorted by name, depth first."""
    found = list(paths)

    def walk(path: str) -> None:
        try:
            names = sorted(os.listdir(path))
        except OSError:
            return
        for name in names:
            full = os.path.join(path, name)
            if name == "Chart.yaml":
                found.append(path)
            elif full.endswith((".tgz", ".tar.gz")):
                found.append(full)
            if os.path.isdir(full) and not os.path.islink(full):
                walk(full)

    for path in paths:
        walk(os.path.normpath(os.path.join(path, "charts")))
    return found


def run_lint(argv: Sequence[str], out: Any, err: Any) -> int:
    """``helm lint``: findings on ``out``, the engine's log on ``err``; 1 when a chart failed."""
    from kts.helm import lint_chart

    parser = _lint_parser()
    ns = parser.parse_intermixed_args(_normalize(list(argv), parser))
    if not ns.paths:
        raise CommandError('"kts lint" requires at least 1 argument')
    if ns.kube_version:
        _check_kube_version(ns.kube_version)
    paths = _with_subcharts(ns.paths) if ns.with_subcharts else list(ns.paths)
    namespace = ns.namespace or os.environ.get("HELM_NAMESPACE") or "default"
    values = merge_user_values(ns)
    report: list[str] = []
    failed = flagged = 0
    for path in paths:
        result = lint_chart(path, values, namespace=namespace, kube_version=ns.kube_version or None,
                            strict=ns.strict, skip_schema_validation=ns.skip_schema_validation)
        err.write("".join(f"{line}\n" for line in result.log_lines()))
        flagged += result.has_warnings_or_errors
        if ns.quiet and not result.has_warnings_or_errors:
            continue
        report.append(f"==> Linting {path}\n")
        if not result.messages:
            report.extend(f"Error {e}\n" for e in result.errors)
        report.extend(f"{m}\n" for m in result.messages if not ns.quiet or m.severity > 1)
        failed += result.failed
        report.append("\n")
        if ns.spawner or ns.hub_config:
            spawner_failed, lines = _lint_spawner(path, values, ns.hub_config)
            failed += spawner_failed and not result.failed
            report.extend(lines)
    out.write("".join(report))
    summary = f"{len(paths)} chart(s) linted, {failed} chart(s) failed"
    if failed:
        raise CommandError(summary)
    if not ns.quiet or flagged:
        out.write(summary + "\n")
    return 0


def _lint_spawner(path: str, values: dict[str, Any], hub_config: str | None) -> tuple[bool, list[str]]:
    """The spawner's contract lint of one chart: whether it failed, and its report lines."""
    try:
        from kts.spawner.lint import lint_spawner_chart
    except ModuleNotFoundError as e:
        raise CommandError(str(e)) from None
    if hub_config is not None and not os.path.isfile(hub_config):
        raise CommandError(f"open {hub_config}: no such file or directory")
    result = lint_spawner_chart(path, values=values, config_file=hub_config)
    lines = [f"==> Checking {path} against KubeTemplateSpawner's contract "
             f"({result.rendered} sample server(s) rendered)\n"]
    lines.extend(f"{finding}\n" for finding in result.findings)
    lines.append("\n")
    return result.failed, lines


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


def _usage() -> str:
    width = max(len(name) for name, _ in _COMMANDS)
    lines = [f"  {name.ljust(width)}  {what}" for name, what in _COMMANDS]
    return ("kts: Helm charts rendered in pure Python, applied to Kubernetes, spawned for JupyterHub.\n\n"
            "Usage:\n  kts COMMAND [args]\n\nCommands:\n" + "\n".join(lines) + "\n\n"
            "Flags:\n  -h, --help     show this help\n  --version      print the kts version\n\n"
            'Run "kts help COMMAND" or "kts COMMAND --help" for a command\'s flags.\n')


def _version() -> str:
    from kts import __version__

    return f"kts {__version__}\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kts`` script; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`kts template ... | head`): stop without a second broken pipe at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _main(args: list[str]) -> int:
    if args and args[0] == "help":
        args = [*args[1:2], "--help"] if len(args) > 1 else []
    if args and args[0] in _SUBCOMMANDS:
        import importlib
        import importlib.util

        from kts.extras import missing_extra

        extra, needs = _EXTRAS[args[0]]
        try:
            for name in needs:
                if importlib.util.find_spec(name) is None:
                    raise ModuleNotFoundError(name=name)
            module = importlib.import_module(_SUBCOMMANDS[args[0]])
        except ModuleNotFoundError as exc:
            missing = (exc.name or "kts").partition(".")[0]
            if missing == "kts":
                raise
            sys.stderr.write(f"Error: {missing_extra(f'kts {args[0]}', missing, extra)}\n")
            return 1
        return int(module.main(args[1:]) or 0)
    if not args or args[0] in ("-h", "--help"):
        (sys.stdout if args else sys.stderr).write(_usage())
        return 0 if args else 1
    if args[0] == "--version":
        sys.stdout.write(_version())
        return 0
    if args[0] not in ("template", "lint"):
        if args[0].startswith("-"):
            sys.stderr.write(f"Error: unknown flag: {args[0].partition('=')[0]}\n")
        else:
            sys.stderr.write(f'Error: unknown command "{args[0]}" for "kts"\n')
        return 1
    from kts.helm import RenderError

    try:
        if args[0] == "lint":
            return run_lint(args[1:], sys.stdout, sys.stderr)
        run_template(args[1:], _Out())
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except (CommandError, RenderError) as exc:
        sys.stdout.flush()
        sys.stderr.write(f"Error: {exc}\n")
        return 1
    except (KeyboardInterrupt, BrokenPipeError):
        raise
    except Exception as exc:  # a kts defect: reported in one line like any other failure
        sys.stdout.flush()
        sys.stderr.write(f"Error: internal error: {exc!r}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
