"""Price deltas, rule availability, the fix offered for a forbidden choice, reload survival."""

from __future__ import annotations

from decimal import Decimal

from app.catalog.products import load_product
from app.domain.choices import (
    choice_statuses,
    keep_valid,
    nearest_allowed_colour,
    propose_choice,
)
from app.domain.colour import hex_to_hsl
from app.domain.configuration import Configuration, TextValue, default_configuration
from app.domain.pricing import format_delta
from app.domain.product import FreeColour, HslRange
from app.project import open_project


def mug(project_root):
    project = open_project(project_root)
    return project.catalog.product("mug")


def test_deltas_are_against_the_groups_default_choice_as_the_price_lines_are(project_root):
    from app.domain.pricing import price_breakdown

    product = mug(project_root)
    config = default_configuration(product).with_choice("glaze", "speckled")
    glaze = {s.choice_id: s for s in choice_statuses(product, config)["glaze"]}
    assert glaze["speckled"].selected and glaze["speckled"].price_delta == Decimal("4.00")
    assert glaze["white"].price_delta == 0  # the default
    assert glaze["matte_black"].price_delta == Decimal("2.00")
    line = next(x for x in price_breakdown(config, product).lines if x.label.startswith("Glaze"))
    assert line.amount == glaze["speckled"].price_delta
    assert format_delta(Decimal("2"), "EUR") == "+2.00 EUR"
    assert format_delta(Decimal("-4"), "EUR") == "\u22124.00 EUR"
    assert format_delta(Decimal(0), "EUR") == "included"


def test_forbidden_choice_shows_the_rule_and_the_fix_keeps_the_rest(project_root):
    product = mug(project_root)
    config = (default_configuration(product).with_choice("interior", "yellow")
              .with_choice("glaze", "navy"))
    handle = {s.choice_id: s for s in choice_statuses(product, config)["handle"]}
    assert handle["angular"].blocked_by == ("The modern handle is not made with a yellow inside.",)
    assert handle["classic"].available

    proposal = propose_choice(product, config, "handle", "angular")
    assert proposal.possible
    assert [a.describe() for a in proposal.adjustments] == ["switch Inside colour to White"]
    assert proposal.configuration.selections == {"glaze": "navy", "interior": "white",
                                                 "handle": "angular"}
    assert "switch Inside colour to White" in proposal.question().lower() or \
        "Switch Inside colour to White" in proposal.question()


def test_allowed_choice_needs_no_adjustment(project_root):
    product = mug(project_root)
    proposal = propose_choice(product, default_configuration(product), "handle", "angular")
    assert proposal.adjustments == ()
    assert proposal.configuration.selections["handle"] == "angular"


def test_keep_valid_drops_what_a_reloaded_product_no_longer_has(project_root):
    product = mug(project_root)
    config = Configuration(product_id="mug", selections={"glaze": "gone", "interior": "red"},
                           colours={"glaze": "#123456"},
                           personalization={"wrap_text": TextValue(text="Hi"),
                                            "old_zone": TextValue(text="x")})
    kept = keep_valid(config, product)
    assert kept.selections == {"glaze": "white", "interior": "red", "handle": "classic"}
    assert kept.colours == {}
    assert set(kept.personalization) == {"wrap_text"}


def test_free_colour_is_moved_into_what_the_product_allows(project_root):
    limit = FreeColour(default="#b03a48", range=HslRange(lightness=(0.12, 0.9)))
    assert nearest_allowed_colour(limit, "#336699") == "#336699"
    near_white = nearest_allowed_colour(limit, "#ffffff")
    assert 0.88 <= hex_to_hsl(near_white)[2] <= 0.9
    assert len({near_white[1:3], near_white[3:5], near_white[5:7]}) == 1  # still a grey
    palette = FreeColour(default="#ff0000", palette=["#ff0000", "#0000ff"])
    assert nearest_allowed_colour(palette, "#1010f0") == "#0000ff"


def test_product_file_loads_in_the_fixture(project_root):
    product = load_product(project_root / "configs" / "mug.yaml", open_project(
        project_root).catalog.materials.keys(), project_root)
    assert product.rules and product.rules[0].when == "handle.angular"
