"""Store tests run on SQLite always and on PostgreSQL when a server is given.

``SHOWCRAFT_TEST_POSTGRES_URL`` names a role that may create databases (``./bootstrap test``
starts Debian's PostgreSQL and sets it); each test gets a database of its own, dropped after.
Without the variable the PostgreSQL variant is skipped, unless ``SHOWCRAFT_REQUIRE_POSTGRES=1``
(CI), where it fails.
"""

from __future__ import annotations

import os
import secrets
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from app.store.database import open_store

POSTGRES_VARIABLE = "SHOWCRAFT_TEST_POSTGRES_URL"


def _postgres_admin_url() -> str | None:
    url = os.environ.get(POSTGRES_VARIABLE)
    if not url and os.environ.get("SHOWCRAFT_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{POSTGRES_VARIABLE} is not set but PostgreSQL is required here")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    admin = _postgres_admin_url()
    if not admin:
        pytest.skip(f"no PostgreSQL server ({POSTGRES_VARIABLE} unset)")
    name = f"showcraft_t_{secrets.token_hex(6)}"
    engine = create_engine(make_url(admin).set(drivername="postgresql+psycopg"),
                           isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(engine, name)
        engine.dispose()


def _drop_database(engine, name: str, attempts: int = 20) -> None:
    """Drop ``name``, ending the test's own sessions left in it. An autovacuum worker that
    happens to be visiting the new database belongs to no role the test's may end, and FORCE
    then fails; the worker is gone a moment later, so the drop is tried again."""
    for attempt in range(attempts):
        try:
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1)


@pytest.fixture
def store(store_url):
    database = open_store(store_url)
    yield database
    database.close()


@pytest.fixture(scope="session")
def catalog():
    from app.catalog.catalog import load_catalog
    from app.project import BUILT_IN_ROOT

    return load_catalog(BUILT_IN_ROOT)
