"""glTF material features in the photoreal still (few samples), on the Khronos models that
isolate them."""


from tests import khronos_scenes as k


def test_alpha_mask_cuts_at_the_cutoff(external_dir):
    k.check_mask_cuts_at_the_cutoff("photoreal", external_dir)


def test_alpha_blend_shows_what_lies_behind(external_dir):
    k.check_blend_shows_what_lies_behind("photoreal", external_dir)


def test_emissive_factor_glows_without_a_texture(external_dir):
    k.check_emissive_factor_glows_without_a_texture("photoreal", external_dir)


def test_texture_transform_moves_the_texture(external_dir):
    k.check_texture_transform_moves_the_texture("photoreal", external_dir)


def test_second_uv_set_maps_the_second_texture(external_dir):
    k.check_second_uv_set_maps_the_second_texture("photoreal", external_dir)


def test_each_texture_reads_its_own_uv_set(external_dir):
    k.check_each_texture_reads_its_own_uv_set("photoreal", external_dir)


def test_a_normal_map_turns_with_its_own_uv_set(external_dir):
    k.check_a_normal_map_turns_with_its_own_uv_set("photoreal", external_dir)


def test_texture_coordinates_keep_the_image_upright(external_dir):
    k.check_texture_coordinates_keep_the_image_upright("photoreal", external_dir)


def test_vertex_colours_multiply_the_base_colour_texture(external_dir):
    k.check_vertex_colours_multiply_the_base_colour("photoreal", external_dir)


def test_mirrored_uvs_keep_the_bumps(external_dir):
    k.check_mirrored_uvs_keep_the_bumps("photoreal", external_dir)


def test_samplers_wrap_each_axis_its_own_way(external_dir):
    k.check_samplers_wrap_each_axis_its_own_way("photoreal", external_dir)


def test_an_obj_maps_scale_tiles_its_texture(tmp_path):
    k.check_an_obj_maps_scale_tiles_its_texture("photoreal", tmp_path)


def test_vertex_colours_colour_a_plain_base_colour(tmp_path):
    k.check_vertex_colours_colour_a_plain_base_colour("photoreal", tmp_path)
