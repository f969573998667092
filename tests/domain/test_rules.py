from app.domain.product_checks import product_problems
from app.domain.rules import find_valid_selections, unreachable_choices, violations
from tests.domain.sample_products import MATERIALS, cart_product


def test_requires_rule_is_enforced():
    cart = cart_product()
    broken = violations(cart, {"lift": "lifted", "wheels": "road"})
    assert [v.rule.message for v in broken] == ["The lift kit needs off-road wheels."]
    assert violations(cart, {"lift": "lifted", "wheels": "offroad"}) == []


def test_excludes_rule_is_enforced():
    cart = cart_product()
    broken = violations(cart, {"trim": "black", "wheels": "road"})
    assert [v.index for v in broken] == [1]
    assert violations(cart, {"trim": "black", "wheels": "offroad"}) == []


def test_undecided_groups_break_nothing_yet():
    assert violations(cart_product(), {"lift": "lifted"}) == []


def test_valid_selection_found_closest_to_defaults():
    found = find_valid_selections(cart_product(), {"lift": "lifted"})
    assert found == {"lift": "lifted", "colour": "red", "wheels": "offroad", "trim": "chrome"}


def test_every_choice_of_the_sample_is_reachable():
    assert unreachable_choices(cart_product()) == []


def test_choice_that_no_configuration_can_select_is_reported():
    rules = [
        {"kind": "requires", "when": "lift.lifted", "then": ["wheels.offroad"], "message": "a"},
        {"kind": "excludes", "when": "lift.lifted", "then": ["wheels.offroad"], "message": "b"},
    ]
    cart = cart_product(rules=rules)
    assert unreachable_choices(cart) == [("lift", "lifted")]
    problems = product_problems(cart, MATERIALS)
    assert any(p.field == "options[2].choices[1]" and "no valid configuration" in p.message
               for p in problems)


def test_preset_that_breaks_rules_is_reported():
    cart = cart_product(presets=[{"id": "bad", "label": "Bad",
                                  "selections": {"lift": "lifted", "wheels": "road"}}])
    problems = product_problems(cart, MATERIALS)
    assert [p.field for p in problems] == ["presets[0].selections"]


def test_default_choices_that_break_a_rule_are_reported():
    rules = [{"kind": "excludes", "when": "colour.red", "then": ["wheels.road"],
              "message": "no"}]
    problems = product_problems(cart_product(rules=rules), MATERIALS)
    assert [p.field for p in problems] == ["rules[0]"]
