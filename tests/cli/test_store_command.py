"""``app store``: init, import-orders, suggest, export-customer and erase-customer, as a shop
uses them."""

from __future__ import annotations

import json

import pytest

from app.catalog.catalog import load_catalog
from app.cli.main import main
from app.domain.configuration import default_configuration
from app.domain.share_code import encode_share_code
from app.project import BUILT_IN_ROOT


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(BUILT_IN_ROOT)


def _orders_csv(tmp_path, catalog) -> str:
    guitar = catalog.product("guitar")
    rows = ["order_id,date,customer_email,share_code,quantity"]
    for i in range(12):
        configuration = default_configuration(guitar)
        if i < 6:
            configuration = configuration.with_choice("finish", "black") \
                .with_choice("pickguard", "tortoise")
        rows.append(f"O-{i},2026-11-{i + 1:02d},buyer{i}@example.com,"
                    f"{encode_share_code(configuration, guitar)},1")
    rows.append("O-99,2026-11-20,lost@example.com,banjo-abcd,1")
    path = tmp_path / "orders.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def test_a_shop_imports_its_orders_and_asks_for_suggestions(tmp_path, capsys, catalog):
    database = f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    assert main(["store", "--database", database, "init"]) == 0
    assert "store ready" in capsys.readouterr().out
    assert main(["store", "--database", database, "import-orders",
                 _orders_csv(tmp_path, catalog)]) == 0
    out = capsys.readouterr().out
    assert "imported 13 orders (13 lines, 1 flagged" in out
    assert main(["store", "--database", database, "suggest", "--product", "guitar",
                 "--set", "finish=black"]) == 0
    out = capsys.readouterr().out
    assert "pickguard=tortoise" in out and "6 customers" in out and "lift 2.00" in out
    assert main(["store", "--database", database, "suggest", "--product", "guitar",
                 "--set", "finish=black", "--set", "pickguard=black"]) == 1
    assert "black pickguard" in capsys.readouterr().err.lower()


def test_a_customer_is_exported_then_erased(tmp_path, capsys, catalog):
    database = f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    main(["store", "--database", database, "import-orders", _orders_csv(tmp_path, catalog)])
    capsys.readouterr()
    assert main(["store", "--database", database, "export-customer", "1"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["customer"]["email"] == "buyer0@example.com"
    assert len(exported["orders"]) == 1
    assert main(["store", "--database", database, "erase-customer", "1"]) == 0
    assert "erased customer 1" in capsys.readouterr().out
    assert main(["store", "--database", database, "export-customer", "1"]) == 1
    assert "no customer 1" in capsys.readouterr().err


def test_bad_arguments_are_clear_errors(tmp_path, capsys):
    database = f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    assert main(["store", "--database", database, "suggest", "--product", "teapot"]) == 1
    assert "unknown product 'teapot'" in capsys.readouterr().err
    assert main(["store", "--database", database, "suggest", "--product", "mug",
                 "--set", "glaze"]) == 1
    assert "GROUP=CHOICE" in capsys.readouterr().err
    assert main(["store", "--database", database, "import-orders",
                 str(tmp_path / "missing.csv")]) == 1
    assert "file not found" in capsys.readouterr().err
    assert main(["store", "--database", "postgresql://u:secret@127.0.0.1:9/x", "init"]) == 1
    err = capsys.readouterr().err
    assert "cannot be" in err and "secret" not in err
