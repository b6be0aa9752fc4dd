"""Spawners outside a running hub: a real ORM user and server, as JupyterHub builds them."""

from __future__ import annotations

from typing import Any

from jupyterhub import orm
from jupyterhub.objects import Hub, Server
from jupyterhub.spawner import Spawner
from jupyterhub.user import User
from traitlets.config import Config

from kts.spawner import KubeTemplateSpawner

_db = None


def _session() -> Any:
    global _db
    if _db is None:
        # The schema without JupyterHub's migration machinery (seconds faster per process).
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        engine = create_engine("sqlite://")
        orm.Base.metadata.create_all(engine)
        _db = sessionmaker(bind=engine)()
    return _db


def make_spawner(username: str = "alice", servername: str = "", *, with_server: bool = True,
                 spawner_class: type[Spawner] = KubeTemplateSpawner, traits: Config | None = None,
                 hub: Hub | None = None,
                 **config: Any) -> Any:  # fmt: skip
    """A spawner (KubeTemplateSpawner unless told) for ``username``/``servername``, configured by
    ``traits`` (a traitlets Config, as a hub's config file makes) and ``config`` trait values."""
    db = _session()
    orm_user = db.query(orm.User).filter_by(name=username).first()
    if orm_user is None:
        orm_user = orm.User(name=username)
        db.add(orm_user)
        db.commit()
    if servername not in orm_user.orm_spawners:
        db.add(orm.Spawner(name=servername, user=orm_user))
        db.commit()
    user = User(orm_user, {})
    if issubclass(spawner_class, KubeTemplateSpawner):
        config.setdefault("cleanup_orphans", False)
    if traits is not None:
        config["config"] = traits
    spawner = user._new_spawner(
        servername, spawner_class=spawner_class, hub=hub or Hub(), oauth_client_id="mock-client-id", **config
    )
    spawner.api_token = "secret-token-value"
    if with_server:
        base = f"/user/{username}/" + (f"{servername}/" if servername else "")
        orm_server = orm.Server(base_url=base)
        db.add(orm_server)
        db.commit()
        spawner.server = Server(orm_server=orm_server)
    return spawner
