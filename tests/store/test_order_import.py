"""Orders from a CSV file: good rows imported, rows naming what the catalog no longer has kept
and flagged, malformed rows reported with their line, a second import adds nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.domain.configuration import default_configuration
from app.domain.share_code import encode_share_code
from app.errors import AppError
from app.store.order_import import import_orders
from app.store.orders import flagged_lines
from app.store.tables import Customer, Order, OrderLine


def _csv(tmp_path, text: str):
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_order_file_is_imported_and_what_no_longer_reads_is_flagged(store, catalog,
                                                                        tmp_path):
    mug, guitar = catalog.product("mug"), catalog.product("guitar")
    red = encode_share_code(default_configuration(guitar).with_choice("finish", "candy_red"),
                            guitar)
    plain = encode_share_code(default_configuration(mug), mug)
    path = _csv(tmp_path, "\n".join([
        "order_id,date,customer_email,share_code,quantity,note",
        f"A-1,2026-11-02,anna@example.com,{red},1,gift",
        f"A-1,2026-11-02,anna@example.com,{plain},2,",
        f"A-2,2026-11-03,,{plain},1,",
        "A-3,2026-11-04,bo@example.com,teapot-aaaa,1,",  # a product the catalog lost
        "A-4,2026-11-04,bo@example.com,mug-zzzzzzzz,1,",  # a code that no longer reads
        f"A-5,04/11/2026,bo@example.com,{plain},1,",
        f"A-6,2026-11-04,bo@example.com,{plain},0,",
        f"A-7,2026-11-04,not-an-address,{plain},1,",
        f",2026-11-04,bo@example.com,{plain},1,",
    ]) + "\n")
    with store.transaction() as session:
        report = import_orders(session, path, catalog.products)
    assert (report.orders, report.lines, report.flagged) == (4, 5, 2)
    fields = sorted(p.field for p in report.problems)
    assert fields == ["line 10: order_id", "line 7: date", "line 8: quantity",
                      "line 9: customer_email"]
    assert all(p.file == str(path) for p in report.problems)
    with store.transaction() as session:
        flagged = flagged_lines(session)
        assert sorted(line.product_id for line in flagged) == ["mug", "teapot"]
        assert all(line.share_code and line.problem for line in flagged)
        a1 = session.scalars(select(Order).where(Order.external_id == "A-1")).one()
        assert sorted(line.quantity for line in a1.lines) == [1, 2]
        assert session.scalars(select(Customer.email).order_by(Customer.email)).all() == [
            "anna@example.com", "bo@example.com"]
    with store.transaction() as session:
        again = import_orders(session, path, catalog.products)
        assert again.orders == 0 and again.skipped_known == 4
        assert session.scalar(select(func.count()).select_from(OrderLine)) == 5


@pytest.mark.parametrize("text", [
    "order,when\n1,2\n",  # other columns
    "",  # empty
])
def test_a_file_without_the_columns_is_refused_naming_them(store, catalog, tmp_path, text):
    with store.transaction() as session, pytest.raises(AppError) as caught:
        import_orders(session, _csv(tmp_path, text), catalog.products)
    assert "order_id" in str(caught.value) and str(tmp_path) in str(caught.value)


def test_a_file_that_is_not_text_is_refused(store, catalog, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(b"\xff\xfe\x00\x01" * 100)
    with store.transaction() as session, pytest.raises(AppError, match="UTF-8"):
        import_orders(session, path, catalog.products)


def test_an_enormous_field_is_refused_not_stored(store, catalog, tmp_path):
    path = _csv(tmp_path, "order_id,date,customer_email,share_code,quantity\n"
                          f"A-1,2026-11-02,,mug-{'a' * 100_000},1\n")
    with store.transaction() as session:
        report = import_orders(session, path, catalog.products)
    assert report.orders == 0 and "longer than" in str(report.problems[0])
