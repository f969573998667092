import numpy as np
import pytest

from app.catalog.catalog import load_catalog
from app.domain.colour import hex_to_linear
from app.domain.configuration import Configuration, default_configuration
from app.errors import AssetError, ConfigurationError
from app.scene.changes import MaterialChanged, VisibilityChanged
from app.scene.diff import diff
from app.scene.resolve import resolve_scene
from tests.catalog.project_files import changed
from tests.scene.cup_project import cup_project


@pytest.fixture
def cup(tmp_path):
    context = cup_project(tmp_path)
    product = load_catalog(tmp_path).product("cup")
    return product, context


def test_default_scene_draws_every_part_with_the_chosen_handle(cup):
    product, context = cup
    scene = resolve_scene(product, default_configuration(product), context)
    visible = {d.id: d.visible for d in scene.drawables}
    assert visible == {"body/body": True, "handle_a/handle_a": True,
                       "handle_b/handle_b": False}
    body = scene.drawable("body/body")
    assert body.material.base_color == pytest.approx(hex_to_linear("#f2efe9"))
    assert body.material.roughness == pytest.approx(0.08)
    low, high = scene.bounds
    assert low[1] == pytest.approx(0.0, abs=1e-6)
    assert high[1] == pytest.approx(0.1, abs=1e-6)
    assert high[0] == pytest.approx(0.06, abs=1e-6)  # handle A reaches x = 0.06, B is hidden
    assert scene.cameras  # framed when the product names none


def test_colour_choice_converts_srgb_to_linear_once(cup):
    product, context = cup
    config = default_configuration(product).with_choice("glaze", "matte_black")
    body = resolve_scene(product, config, context).drawable("body/body")
    assert body.material.base_color == pytest.approx((0.0122, 0.0122, 0.0137), abs=2e-4)
    assert body.material.roughness == pytest.approx(0.65)


def test_diff_of_a_colour_change_is_one_material_change(cup):
    product, context = cup
    before = resolve_scene(product, default_configuration(product), context)
    after = resolve_scene(product, default_configuration(product)
                          .with_choice("glaze", "matte_black"), context)
    changes = diff(before, after)
    assert [type(c) for c in changes] == [MaterialChanged]
    assert changes[0].drawable_id == "body/body"
    assert diff(after, after) == []


def test_diff_of_a_part_swap_toggles_visibility_only(cup):
    product, context = cup
    before = resolve_scene(product, default_configuration(product), context)
    after = resolve_scene(product, default_configuration(product).with_choice("handle", "b"),
                          context)
    assert sorted((c.drawable_id, c.visible) for c in diff(before, after)
                  if isinstance(c, VisibilityChanged)) == [
        ("handle_a/handle_a", False), ("handle_b/handle_b", True)]
    assert len(diff(before, after)) == 2


def test_model_file_is_loaded_once_for_many_scenes(cup):
    product, context = cup
    for choice in ("gloss", "matte_black", "gloss"):
        resolve_scene(product, default_configuration(product).with_choice("glaze", choice),
                      context)
    assert sum(context.assets.stats().loads.values()) == 1


def test_mirror_and_scale_transforms(tmp_path):
    data = changed()
    data["options"].append({"id": "hand", "label": "Handedness", "kind": "transform",
                            "choices": [{"id": "right", "label": "Right"},
                                        {"id": "left", "label": "Left", "mirror": "x"}]})
    data["options"].append({"id": "size", "label": "Size", "kind": "transform",
                            "parts": ["body"],
                            "choices": [{"id": "m", "label": "M"},
                                        {"id": "l", "label": "L", "scale": 1.2}]})
    data["options"].append({"id": "lift", "label": "Lift", "kind": "transform",
                            "parts": ["handle_a"],
                            "choices": [{"id": "no", "label": "No"},
                                        {"id": "yes", "label": "Yes",
                                         "offset": [0, 0.05, 0]}]})
    context = cup_project(tmp_path, data)
    product = load_catalog(tmp_path).product("cup")
    config = (default_configuration(product).with_choice("hand", "left")
              .with_choice("size", "l").with_choice("lift", "yes"))
    scene = resolve_scene(product, config, context)
    handle = np.array(scene.drawable("handle_a/handle_a").transform)
    body = np.array(scene.drawable("body/body").transform)
    lifted = np.diag([-1.0, 1, 1, 1])
    lifted[1, 3] = 0.05
    assert np.allclose(handle, lifted)
    assert np.allclose(body, np.diag([-1.2, 1.2, 1.2, 1]))
    low, high = scene.bounds
    assert low[0] == pytest.approx(-0.06, abs=1e-6)  # the handle now points to -x
    assert high[1] == pytest.approx(0.13, abs=1e-6)  # the handle is lifted 5 cm
    body_ref = scene.drawable("body/body").geometry
    assert context.assets.mesh(body_ref).bounds[1][1] * 1.2 == pytest.approx(0.12, abs=1e-6)
    assert low[1] == pytest.approx(0.0, abs=1e-6)


def test_configuration_for_another_product_or_with_unknown_choice(cup):
    product, context = cup
    with pytest.raises(ConfigurationError, match="for product 'mug'"):
        resolve_scene(product, Configuration(product_id="mug"), context)
    with pytest.raises(ConfigurationError, match="unknown choice 'glaze.shiny'"):
        resolve_scene(product, Configuration(product_id="cup", selections={"glaze": "shiny"}),
                      context)


def test_missing_node_names_the_product_file_and_field(tmp_path):
    data = changed()
    data["parts"][2]["nodes"] = ["handle_c"]
    context = cup_project(tmp_path, data)
    product = load_catalog(tmp_path).product("cup")
    with pytest.raises(AssetError) as info:
        resolve_scene(product, default_configuration(product), context)
    assert info.value.file == "configs/cup.yaml"
    assert info.value.field == "parts[2].nodes[0]"
    assert "no node or mesh 'handle_c' in assets/models/cup.glb" in info.value.message


def test_nodes_can_be_addressed_by_mesh_name(tmp_path):
    data = changed()
    data["parts"][0]["nodes"] = ["body_mesh"]
    context = cup_project(tmp_path, data)
    product = load_catalog(tmp_path).product("cup")
    scene = resolve_scene(product, default_configuration(product), context)
    assert scene.drawable("body/body").geometry.node == "body"


@pytest.mark.parametrize("model, message", [
    ("assets/models/nothing.glb", "file not found"),
    ("../outside.glb", "leaves the project's asset folders"),
    ("/etc/passwd", "leaves the project's asset folders"),
])
def test_model_paths_that_cannot_be_used(tmp_path, model, message):
    (tmp_path / "outside.glb").write_bytes(b"x")
    context = cup_project(tmp_path / "p", changed(model=model))
    product = load_catalog(tmp_path / "p").product("cup")
    with pytest.raises(AssetError) as info:
        resolve_scene(product, default_configuration(product), context)
    assert info.value.file == "configs/cup.yaml"
    assert info.value.field == "model"
    assert message in info.value.message


def test_a_model_file_saved_again_is_resolved_afresh(cup, tmp_path):
    import os

    import trimesh

    product, context = cup
    config = default_configuration(product)
    assert resolve_scene(product, config, context).bounds[1][1] == pytest.approx(0.1, abs=1e-6)
    model = tmp_path / "assets" / "models" / "cup.glb"
    scene = trimesh.load(model)
    scene.apply_scale(2.0)
    scene.export(model)
    os.utime(model, ns=(model.stat().st_atime_ns, model.stat().st_mtime_ns + 10**9))
    assert resolve_scene(product, config, context).bounds[1][1] == pytest.approx(0.2, abs=1e-6)


def test_a_model_file_deleted_after_showing_names_the_product_file(cup, tmp_path):
    product, context = cup
    resolve_scene(product, default_configuration(product), context)
    (tmp_path / "assets" / "models" / "cup.glb").unlink()
    with pytest.raises(AssetError) as info:
        resolve_scene(product, default_configuration(product), context)
    assert (info.value.file, info.value.field) == ("configs/cup.yaml", "model")
    assert "file not found" in info.value.message


def test_a_reloaded_material_library_is_used_at_once(cup, tmp_path):
    from dataclasses import replace

    import yaml

    product, context = cup
    config = default_configuration(product)
    body = resolve_scene(product, config, context).drawable("body/body")
    assert body.material.base_color == pytest.approx(hex_to_linear("#f2efe9"))
    path = tmp_path / "assets" / "materials" / "ceramic_gloss.yaml"
    data = yaml.safe_load(path.read_text())
    data["base_color"] = "#204080"
    path.write_text(yaml.safe_dump(data))
    reloaded = replace(context, materials=load_catalog(tmp_path).materials)
    body = resolve_scene(product, config, reloaded).drawable("body/body")
    assert body.material.base_color == pytest.approx(hex_to_linear("#204080"))
