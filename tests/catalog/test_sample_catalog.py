"""Every product of the built-in catalog: clean files, and every preset and every choice renders.

One off-screen view per product; each configuration reaches it through resolve -> diff -> apply,
the path the live view takes.
"""

import numpy as np
import pytest
import pyvista as pv

from app.domain.configuration import (
    Configuration,
    complete,
    configuration_problems,
    default_configuration,
)
from app.domain.rules import find_valid_selections, unreachable_choices
from app.scene.diff import diff
from app.scene.resolve import resolve_scene
from app.viewport.scene_view import SceneView

SIZE = (96, 72)


def product_ids():
    from app.catalog.catalog import product_files
    from tests.conftest import BUILTIN_ROOT

    return sorted(p.stem for p in product_files(BUILTIN_ROOT))


def test_catalog_loads_without_problems(project):
    assert [str(p) for p in project.catalog.problems] == []
    assert set(product_ids()) <= set(project.catalog.products)


def configurations(product):
    """(label, configuration): the default, each preset, and each choice of each option in
    the valid configuration closest to the defaults."""
    yield "default", default_configuration(product)
    for preset in product.presets:
        selections = find_valid_selections(product, preset.selections)
        yield f"preset {preset.id}", Configuration(product_id=product.id, selections=selections,
                                                   colours=preset.colours)
    for group in product.options:
        for choice in group.choices:
            selections = find_valid_selections(product, {group.id: choice.id})
            assert selections is not None, f"{group.id}.{choice.id} cannot be selected"
            yield f"{group.id}.{choice.id}", Configuration(product_id=product.id,
                                                           selections=selections)


def object_fraction(pixels: np.ndarray) -> float:
    """Share of pixels that differ from the background colour (the corners)."""
    background = pixels[1, 1].astype(int)
    return float((np.abs(pixels.astype(int) - background).sum(axis=2) > 24).mean())


@pytest.mark.parametrize("product_id", product_ids())
def test_every_preset_and_choice_renders(project, product_id):
    product = project.catalog.product(product_id)
    assert unreachable_choices(product) == []
    context = project.scene_context()
    plotter = pv.Plotter(off_screen=True, window_size=SIZE, lighting="none")
    view = SceneView(plotter, project.assets, fxaa=False)
    try:
        shown = None
        for label, configuration in configurations(product):
            configuration = complete(configuration, product)
            assert configuration_problems(configuration, product) == [], label
            scene = resolve_scene(product, configuration, context)
            if shown is None:
                view.show(scene)
                view.set_camera(scene.camera(), SIZE[0] / SIZE[1])
            else:
                view.apply(diff(shown, scene))
            shown = scene
            fraction = object_fraction(view.snapshot())
            assert 0.03 < fraction < 0.97, f"{product_id} {label}: {fraction:.1%} of the image"
    finally:
        view.close()
        plotter.close()
