from decimal import Decimal

from app.domain.product import Product


def cart_product(**overrides) -> Product:
    """A small golf-cart-like product with every option kind and two rules."""
    data = {
        "id": "cart",
        "name": "Cart",
        "currency": "EUR",
        "base_price": "9000",
        "model": "assets/models/cart.glb",
        "parts": [
            {"id": "body", "nodes": ["body"], "material": "paint"},
            {"id": "wheels_road", "nodes": ["wheels_road"], "material": "chrome"},
            {"id": "wheels_offroad", "nodes": ["wheels_offroad"], "material": "rubber"},
        ],
        "options": [
            {"id": "colour", "label": "Body colour", "kind": "material", "parts": ["body"],
             "material": "paint", "choices": [
                 {"id": "red", "label": "Red", "color": "#aa2222"},
                 {"id": "blue", "label": "Blue", "color": "#2222aa", "price": "150"},
                 {"id": "custom", "label": "Your colour", "price": "400", "free_colour": {
                     "default": "#336699", "palette": ["#336699", "#996633"]}},
             ]},
            {"id": "wheels", "label": "Wheels", "kind": "part_swap", "choices": [
                {"id": "road", "label": "Road", "parts": ["wheels_road"]},
                {"id": "offroad", "label": "Off-road", "parts": ["wheels_offroad"],
                 "price": "300"},
            ]},
            {"id": "lift", "label": "Lift kit", "kind": "transform", "choices": [
                {"id": "none", "label": "Standard"},
                {"id": "lifted", "label": "Lift kit", "scale": 1.1, "price": "500"},
            ]},
            {"id": "trim", "label": "Trim", "kind": "material", "parts": ["wheels_road"],
             "choices": [
                 {"id": "chrome", "label": "Chrome", "material": "chrome"},
                 {"id": "black", "label": "Black", "material": "black"},
             ]},
        ],
        "zones": [
            {"id": "name", "label": "Name on the side", "kind": "text", "part": "body",
             "projector": {"position": [0, 500, 600], "direction": [0, 0, -1],
                           "width_mm": 400, "height_mm": 100},
             "limits": {"max_chars": 10, "max_lines": 2, "fonts": ["sans", "serif"],
                        "charset": "latin"},
             "techniques": ["print", "foil"], "price": "80"},
            {"id": "logo", "label": "Seat logo", "kind": "image", "part": "body",
             "projector": {"position": [0, 900, 0], "direction": [0, 0, 1],
                           "width_mm": 200, "height_mm": 200}, "price": "120"},
        ],
        "rules": [
            {"kind": "requires", "when": "lift.lifted", "then": ["wheels.offroad"],
             "message": "The lift kit needs off-road wheels."},
            {"kind": "excludes", "when": "trim.black", "then": ["wheels.road"],
             "message": "Black trim does not come with the chrome road wheels."},
        ],
        "presets": [
            {"id": "trail", "label": "Trail", "selections": {"lift": "lifted",
                                                            "wheels": "offroad"}},
        ],
    }
    data.update(overrides)
    return Product.model_validate(data)


MATERIALS = {"paint", "chrome", "rubber", "black"}
ZERO = Decimal(0)
