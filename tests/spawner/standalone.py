"""Spawners outside a running hub: a real ORM user and server, as JupyterHub builds them."""

from __future__ import annotations

from typing import Any

from jupyterhub import orm
from jupyterhub.objects import Hub, Server
from jupyterhub.user import User

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
                 **config: Any) -> KubeTemplateSpawner:  # fmt: skip
    """A KubeTemplateSpawner for ``username``/``servername`` with ``config`` traits set."""
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
    config.setdefault("cleanup_orphans", False)
    spawner = user._new_spawner(
        servername, spawner_class=KubeTemplateSpawner, hub=Hub(), oauth_client_id="mock-client-id", **config
    )
    spawner.api_token = "secret-token-value"
    if with_server:
        base = f"/user/{username}/" + (f"{servername}/" if servername else "")
        orm_server = orm.Server(base_url=base)
        db.add(orm_server)
        db.commit()
        spawner.server = Server(orm_server=orm_server)
    return spawner
