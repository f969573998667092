"""glTF material features in the live view, on the Khronos models that isolate them."""


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
