import app.domain.rules as rules
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


def chained_cart(groups: int, *, tied: bool = True):
    """The cart with ``groups`` more two-choice groups, each (if ``tied``) excluding the next
    one's second choice when its own is taken: one chain of rules through all of them."""
    base = cart_product()
    options = [g.model_dump(mode="json", exclude_none=True) for g in base.options]
    options += [{"id": f"g{i}", "label": f"G{i}", "kind": "transform",
                 "choices": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]}
                for i in range(groups)]
    rules = [r.model_dump(mode="json", exclude_none=True) for r in base.rules]
    if tied:
        rules += [{"kind": "excludes", "when": f"g{i}.b", "then": [f"g{i + 1}.b"],
                   "message": "no"} for i in range(groups - 1)]
    return cart_product(options=options, rules=rules)


def test_a_chain_of_rules_through_1500_groups_is_searched_without_recursion():
    """The search went one Python call deeper per group: past about a thousand groups it
    ended in RecursionError."""
    cart = chained_cart(1500)
    found = find_valid_selections(cart, {"g0": "b", "g1499": "b"})
    assert found is not None and found["g1"] == "a" and found["g1499"] == "b"
    assert find_valid_selections(cart, {"g7": "b", "g8": "b"}) is None


def test_only_the_groups_rules_name_are_searched_choice_by_choice(monkeypatch):
    """A group no rule names takes any of its choices where the product has a valid
    configuration at all: 10,000 such options made 20,000 searches of the whole product."""
    searched = []
    real = rules.find_valid_selections

    def counted(product, fixed, **options):
        searched.append(dict(fixed))
        return real(product, fixed, **options)

    monkeypatch.setattr(rules, "find_valid_selections", counted)
    assert unreachable_choices(chained_cart(300, tied=False)) == []
    # the whole product once, then each choice of the groups the cart's two rules name
    assert searched == [{}, {"wheels": "road"}, {"wheels": "offroad"}, {"lift": "none"},
                        {"lift": "lifted"}, {"trim": "chrome"}, {"trim": "black"}]
