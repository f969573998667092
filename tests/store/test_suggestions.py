"""Suggestions from order lines: known rules come back, with their support; a pair that fewer
than five buyers back is never shown; the rules of the product are respected."""

from __future__ import annotations

import pytest

from app.domain.configuration import default_configuration
from app.domain.product import Choice, OptionGroup
from app.store.customer_suggestions import complements, usual_choices
from app.store.orders import LineItem, record_order
from app.store.sales_counts import refresh_counts
from app.store.suggestions import most_ordered_presets, suggestions
from tests.store.synthetic import customers, guitar_history, order_as


def test_a_known_rule_comes_back_with_its_figures(store, catalog):
    guitar = catalog.product("guitar")
    with store.transaction() as session:
        guitar_history(session, guitar)
        refresh_counts(session)
    current = default_configuration(guitar).with_choice("finish", "black")
    with store.transaction() as session:
        found = suggestions(session, guitar, current)
    pick = found["pickguard"]
    assert (pick.choice_id, pick.because_group, pick.because_choice) == (
        "tortoise", "finish", "black")
    assert pick.lines == 9 and pick.buyers == 9
    assert pick.confidence == pytest.approx(9 / 10)
    assert pick.support == pytest.approx(9 / 18)
    assert pick.lift == pytest.approx((9 / 10) / (9 / 18))
    # popular everywhere (the default body) is not a pairing; the choice on show is not offered
    assert "body" not in found
    with store.transaction() as session:
        assert "pickguard" not in suggestions(
            session, guitar, current.with_choice("pickguard", "tortoise"))
    assert "90%" in pick.describe(guitar)


def test_a_pair_backed_by_four_buyers_is_not_shown(store, catalog):
    guitar = catalog.product("guitar")
    with store.transaction() as session:
        guitar_history(session, guitar)
        refresh_counts(session)
    current = default_configuration(guitar).with_choice("finish", "sunburst")
    with store.transaction() as session:
        found = suggestions(session, guitar, current)
        assert "hardware" not in found  # 8 orders, but only 4 buyers
        assert suggestions(session, guitar, current, min_buyers=4)["hardware"].choice_id \
            == "gold"


def test_a_suggestion_the_rules_forbid_is_not_made(store, catalog):
    guitar = catalog.product("guitar")
    with store.transaction() as session:
        buyers = customers(session, 12)
        for buyer in buyers[:6]:  # gold hardware sells with a single-cut sunburst body
            order_as(session, guitar, buyer, {"finish": "sunburst", "hardware": "gold",
                                              "body": "single"})
        for buyer in buyers[6:]:
            order_as(session, guitar, buyer, {"finish": "natural", "body": "offset"})
        refresh_counts(session)
    # on a candy red body the rules do not allow gold hardware: no hardware suggestion
    current = default_configuration(guitar).with_choice("finish", "candy_red") \
        .with_choice("body", "single")
    with store.transaction() as session:
        found = suggestions(session, guitar, current)
    assert "hardware" not in found
    assert found["finish"].choice_id == "sunburst"


def test_new_orders_change_the_suggestions(store, catalog):
    mug = catalog.product("mug")
    current = default_configuration(mug).with_choice("glaze", "matte_black")
    with store.transaction() as session:
        buyers = customers(session, 10)
        for buyer in buyers[:4]:
            order_as(session, mug, buyer, {"glaze": "matte_black", "interior": "red"})
        for buyer in buyers[5:]:
            order_as(session, mug, buyer, {"glaze": "white", "interior": "white"})
        refresh_counts(session)
    with store.transaction() as session:
        assert "interior" not in suggestions(session, mug, current)
    with store.transaction() as session:
        order_as(session, mug, buyers[4], {"glaze": "matte_black", "interior": "red"})
    with store.transaction() as session:
        assert refresh_counts(session) == []  # the order added to the counts as it came
        assert suggestions(session, mug, current)["interior"].choice_id == "red"


def test_flagged_lines_and_anonymous_orders_count_right(store, catalog):
    mug = catalog.product("mug")
    with store.transaction() as session:
        for _ in range(6):  # no buyer known: not five distinct customers
            record_order(session, [LineItem.of(mug, default_configuration(mug)
                                               .with_choice("glaze", "speckled"))])
        record_order(session, [LineItem("mug", "mug-zzzz", problem="gone")])
        refresh_counts(session)
    with store.transaction() as session:
        assert suggestions(session, mug, default_configuration(mug)) == {}


def test_the_most_ordered_presets_come_first(store, catalog):
    mug = catalog.product("mug")
    with store.transaction() as session:
        buyer = customers(session, 1)[0]
        order_as(session, mug, buyer, dict(mug.preset("stoneware").selections), quantity=3)
        order_as(session, mug, buyer, dict(mug.preset("midnight").selections))
    with store.transaction() as session:
        assert most_ordered_presets(session, mug) == ["stoneware", "midnight", "classic"]


def test_a_customer_is_offered_what_goes_with_what_they_bought(store, catalog):
    guitar, mug = catalog.product("guitar"), catalog.product("mug")
    strap = mug.model_copy(update={"id": "strap", "name": "Guitar strap", "options": [
        OptionGroup(id="colour", label="Colour", kind="material", parts=[mug.parts[0].id],
                    material=mug.parts[0].material, choices=[
                        Choice(id="brown", label="Brown", color="#5a3a22"),
                        Choice(id="black", label="Black", color="#111111")])],
        "rules": [], "presets": [], "zones": []})
    guitar = guitar.model_copy(update={"complements": ["strap"]})
    products = {"guitar": guitar, "strap": strap, "mug": mug}
    with store.transaction() as session:
        buyer = customers(session, 1)[0]
        order_as(session, guitar, buyer, {"finish": "black", "pickguard": "white"})
        order_as(session, guitar, buyer, {"finish": "black", "pickguard": "white"})
    with store.transaction() as session:
        [offer] = complements(session, buyer, products)
        usual = usual_choices(session, buyer, guitar)
    assert offer.product_id == "strap" and offer.because_product == "guitar"
    assert offer.configuration.selections == {"colour": "black"}
    assert offer.matched == (("colour", "black"),)
    assert "Guitar strap" in offer.describe(products)
    assert usual["finish"] == "black" and usual["pickguard"] == "white"


def test_orders_added_one_by_one_count_as_a_full_recount_does(store, catalog):
    import random

    from sqlalchemy import select

    from app.store.tables import ChoiceCount, PairCount

    guitar = catalog.product("guitar")
    rnd = random.Random(7)
    with store.transaction() as session:
        buyers = customers(session, 8)
        refresh_counts(session, "guitar")  # made (empty): from now on orders add to them
    for _ in range(40):
        selections = {"finish": rnd.choice(["black", "natural", "sunburst"]),
                      "pickguard": rnd.choice(["white", "tortoise"]),
                      "hardware": rnd.choice(["chrome", "black"])}
        with store.transaction() as session:
            order_as(session, guitar, rnd.choice([*buyers, None]), selections)

    def table(model):
        with store.transaction() as session:
            return sorted(tuple(getattr(row, c.key) for c in model.__table__.columns)
                          for row in session.scalars(select(model)))

    added = table(ChoiceCount), table(PairCount)
    with store.transaction() as session:
        refresh_counts(session, "guitar")
    assert (table(ChoiceCount), table(PairCount)) == added
    assert any(row[-1] > 1 for row in added[1])  # buyers counted once each
