"""The store's schema: made by its migrations, the same as the tables the code maps, and a
migration from the previous schema keeps every row."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import inspect, select, text

from app.errors import AppError
from app.store.database import head_revision, open_store
from app.store.tables import Base


def test_a_new_store_has_every_table_at_the_newest_schema(store):
    assert store.revision() == head_revision()
    tables = set(inspect(store.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_the_migrations_make_the_schema_the_tables_describe(store):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_migrating_from_the_previous_schema_keeps_every_row(store_url):
    database = open_store(store_url, migrate=False)
    database.migrate("0001")
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    rows = {
        "customers": {"id": 1, "name": "Anna", "email": "anna@example.com", "consent": True,
                      "buyer_key": "k" * 32, "created_at": now},
        "product_versions": {"hash": "h" * 64, "product_id": "mug", "definition": "{}",
                             "first_seen": now},
        "configurations": {"id": 1, "client_key": "c" * 32, "customer_id": 1,
                           "product_id": "mug", "product_hash": "h" * 64,
                           "selections": {"glaze": "white"}, "configuration": "{}",
                           "share_code": "mug-abc", "total": 12.5, "currency": "EUR",
                           "thumbnail": b"\x89PNG", "saved_at": now},
        "quotes": {"id": 1, "configuration_id": 1, "total": 12.5, "currency": "EUR",
                   "document": "quote.pdf", "created_at": now},
        "orders": {"id": 1, "external_id": "A-1", "customer_id": 1, "buyer_key": "k" * 32,
                   "ordered_on": date(2026, 11, 30), "source": "app", "document": None,
                   "created_at": now},
        "order_lines": {"id": 1, "order_id": 1, "product_id": "mug", "product_hash": "h" * 64,
                        "share_code": "mug-abc", "configuration": "{}", "preset_id": None,
                        "personalized": False, "quantity": 2, "unit_price": 12.5,
                        "currency": "EUR", "problem": None},
        "order_line_choices": {"order_line_id": 1, "group_id": "glaze", "choice_id": "white",
                               "product_id": "mug"},
        "events": {"id": 1, "at": now, "day": date(2026, 11, 30), "kind": "choice_made",
                   "window": "desktop", "session_key": "s" * 32, "product_id": "mug",
                   "group_id": "glaze", "choice_id": "white", "preset_id": None, "value": None},
    }
    old = Base.metadata.tables
    with database.engine.begin() as connection:
        for table, row in rows.items():
            connection.execute(old[table].insert(), [row])
    database.migrate()
    assert database.revision() == head_revision()
    with database.engine.connect() as connection:
        for table, row in rows.items():
            kept = connection.execute(select(old[table])).mappings().all()
            assert len(kept) == 1, table
            for column, value in row.items():
                got = kept[0][column]
                if isinstance(value, float):
                    assert float(got) == pytest.approx(value), (table, column)
                elif isinstance(value, datetime):
                    assert got.replace(tzinfo=UTC) == value.replace(tzinfo=UTC) \
                        if got.tzinfo is None else got == value, (table, column)
                else:
                    assert got == value, (table, column)
    database.close()


@pytest.mark.parametrize("url", ["mysql://x", "not a url", "sqlite+pysqlite:/"])
def test_a_database_url_that_is_not_one_we_use_is_a_clear_error(url):
    with pytest.raises(AppError) as caught:
        open_store(url)
    assert "APP_DATABASE_URL" in str(caught.value)


def test_a_database_that_does_not_answer_is_reported_as_unavailable():
    from app.store.database import StoreUnavailable

    with pytest.raises(StoreUnavailable) as caught:
        open_store("postgresql://nobody:secret@127.0.0.1:9/none")
    assert "secret" not in str(caught.value)
    assert "cannot be" in str(caught.value)


def test_sqlite_stores_keep_foreign_keys(tmp_path):
    database = open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    database.close()
