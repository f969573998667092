"""glTF material features in the live view, on the Khronos models that isolate them."""


import numpy as np

from tests import khronos_scenes as k


def test_alpha_mask_cuts_at_the_cutoff(external_dir):
    k.check_mask_cuts_at_the_cutoff("live", external_dir)


def test_alpha_blend_shows_what_lies_behind(external_dir):
    k.check_blend_shows_what_lies_behind("live", external_dir)


def test_emissive_factor_glows_without_a_texture(external_dir):
    k.check_emissive_factor_glows_without_a_texture("live", external_dir)


def test_texture_transform_moves_the_texture(external_dir):
    k.check_texture_transform_moves_the_texture("live", external_dir)


def test_second_uv_set_maps_the_second_texture(external_dir):
    k.check_second_uv_set_maps_the_second_texture("live", external_dir)


def test_each_texture_reads_its_own_uv_set(external_dir):
    k.check_each_texture_reads_its_own_uv_set("live", external_dir)


def test_a_normal_map_turns_with_its_own_uv_set(external_dir):
    k.check_a_normal_map_turns_with_its_own_uv_set("live", external_dir)


def test_texture_coordinates_keep_the_image_upright(external_dir):
    k.check_texture_coordinates_keep_the_image_upright("live", external_dir)


def test_vertex_colours_multiply_the_base_colour_texture(external_dir):
    k.check_vertex_colours_multiply_the_base_colour("live", external_dir)


def test_mirrored_uvs_keep_the_bumps(external_dir):
    k.check_mirrored_uvs_keep_the_bumps("live", external_dir)


def test_samplers_wrap_each_axis_its_own_way(external_dir):
    k.check_samplers_wrap_each_axis_its_own_way("live", external_dir)


def test_an_obj_maps_scale_tiles_its_texture(tmp_path):
    k.check_an_obj_maps_scale_tiles_its_texture("live", tmp_path)


def test_an_occlusion_image_of_its_own_shades_the_ambient_light(external_dir):
    """TextureTransformMultiTest's occlusion row: an occlusion texture without a
    metallic-roughness one, read on UV set 0, on set 1 and through a transform, each showing
    its tick (dark where the image occludes the studio's light); drawn without occlusion, the
    cells are plain. The still, like Cycles, takes occlusion from the geometry alone."""
    scene, assets = k.khronos_scene(external_dir, "TextureTransformMultiTest/glTF-Binary/"
                                                  "TextureTransformMultiTest.glb")

    def centre(drawable) -> np.ndarray:
        vertices = assets.mesh(drawable.geometry).vertices
        placed = np.c_[vertices, np.ones(len(vertices))] @ np.reshape(drawable.transform,
                                                                       (4, 4)).T
        return placed[:, :3].mean(axis=0)

    cells = sorted((d for d in scene.drawables if d.id.startswith("Occlusion")),
                   key=lambda d: centre(d)[0])
    assert [d.id for d in cells] == ["OcclusionUV0", "OcclusionUV1", "OcclusionSample"]
    assert all(d.material.occlusion_in_orm for d in cells)
    seen = k.facing(k.only(scene, *(d.id for d in cells)),
                    np.mean([centre(d) for d in cells], axis=0), 2.0)
    plain = seen
    for d in cells:
        plain = k.with_material(plain, d.id, occlusion_in_orm=False)
    shaded, unshaded = (k.render("live", s, assets).mean(axis=-1) for s in (seen, plain))
    product = unshaded < 250
    columns = np.flatnonzero(product.any(axis=0))
    for third in np.array_split(columns, 3):  # one cell each, left to right
        cell = product[:, third]
        assert (shaded[:, third][cell] < 80).mean() > 0.1
        assert (unshaded[:, third][cell] < 80).mean() == 0.0


def test_vertex_colours_colour_a_plain_base_colour(tmp_path):
    k.check_vertex_colours_colour_a_plain_base_colour("live", tmp_path)
