"""A sales rep's random day in the desktop window: a few hundred real actions with a fixed
seed, every invariant of tests/ui/gui_model.py checked after each."""

import random

import pytest

from tests.ui.gui_model import DesktopModel

STEPS = 250


@pytest.mark.parametrize("seed", [3])
def test_random_actions_keep_every_invariant(window, tmp_path, seed):
    model = DesktopModel(window, tmp_path / "designs", random.Random(seed),
                         sizes=[(1024, 600), (1280, 800), (1920, 1080), (3840, 2160)])
    done = [model.step() for _ in range(STEPS)]
    assert {"choose", "type", "save", "open", "switch product", "undo", "redo", "export",
            "resize"} <= set(done)
    assert any(window.files.path(p) for p in window.session.catalog.products)
