import pytest

from app.domain.configuration import Configuration, ImageValue, TextValue, default_configuration
from app.domain.share_code import decode_share_code, encode_share_code, share_code_product
from app.errors import ConfigurationError
from tests.domain.sample_products import cart_product


def test_default_configuration_code_is_short_and_round_trips():
    cart = cart_product()
    config = default_configuration(cart)
    code = encode_share_code(config, cart)
    assert code.startswith("cart-")
    assert len(code) <= 30
    assert decode_share_code(code, cart) == config
    assert share_code_product(code) == "cart"


def test_full_configuration_round_trips_exactly():
    cart = cart_product()
    config = (default_configuration(cart).with_choice("colour", "custom")
              .with_colour("colour", "#996633")
              .with_zone("name", TextValue(text="Zoë\nÅsa", font="serif", colour="#102030",
                                           technique="foil"))
              .with_zone("logo", ImageValue(image="sha256:abc", fit="crop")))
    code = encode_share_code(config, cart)
    assert decode_share_code(code, cart) == config
    assert decode_share_code(f"  {code.upper()}\n", cart) == config


def test_partial_configuration_round_trips_exactly():
    cart = cart_product()
    config = Configuration(product_id="cart", selections={"lift": "lifted"})
    assert decode_share_code(encode_share_code(config, cart), cart) == config


@pytest.mark.parametrize("mangle", [
    lambda c: c[:-1] + ("a" if c[-1] != "a" else "b"),  # a typo
    lambda c: c[:-4],  # cut short
    lambda c: c + "1",  # not base32
])
def test_mistyped_code_is_refused(mangle):
    cart = cart_product()
    code = encode_share_code(default_configuration(cart), cart)
    with pytest.raises(ConfigurationError, match="typing mistake|does not fit"):
        decode_share_code(mangle(code), cart)


def test_code_for_another_product_is_refused():
    cart = cart_product()
    code = encode_share_code(default_configuration(cart), cart)
    other = cart_product(id="buggy")
    with pytest.raises(ConfigurationError, match="for product 'cart', not 'buggy'"):
        decode_share_code(code, other)


def test_code_that_no_longer_fits_the_product():
    cart = cart_product()
    code = encode_share_code(default_configuration(cart).with_choice("lift", "lifted"), cart)
    options = [g.model_dump() for g in cart.options]
    options[2]["choices"] = options[2]["choices"][:1]
    with pytest.raises(ConfigurationError, match="does not fit"):
        decode_share_code(code, cart_product(options=options, rules=[]))


def test_configuration_with_unknown_choice_cannot_be_shared():
    cart = cart_product()
    with pytest.raises(ConfigurationError, match="cannot share"):
        encode_share_code(Configuration(product_id="cart", selections={"lift": "x"}), cart)


@pytest.mark.parametrize("align", ["left", "center", "right"])
def test_text_alignment_round_trips(align):
    cart = cart_product()
    config = default_configuration(cart).with_zone(
        "name", TextValue(text="Ada", colour="#102030", align=align))
    decoded = decode_share_code(encode_share_code(config, cart), cart)
    assert decoded.personalization["name"].align == align
    assert decoded == config


def test_code_without_alignment_decodes_to_the_zone_default():
    cart = cart_product()
    config = default_configuration(cart).with_zone("name", TextValue(text="Ada", font="serif"))
    decoded = decode_share_code(encode_share_code(config, cart), cart)
    assert decoded.personalization["name"].align is None
