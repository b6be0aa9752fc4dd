"""A chart checked against the spawner's contract before any cluster is involved.

The chart is rendered exactly as KubeTemplateSpawner renders it at a start (the same values, the
same contract and guards) for sample servers chosen to break careless charts: names that need
escaping or shortening, names that differ only where a slug loses characters, template syntax in a
name, named servers, and every profile and profile choice the configuration offers. Each refusal
is reported with the server it came from. Objects that two servers would both create are reported
too: at the second start, the ownership check refuses them.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kts.names import server_names

SAMPLE_SERVERS: tuple[tuple[str, str], ...] = (
    ("alice", ""),
    ("alice", "gpu"),
    ("Alice", ""),  # differs from alice only in case, which the safe slug keeps apart
    ("bob.smith@example.com", ""),
    ("bob-smith-example-com", ""),  # what a careless slug makes of the previous name
    ("ünïcødé-ユーザー", "données"),
    ("x" * 80, ""),  # longer than any Kubernetes name or label value
    ("x" * 80, "y" * 80),  # the same long user: a name cut to length must still tell them apart
    ("-dash_", "."),
    ('{{ .Values }}"; $(id)', "{{ end }}"),  # values stay data
)


@dataclass(frozen=True)
class Sample:
    """One server to render: its user and server names and the options its user chose."""

    username: str
    servername: str
    user_options: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        text = f"user {_q(self.username)}, server {_q(self.servername)}"
        if self.user_options:
            text += ", options " + ", ".join(f"{k}={_q(str(v))}" for k, v in self.user_options.items())
        return text


@dataclass(frozen=True)
class Finding:
    """A refusal (``ERROR``) or a remark (``WARNING``), worded as ``kts lint`` prints it."""

    severity: str
    text: str

    def __str__(self) -> str:
        return f"[{self.severity}] {self.text}"


@dataclass
class SpawnerLint:
    """What rendering the chart for every sample found."""

    chart: str
    rendered: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(f.severity == "ERROR" for f in self.findings)


def lint_spawner_chart(chart: str, *, values: Mapping[str, Any] | None = None,
                       config_file: str | None = None,
                       samples: tuple[tuple[str, str], ...] = SAMPLE_SERVERS) -> SpawnerLint:  # fmt: skip
    """Render ``chart`` as KubeTemplateSpawner would for each sample server (and each profile
    and choice of the configuration in ``config_file``, a ``jupyterhub_config.py``)."""
    return asyncio.run(_lint(chart, dict(values or {}), config_file, samples))


async def _lint(chart: str, values: dict[str, Any], config_file: str | None,
                samples: tuple[tuple[str, str], ...]) -> SpawnerLint:  # fmt: skip
    from kts.spawner.errors import SpawnFailed

    result = SpawnerLint(chart=chart)
    traits = _load_config(config_file)
    owners: dict[tuple[str, str, str | None, str], Sample] = {}
    with _sessions() as db:
        for username, servername in samples:
            variants = await _variants(db, traits, chart, values, username, servername)
            for sample in variants:
                spawner = _spawner(db, traits, chart, values, sample)
                try:
                    if sample.user_options:
                        spawner.user_options = dict(sample.user_options)
                        await spawner.load_user_options()
                    checked = await spawner.render(None)
                except SpawnFailed as e:
                    result.findings.append(Finding("ERROR", f"{sample.describe()}: {e.log_message or e}"))
                    continue
                except Exception as e:  # a template error, a hook's failure: reported, not raised
                    result.findings.append(Finding("ERROR", f"{sample.describe()}: {_message(e)}"))
                    continue
                result.rendered += 1
                _collisions(result, owners, sample, checked.refs)
    return result


def _collisions(result: SpawnerLint, owners: dict[tuple[str, str, str | None, str], Sample],
                sample: Sample, refs: list[Any]) -> None:  # fmt: skip
    for ref in refs:
        group = ref.api_version.rpartition("/")[0]
        key = (group, ref.kind, ref.namespace, ref.name)
        first = owners.setdefault(key, sample)
        same_server = (first.username, first.servername) == (sample.username, sample.servername)
        if not same_server:
            result.findings.append(Finding(
                "ERROR",
                f"{ref.describe()} is rendered for {first.describe()} and for {sample.describe()}: "
                "the second server to start is refused it (an object belongs to one server)",
            ))


async def _variants(db: Any, traits: Any, chart: str, values: dict[str, Any], username: str,
                    servername: str) -> list[Sample]:  # fmt: skip
    """The sample with no options, then each profile, then each choice of each profile option."""
    out = [Sample(username, servername)]
    spawner = _spawner(db, traits, chart, values, out[0])
    profiles = spawner.profile_list
    if callable(profiles):
        profiles = profiles(spawner)
        if asyncio.iscoroutine(profiles) or asyncio.isfuture(profiles):
            profiles = await profiles
    for profile in spawner._get_initialized_profile_list(list(profiles or [])):
        slug = profile["slug"]
        out.append(Sample(username, servername, {"profile": slug}))
        for option, spec in (profile.get("profile_options") or {}).items():
            for choice in (spec.get("choices") or {}):
                # user_options as KubeSpawner keeps them (its form's fields, converted)
                out.append(Sample(username, servername, {"profile": slug, option: choice}))
    return out


def _spawner(db: Any, traits: Any, chart: str, values: dict[str, Any], sample: Sample) -> Any:
    """A KubeTemplateSpawner for ``sample``, built on a JupyterHub user as a hub builds it."""
    from jupyterhub import orm
    from jupyterhub.objects import Hub, Server
    from jupyterhub.user import User

    from kts.spawner import KubeTemplateSpawner
    from kts.spawner.values import merge

    orm_user = db.query(orm.User).filter_by(name=sample.username).first()
    if orm_user is None:
        orm_user = orm.User(name=sample.username)
        db.add(orm_user)
        db.commit()
    if sample.servername not in orm_user.orm_spawners:
        db.add(orm.Spawner(name=sample.servername, user=orm_user))
        db.commit()
    user = User(orm_user, {})
    config: dict[str, Any] = {"cleanup_orphans": False, "chart": chart}
    if traits is not None:
        config["config"] = traits
    spawner = user._new_spawner(sample.servername, spawner_class=KubeTemplateSpawner, hub=Hub(),
                                oauth_client_id="jupyterhub-user-lint", **config)  # fmt: skip
    if values:  # -f/--set over the hub config's values, as a later values file would be
        spawner.values = merge(copy.deepcopy(dict(spawner.values)), values)
    spawner.api_token = "lint-token"
    names = server_names(sample.username, sample.servername, "escape")
    orm_server = orm.Server(base_url=f"/user/{names.username}/")
    db.add(orm_server)
    db.commit()
    spawner.server = Server(orm_server=orm_server)
    return spawner


@contextlib.contextmanager
def _sessions() -> Iterator[Any]:
    """JupyterHub's database schema in memory, for the users and servers the samples need."""
    from jupyterhub import orm
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    engine = create_engine("sqlite://")
    orm.Base.metadata.create_all(engine)
    db = sessionmaker(bind=engine)()
    # JupyterHub warns about the legacy server names among the samples, traitlets about config
    # sections for other classes: noise in a lint report.
    quiet = [logging.getLogger(name) for name in ("tornado.application", "traitlets")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.ERROR)
    try:
        yield db
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)
        db.close()
        engine.dispose()


def _load_config(path: str | None) -> Any:
    """The traits of a ``jupyterhub_config.py`` (the operator's own file, run as the hub runs it)."""
    if path is None:
        return None
    from traitlets.config.loader import PyFileConfigLoader

    file = Path(path)
    return PyFileConfigLoader(file.name, path=str(file.parent.resolve())).load_config()


def _message(e: BaseException) -> str:
    text = str(getattr(e, "log_message", None) or e)
    return text or type(e).__name__


def _q(text: str) -> str:
    from kts.gotemplate.strconv import quote

    return quote(text)
