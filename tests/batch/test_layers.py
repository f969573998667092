import numpy as np
import pytest
from PIL import Image

from app.batch.layers import LayerPlanner, composite, split_groups
from app.batch.variants import all_configurations, sample_configurations
from app.scene.resolve import resolve_scene
from app.viewport.still_renderer import StillRenderer

# Composite against full render, 64x48, golf cart, hero and side views: measured mean 0.02/255
# and no pixel over 8/255; the limits leave room for other GPUs' rounding.
MAX_MEAN_DIFF = 0.5  # per channel, 0..255
MAX_SHARE_OVER_8 = 0.005  # of pixels off by more than 8/255 in any channel


def test_geometry_groups_are_base_variants_and_colour_groups_are_layers(project):
    split = split_groups(project.catalog.product("golf_cart"))
    assert split.layer_groups == ("body_colour", "roof_colour", "seat_colour", "trim")
    assert split.base_groups == ("wheels", "lift_kit")
    mug = split_groups(project.catalog.product("mug"))
    assert mug.layer_groups == ("glaze", "interior") and mug.base_groups == ("handle",)


def test_golf_cart_needs_50_renders_per_view_for_its_960_configurations(project):
    cart = project.catalog.product("golf_cart")
    planner = LayerPlanner(cart)
    renders = set()
    for configuration in all_configurations(cart):
        plan = planner.plan(configuration)
        renders |= {c.to_json() for c in (plan.reference, *plan.layers)}
    # 3 base variants (street; off-road; off-road lifted), each a reference plus 7 body,
    # 3 roof and 5 seat colours, plus black trim on the two off-road variants
    assert len(renders) == 3 * (1 + 7 + 3 + 5) + 2 == 50


def test_a_plan_changes_one_group_per_layer(project):
    cart = project.catalog.product("golf_cart")
    configuration = next(c for c in all_configurations(cart)
                         if c.selections == {"body_colour": "fire_red", "roof_colour": "black",
                                             "seat_colour": "tan", "wheels": "offroad",
                                             "trim": "black", "lift_kit": "lifted"})
    plan = LayerPlanner(cart).plan(configuration)
    assert plan.reference.selections == {"body_colour": "arctic_white", "roof_colour": "white",
                                         "seat_colour": "tan", "wheels": "offroad",
                                         "trim": "chrome", "lift_kit": "lifted"}
    changed = [{g: c for g, c in layer.selections.items() if plan.reference.selections[g] != c}
               for layer in plan.layers]
    assert changed == [{"body_colour": "fire_red"}, {"roof_colour": "black"}, {"trim": "black"}]


def test_composite_adds_each_layers_difference():
    reference = Image.fromarray(np.full((2, 2, 3), 100, np.uint8))
    left = np.full((2, 2, 3), 100, np.uint8)
    left[:, 0] = 250
    right = np.full((2, 2, 3), 100, np.uint8)
    right[:, 1] = 10
    out = np.asarray(composite(reference, [Image.fromarray(left), Image.fromarray(right)]))
    assert out[:, 0].tolist() == [[250] * 3] * 2 and out[:, 1].tolist() == [[10] * 3] * 2
    with pytest.raises(ValueError, match="does not match"):
        composite(reference, [Image.new("RGB", (3, 2))])


def test_composites_match_full_renders_of_the_golf_cart(project):
    cart = project.catalog.product("golf_cart")
    context = project.scene_context()
    planner = LayerPlanner(cart)
    lifted = {"body_colour": "fire_red", "roof_colour": "black", "seat_colour": "navy",
              "wheels": "offroad", "trim": "black", "lift_kit": "lifted"}
    configurations = sample_configurations(cart, 2, seed=3) + [
        c for c in all_configurations(cart) if c.selections == lifted]
    assert len(configurations) == 3
    with StillRenderer(project.assets, size=(64, 48)) as renderer:
        drawn = {}

        def image(configuration, view):
            key = (configuration.to_json(), view)
            if key not in drawn:
                scene = resolve_scene(cart, configuration, context)
                drawn[key] = renderer.render(scene, camera_id=view)
            return drawn[key]

        for view in ("hero", "side"):
            for configuration in configurations:
                plan = planner.plan(configuration)
                full = np.asarray(image(configuration, view), dtype=int)
                layered = composite(image(plan.reference, view),
                                    [image(layer, view) for layer in plan.layers])
                diff = np.abs(full - np.asarray(layered, dtype=int))
                assert diff.mean() <= MAX_MEAN_DIFF, (view, configuration.selections)
                assert (diff.max(axis=2) > 8).mean() <= MAX_SHARE_OVER_8
                if plan.layers:  # the layers really changed something
                    reference = np.asarray(image(plan.reference, view), dtype=int)
                    assert np.abs(full - reference).max() > 40
