"""Which parts the choices show, and which option groups they leave with nothing to change."""

import pytest

from app.domain.configuration import default_configuration
from app.domain.option_state import inactive_groups, visible_parts
from app.project import open_project


@pytest.fixture(scope="module")
def watch():
    return open_project().catalog.product("watch")


def test_the_leather_strap_shows_its_colour_group(watch):
    selections = default_configuration(watch).with_choice("strap", "leather").selections
    assert {"strap_leather", "stitching"} <= visible_parts(watch, selections)
    assert "bracelet" not in visible_parts(watch, selections)
    assert inactive_groups(watch, selections) == set()


def test_the_steel_bracelet_leaves_the_leather_colours_inactive(watch):
    selections = default_configuration(watch).with_choice("strap", "bracelet").selections
    assert "strap_leather" not in visible_parts(watch, selections)
    # the case metal also covers the bracelet's parts, and the strap swap always acts: only the
    # leather colours are left with nothing to change
    assert inactive_groups(watch, selections) == {"strap_colour"}
