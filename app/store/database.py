"""Opening the store: the database URL, the engine, migrations to the newest schema.

The URL is, in this order: the one asked for (``--database``, the window's settings),
``APP_DATABASE_URL``, else a SQLite file in the user's data folder (nothing to set up).
PostgreSQL URLs (``postgresql://...``) use psycopg 3.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import AppError
from app.user_dirs import user_data_folder

DATABASE_URL_VARIABLE = "APP_DATABASE_URL"
MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_FILE_NAME = "store.sqlite3"


class StoreUnavailable(AppError):
    """The database cannot be reached or used; the configurator keeps working without it."""


def default_database_url() -> str:
    return f"sqlite:///{user_data_folder() / SQLITE_FILE_NAME}"


def database_url(asked: str | None = None) -> str:
    return asked or os.environ.get(DATABASE_URL_VARIABLE) or default_database_url()


def shown_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<not a database URL>"


def _engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise AppError(f"'{shown_url(url)}' is not a database URL (expected sqlite:///FILE or "
                       "postgresql://USER:PASSWORD@HOST/DATABASE)",
                       field=DATABASE_URL_VARIABLE) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    raise AppError(f"the store needs SQLite or PostgreSQL, not '{parsed.get_backend_name()}'",
                   field=DATABASE_URL_VARIABLE)


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for a writer
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


@dataclass
class StoreDatabase:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back on an error; a database
        that cannot be reached raises StoreUnavailable."""
        try:
            with self.sessions.begin() as session:
                yield session
        except (OperationalError, InterfaceError) as exc:
            raise StoreUnavailable(f"the store database ({shown_url(self.url)}) cannot be "
                                   f"used: {_reason(exc)}") from exc

    def revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema to ``revision`` (default: the newest), keeping every row."""
        try:
            with self.engine.begin() as connection:
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        except SQLAlchemyError as exc:
            raise StoreUnavailable(f"the store database ({shown_url(self.url)}) cannot be "
                                   f"migrated: {_reason(exc)}") from exc

    def close(self) -> None:
        self.engine.dispose()


def _reason(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def open_store(url: str | None = None, *, migrate: bool = True) -> StoreDatabase:
    """The store at ``url`` (see database_url), its schema brought up to date."""
    url = database_url(url)
    engine = _engine(url)
    store = StoreDatabase(url, engine, sessionmaker(engine, expire_on_commit=False))
    if migrate:
        store.migrate()
    return store
