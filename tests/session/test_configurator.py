"""The presenter both windows share, with no Qt: changes, listeners, one configuration per
product, designer reloads, and a window's own undo history through ``record``."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.errors import ConfigurationError
from app.project import open_project
from app.session.configurator import Change, Configurator


@pytest.fixture
def configurator(project_root):
    return Configurator(open_project(project_root), "mug", remember_products=True)


def test_a_choice_is_shown_and_heard_of(configurator):
    heard = []
    configurator.on_changed.append(lambda: heard.append("changed"))
    configurator.on_product_changed.append(lambda: heard.append("product"))
    assert configurator.select("glaze", "navy")
    assert configurator.configuration.selections["glaze"] == "navy"
    assert heard == ["changed"]
    configurator.select("glaze", "navy")  # the same again changes nothing
    assert heard == ["changed"]


def test_a_forbidden_choice_asks_and_keeps_the_configuration_when_refused(configurator):
    configurator.select("interior", "yellow")
    before = configurator.configuration
    asked = []
    assert not configurator.select("handle", "angular",
                                   confirm=lambda p: asked.append(p.question()) or False)
    assert configurator.configuration == before
    assert "The modern handle is not made with a yellow inside." in asked[0]
    assert configurator.select("handle", "angular", confirm=lambda p: True)
    assert configurator.configuration.selections["handle"] == "angular"
    assert configurator.configuration.selections["interior"] != "yellow"


def test_each_product_comes_back_as_it_was_left(configurator):
    configurator.select("glaze", "navy")
    heard = []
    configurator.on_product_changed.append(lambda: heard.append("product"))
    configurator.switch_product("tumbler")
    assert configurator.product.id == "tumbler" and heard == ["product"]
    configurator.switch_product("mug")
    assert configurator.configuration.selections["glaze"] == "navy"
    assert configurator.visited_products() == ["mug", "tumbler"]


def test_a_window_keeps_its_own_history_through_record(configurator):
    history: list[Change] = []

    def record(change: Change) -> None:
        if history and change.merge_key and history[-1].merge_key == change.merge_key:
            history[-1] = Change(history[-1].before, change.after, change.text,
                                 change.merge_key)
        else:
            history.append(change)
        configurator.show(change.after)

    configurator.record = record
    from app.domain.configuration import TextValue

    configurator.select("glaze", "navy")
    for text in ("A", "An", "Ann"):
        configurator.set_zone("wrap_text", TextValue(text=text, font="serif"))
    assert [c.text for c in history] == ["Glaze: Navy", "Your text: \u201cAnn\u201d"]
    configurator.show(history[-1].before)  # undo the typing in one step
    assert "wrap_text" not in configurator.configuration.personalization
    assert configurator.configuration.selections["glaze"] == "navy"


def test_share_codes_round_trip_and_a_foreign_one_is_refused(configurator):
    configurator.select("glaze", "navy")
    code = configurator.share_code()
    configurator.select("glaze", "sage")
    configurator.paste_share_code(code)
    assert configurator.configuration.selections["glaze"] == "navy"
    with pytest.raises(ConfigurationError):
        configurator.paste_share_code("not a code at all")


def test_the_presenter_imports_no_qt_and_no_vtk():
    probe = ("import sys, app.session.configurator, app.session.product_files, "
             "app.session.configuration_files, app.session.autosave; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "{'PySide6', 'vtkmodules', 'pyvista', 'pyvistaqt'}))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_the_scene_follows_what_is_on_show_and_other_products_resolve_at_their_default(
        configurator):
    configurator.select("glaze", "navy")
    scene = configurator.scene()
    assert scene.product_id == "mug"
    body = next(d for d in scene.drawables if d.part == "body")
    assert body.material == configurator.scene("mug", configurator.configuration).drawable(
        body.id).material
    assert body.material != configurator.scene("mug").drawable(body.id).material  # default
    assert configurator.scene("tumbler").product_id == "tumbler"
