"""The options panel hides a group that the current choices leave with nothing to change."""

from app.domain.configuration import default_configuration
from app.project import open_project
from app.ui.options_panel import OptionsPanel


def test_the_steel_bracelet_hides_the_leather_colours_and_the_strap_brings_them_back(qtbot):
    project = open_project()
    watch = project.catalog.product("watch")
    panel = OptionsPanel()
    qtbot.addWidget(panel)
    panel.build(watch, project.catalog.materials, project.root, ["sans"])
    leather = default_configuration(watch).with_choice("strap", "leather")
    panel.refresh(watch, leather)
    assert not panel.group_boxes["strap_colour"].isHidden()
    panel.refresh(watch, leather.with_choice("strap", "bracelet"))
    assert panel.group_boxes["strap_colour"].isHidden()
    assert not panel.group_boxes["case_metal"].isHidden()
    assert not panel.group_boxes["strap"].isHidden()
    panel.refresh(watch, leather)
    assert not panel.group_boxes["strap_colour"].isHidden()
