import pytest

from app.domain.configuration import (
    UNKNOWN_PICTURE,
    Configuration,
    ImageValue,
    TextValue,
    default_configuration,
)
from app.domain.share_code import decode_share_code, encode_share_code, share_code_product
from app.errors import ConfigurationError
from tests.domain.forged_codes import forged_picture_code
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
              .with_zone("logo", ImageValue(image="sha256:" + "ab" * 32, fit="crop")))
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


def test_a_picture_travels_as_its_id():
    cart = cart_product()
    picture = "sha256:" + "3c" * 32
    config = default_configuration(cart).with_zone("logo", ImageValue(image=picture))
    code = encode_share_code(config, cart)
    assert "/" not in code
    assert decode_share_code(code, cart).personalization["logo"].image == picture


@pytest.mark.parametrize("image", [
    "/etc/hostname", "/nowhere/at/all.png", "../../secret.png", "<svg onload=alert(1)>.png",
    "sha256:" + "3C" * 32, "sha256:abc", "file:///etc/passwd", "",
])
def test_a_forged_code_naming_anything_but_a_picture_id_is_refused_alike(image):
    cart = cart_product()
    with pytest.raises(ConfigurationError) as caught:
        decode_share_code(forged_picture_code(cart, "logo", image), cart)
    assert caught.value.message == UNKNOWN_PICTURE
    assert caught.value.field == "personalization.logo"
    assert image not in str(caught.value) or not image


def test_a_configuration_naming_a_path_cannot_be_shared():
    cart = cart_product()
    forged = ImageValue.model_construct(kind="image", image="/etc/hostname", fit="fit",
                                        technique=None)
    config = default_configuration(cart).with_zone("logo", forged)
    with pytest.raises(ConfigurationError, match="cannot share"):
        encode_share_code(config, cart)
    with pytest.raises(ValueError, match="picture id"):
        ImageValue(image="/etc/hostname")
