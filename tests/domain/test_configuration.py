import json
from decimal import Decimal

import pytest

from app.domain.configuration import (
    SCHEMA_VERSION,
    Configuration,
    ImageValue,
    TextValue,
    complete,
    configuration_problems,
    default_configuration,
)
from app.domain.pricing import price_breakdown
from app.errors import ConfigurationError
from tests.domain.sample_products import cart_product


def messages(configuration, product):
    return [(p.field, p.message) for p in configuration_problems(configuration, product)]


def test_default_configuration_is_valid_and_complete():
    cart = cart_product()
    config = default_configuration(cart)
    assert config.selections == {"colour": "red", "wheels": "road", "lift": "none",
                                 "trim": "chrome"}
    assert configuration_problems(config, cart) == []


def test_rule_violation_reads_as_the_rules_message():
    cart = cart_product()
    config = default_configuration(cart).with_choice("lift", "lifted")
    assert messages(config, cart) == [("rules[0]", "The lift kit needs off-road wheels.")]


def test_unknown_option_choice_and_missing_choice():
    cart = cart_product()
    config = Configuration(product_id="cart", selections={"colour": "green", "roof": "x"})
    got = messages(config, cart)
    assert ("selections.colour", "unknown choice 'green' for Body colour") in got
    assert ("selections.roof", "unknown option 'roof'") in got
    assert ("selections.wheels", "no choice made for Wheels") in got


def test_free_colour_must_come_from_the_palette():
    cart = cart_product()
    config = complete(default_configuration(cart).with_choice("colour", "custom"), cart)
    assert config.colours == {"colour": "#336699"}
    assert configuration_problems(config, cart) == []
    off = config.with_colour("colour", "#FF0000")
    assert messages(off, cart) == [
        ("colours.colour", "Body colour: colour #ff0000 is outside the colours offered")]


def test_free_colour_range():
    from app.domain.configuration import colour_allowed
    from app.domain.product import FreeColour

    limit = FreeColour(default="#808080",
                       range={"hue": [330, 30], "saturation": [0.2, 1], "lightness": [0.2, 0.8]})
    assert colour_allowed(limit, "#c03030")  # red, hue 0: inside the wrapped range
    assert not colour_allowed(limit, "#3030c0")  # blue
    assert not colour_allowed(limit, "#ffffff")  # too light


def test_text_limits_are_enforced_with_customer_messages():
    cart = cart_product()
    base = default_configuration(cart)
    long = base.with_zone("name", TextValue(text="A" * 11))
    assert messages(long, cart) == [
        ("personalization.name", "Name on the side: 11 characters, at most 10 fit")]
    lines = base.with_zone("name", TextValue(text="a\nb\nc"))
    assert messages(lines, cart) == [
        ("personalization.name", "Name on the side: 3 lines, at most 2 fit")]
    chars = base.with_zone("name", TextValue(text="Zoë ☃"))
    assert messages(chars, cart) == [
        ("personalization.name", "Name on the side: these characters cannot be made: '☃'")]
    font = base.with_zone("name", TextValue(text="Al", font="comic"))
    assert messages(font, cart) == [
        ("personalization.name.font",
         "Name on the side: font 'comic' is not offered here (choose sans, serif)")]
    technique = base.with_zone("name", TextValue(text="Al", technique="engrave"))
    assert messages(technique, cart) == [
        ("personalization.name.technique", "Name on the side: 'engrave' is not offered here")]


def test_zone_kind_and_unknown_zone():
    cart = cart_product()
    base = default_configuration(cart)
    assert messages(base.with_zone("name", ImageValue(image="sha256:" + "0" * 64)), cart) == [
        ("personalization.name", "Name on the side takes text")]
    assert messages(base.with_zone("roof", TextValue(text="x")), cart) == [
        ("personalization.roof", "unknown personalization zone 'roof'")]


def test_configuration_for_another_product():
    assert messages(Configuration(product_id="mug"), cart_product()) == [
        ("product_id", "this configuration is for product 'mug', not 'cart'")]


def test_json_is_stable_and_round_trips():
    cart = cart_product()
    config = (default_configuration(cart).with_choice("colour", "custom")
              .with_colour("colour", "#996633")
              .with_zone("name", TextValue(text="Ada\nLovelace", font="serif"))
              .with_zone("logo", ImageValue(image="sha256:" + "1f" * 32, fit="fill")))
    text = config.to_json()
    assert Configuration.from_json(text) == config
    assert text == Configuration.from_json(text).to_json()
    data = json.loads(text)
    assert data["schema_version"] == SCHEMA_VERSION
    assert list(data) == sorted(data)


@pytest.mark.parametrize("text, field, message", [
    ("{not json", None, "invalid JSON at line 1 column 2"),
    ("[]", None, "expected a JSON object"),
    ('{"product_id": "cart"}', "schema_version", "expected an integer schema version"),
    ('{"schema_version": 99, "product_id": "cart"}', "schema_version", "newer version"),
    ('{"schema_version": 1, "product_id": "cart", "selections": {"a": 3}}',
     "selections.a", "valid string"),
    ('{"schema_version": 1, "product_id": "cart", "colours": {"a": "red"}}',
     "colours.a", "sRGB colour"),
])
def test_broken_configuration_files(text, field, message):
    with pytest.raises(ConfigurationError) as info:
        Configuration.from_json(text, source="saved.json")
    assert info.value.file == "saved.json"
    assert info.value.field == field
    assert message in info.value.message


def test_price_breakdown():
    cart = cart_product()
    config = (default_configuration(cart).with_choice("colour", "blue")
              .with_choice("lift", "lifted").with_choice("wheels", "offroad")
              .with_zone("name", TextValue(text="Ada")))
    breakdown = price_breakdown(config, cart)
    assert [(line.label, line.amount) for line in breakdown.lines] == [
        ("Cart", Decimal("9000")),
        ("Body colour: Blue", Decimal("150")),
        ("Wheels: Off-road", Decimal("300")),
        ("Lift kit: Lift kit", Decimal("500")),
        ("Trim: Chrome", Decimal("0")),
        ("Name on the side", Decimal("80")),
    ]
    assert breakdown.total == Decimal("10030")
    assert breakdown.format() == "10,030.00 EUR"


def test_a_default_choice_with_a_price_is_part_of_the_products_own_line():
    cart = cart_product()
    wheels = next(g for g in cart.options if g.id == "wheels")
    priced = wheels.model_copy(update={"default": "offroad"})
    cart = cart.model_copy(update={"options": [priced if g.id == "wheels" else g
                                               for g in cart.options]})
    default = default_configuration(cart)
    breakdown = price_breakdown(default, cart)
    assert (breakdown.lines[0].label, breakdown.lines[0].amount) == ("Cart", Decimal("9300"))
    assert ("Wheels: Off-road", Decimal("0")) in [(x.label, x.amount) for x in breakdown.lines]
    road = price_breakdown(default.with_choice("wheels", "road"), cart)
    assert ("Wheels: Road", Decimal("-300")) in [(x.label, x.amount) for x in road.lines]
    assert road.total == breakdown.total - 300
