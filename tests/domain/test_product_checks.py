import pytest
from pydantic import ValidationError

from app.domain.product_checks import product_problems
from tests.domain.sample_products import MATERIALS, cart_product


def fields(problems):
    return [(p.field, p.message) for p in problems]


def test_sample_product_has_no_problems():
    assert product_problems(cart_product(), MATERIALS) == []


def test_unknown_material_suggests_the_close_one():
    cart = cart_product()
    parts = [p.model_dump() for p in cart.parts]
    parts[0]["material"] = "pant"
    problems = product_problems(cart_product(parts=parts), MATERIALS)
    assert fields(problems) == [("parts[0].material",
                                 "unknown material 'pant' (did you mean 'paint'?)")]


def test_unknown_part_in_option_and_choice():
    cart = cart_product()
    options = [g.model_dump() for g in cart.options]
    options[0]["parts"] = ["bodyy"]
    options[1]["choices"][0]["parts"] = ["wheels_rood"]
    got = fields(product_problems(cart_product(options=options), MATERIALS))
    assert ("options[0].parts[0]", "unknown part 'bodyy' (did you mean 'body'?)") in got
    assert ("options[1].choices[0].parts[0]",
            "unknown part 'wheels_rood' (did you mean 'wheels_road'?)") in got


def test_duplicate_ids():
    cart = cart_product()
    parts = [p.model_dump() for p in cart.parts]
    parts[2]["id"] = "body"
    options = [g.model_dump() for g in cart.options]
    options[0]["choices"][1]["id"] = "red"
    got = fields(product_problems(cart_product(parts=parts, options=options), MATERIALS))
    assert ("parts[2].id", "duplicate id 'body'") in got
    assert ("options[0].choices[1].id", "duplicate id 'red'") in got


def test_rule_naming_an_unknown_choice():
    rules = [{"kind": "requires", "when": "lift.lifted", "then": ["wheels.offraod"],
              "message": "x"},
             {"kind": "excludes", "when": "nodot", "then": ["wheels.road"], "message": "y"}]
    got = fields(product_problems(cart_product(rules=rules), MATERIALS))
    assert ("rules[0].then[0]",
            "unknown choice 'wheels.offraod' (did you mean 'wheels.offroad'?)") in got
    assert ("rules[1].when", "expected 'group.choice', got 'nodot'") in got


def test_unknown_default_and_zone_part():
    cart = cart_product()
    options = [g.model_dump() for g in cart.options]
    options[1]["default"] = "offroads"
    zones = [z.model_dump() for z in cart.zones]
    zones[0]["part"] = "roof"
    got = fields(product_problems(cart_product(options=options, zones=zones), MATERIALS))
    assert ("options[1].default",
            "unknown choice 'offroads' (did you mean 'offroad'?)") in got
    assert ("zones[0].part", "unknown part 'roof'") in got


@pytest.mark.parametrize("change, expected", [
    ({"kind": "part_swap", "choices": [{"id": "a", "label": "A"}]}, "needs 'parts'"),
    ({"kind": "material", "parts": ["body"], "choices": [{"id": "a", "label": "A"}]},
     "needs 'material'"),
])
def test_choices_must_fit_their_option_kind(change, expected):
    option = {"id": "x", "label": "X", **change}
    with pytest.raises(ValidationError, match=expected):
        cart_product(options=[option])


def test_projector_up_parallel_to_direction_is_refused():
    zone = {"id": "z", "label": "Z", "kind": "text", "part": "body",
            "projector": {"position": [0, 0, 0], "direction": [0, 1, 0], "up": [0, 2, 0],
                          "width_mm": 10, "height_mm": 10}}
    with pytest.raises(ValidationError, match="parallel"):
        cart_product(zones=[zone])


def test_free_colour_needs_exactly_one_limit():
    option = {"id": "c", "label": "C", "kind": "material", "parts": ["body"],
              "material": "paint", "choices": [{"id": "f", "label": "F", "free_colour": {
                  "default": "#ffffff", "palette": ["#ffffff"],
                  "range": {"lightness": [0, 1]}}}]}
    with pytest.raises(ValidationError, match="exactly one"):
        cart_product(options=[option])
