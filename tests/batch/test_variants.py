import itertools
import types

import pytest

from app.batch.variants import (
    all_configurations,
    configurations_from_codes,
    count_configurations,
    sample_configurations,
    valid_selections,
)
from app.domain.configuration import configuration_problems
from app.domain.share_code import encode_share_code
from app.errors import AppError, AppErrors


def test_golf_cart_has_960_valid_configurations_and_every_one_is_valid(project):
    cart = project.catalog.product("golf_cart")
    every = list(itertools.product(*[[c.id for c in g.choices] for g in cart.options]))
    assert len(every) == 1536
    configurations = all_configurations(cart)
    assert isinstance(configurations, types.GeneratorType)
    listed = list(configurations)
    assert count_configurations(cart) == len(listed) == 960
    assert len({c.to_json() for c in listed}) == 960
    for configuration in listed[::37]:
        assert configuration_problems(configuration, cart) == []
    # the two rules: the lift kit needs off-road wheels; black trim excludes street wheels
    wheels_trim_lift = {(c.selections["wheels"], c.selections["trim"],
                         c.selections["lift_kit"]) for c in listed}
    assert wheels_trim_lift == {("street", "chrome", "none"), ("offroad", "chrome", "none"),
                                ("offroad", "chrome", "lifted"), ("offroad", "black", "none"),
                                ("offroad", "black", "lifted")}
    custom = next(c for c in listed if c.selections["body_colour"] == "custom")
    assert custom.colours == {"body_colour": "#d9822b"}  # the free colour's default


def test_partial_selections_only_where_the_rest_can_follow_the_rules(project):
    cart = project.catalog.product("golf_cart")
    pairs = list(valid_selections(cart, ["wheels", "lift_kit"]))
    assert pairs == [{"wheels": "street", "lift_kit": "none"},
                     {"wheels": "offroad", "lift_kit": "none"},
                     {"wheels": "offroad", "lift_kit": "lifted"}]
    assert list(valid_selections(cart, ["trim"], fixed={"wheels": "street"})) == [
        {"wheels": "street", "trim": "chrome"}]


def test_a_sample_is_distinct_valid_and_repeatable(project):
    cart = project.catalog.product("golf_cart")
    first = sample_configurations(cart, 25, seed=7)
    again = sample_configurations(cart, 25, seed=7)
    other = sample_configurations(cart, 25, seed=8)
    assert [c.to_json() for c in first] == [c.to_json() for c in again]
    assert [c.to_json() for c in first] != [c.to_json() for c in other]
    assert len({c.to_json() for c in first}) == 25
    assert all(configuration_problems(c, cart) == [] for c in first)
    mug = project.catalog.product("mug")
    assert len(sample_configurations(mug, 500)) == 100


def test_share_codes_become_configurations_and_bad_ones_are_named(project):
    cart = project.catalog.product("golf_cart")
    chosen = sample_configurations(cart, 3, seed=1)
    codes = [encode_share_code(c, cart) for c in chosen]
    assert [c.to_json() for c in configurations_from_codes(cart, codes)] == [
        c.to_json() for c in chosen]
    broken = chosen[0].with_choice("lift_kit", "lifted").with_choice("wheels", "street")
    with pytest.raises(AppErrors) as caught:
        configurations_from_codes(cart, [codes[0], "golf_cart-zzzz", encode_share_code(
            broken, cart)])
    fields = [e.field for e in caught.value.errors]
    assert fields == ["--codes[1]", "--codes[2]"]
    assert "typing mistake" in caught.value.errors[0].message
    assert "lift kit needs the off-road wheels" in caught.value.errors[1].message


def test_hand_off_codes_work_where_share_codes_do(project, tmp_path):
    from app.cli.configuration_options import configuration_from_code
    from app.domain.handoff_code import new_handoff_code
    from app.export.handoff_store import HandoffStore

    cart = project.catalog.product("golf_cart")
    chosen = sample_configurations(cart, 2, seed=3)
    store = HandoffStore(tmp_path)
    codes = [store.add(encode_share_code(c, cart)) for c in chosen]
    found = configurations_from_codes(cart, codes, handoffs=store)
    assert [c.to_json() for c in found] == [c.to_json() for c in chosen]
    assert configuration_from_code(codes[1], cart, store).to_json() == chosen[1].to_json()
    unknown = new_handoff_code()
    with pytest.raises(AppErrors) as caught:
        configurations_from_codes(cart, [codes[0], unknown, "K0M-4QX-9T"], handoffs=store)
    assert [e.field for e in caught.value.errors] == ["--codes[1]", "--codes[2]"]
    assert "unknown here or has expired" in caught.value.errors[0].message
    with pytest.raises(AppError) as one:
        configuration_from_code(unknown, cart, store)
    assert one.value.field == "--code"
