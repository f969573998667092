"""An MTL that names its textures by absolute paths on the machine that wrote it (3ds Max and
Maya write ``C:\\Users\\...\\wood.png``; Blender, a texture kept elsewhere on the disk, by
its whole path): the file of that name beside the library is drawn, as Blender's importer
finds it, with a note; the path itself is never looked at outside the model's folder."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from app.assets.model_loading import load_model
from app.errors import AssetError
from tests.file_opens import assert_not_opened, opens

OBJ = ("mtllib m.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\nvt 1 0\nvt 0 1\nusemtl a\n"
       "f 1/1 2/2 3/3\n")
GREEN, RED = (20, 200, 40), (220, 20, 20)


def model(folder, map_line: str, beside: bool = True):
    folder.mkdir(parents=True, exist_ok=True)
    if beside:
        Image.new("RGB", (4, 4), GREEN).save(folder / "wood.png")
    (folder / "m.mtl").write_text(f"newmtl a\nKd 1 1 1\n{map_line}\n")
    (folder / "m.obj").write_text(OBJ)
    return folder / "m.obj"


def drawn_colour(path) -> tuple[int, ...] | None:
    (mesh,) = load_model(path, missing_textures="skip").meshes.values()
    texture = mesh.material.base_color_texture
    return None if texture is None else tuple(int(c) for c in texture.pixels[0, 0, :3])


@pytest.mark.parametrize("written", [r"C:\Users\designer\Textures\wood.png",
                                     "D:/maps/wood.png", r"\\server\share\wood.png",
                                     "-s 2 2 1 C:\\maps\\wood.png"])
def test_a_path_of_another_machine_is_the_file_of_its_name_beside(tmp_path, written):
    path = model(tmp_path / "m", f"map_Kd {written}")
    assert drawn_colour(path) == GREEN
    (note,) = load_model(path, missing_textures="skip").warnings
    assert note == ("m.mtl: textures named by paths on the machine that wrote it (or outside "
                    "the model's folder) are drawn from the files of their names beside it: "
                    f"{written!r} as 'wood.png'")


def test_a_path_outside_the_folder_is_never_read_its_name_beside_is(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    Image.new("RGB", (4, 4), RED).save(outside / "wood.png")
    path = model(tmp_path / "m", f"map_Kd {outside / 'wood.png'}")
    with opens() as opened:
        assert drawn_colour(path) == GREEN
    assert_not_opened(opened, outside)


def test_an_absolute_path_with_nothing_of_its_name_beside_stays_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    Image.new("RGB", (4, 4), RED).save(outside / "wood.png")
    path = model(tmp_path / "m", f"map_Kd {outside / 'wood.png'}", beside=False)
    with opens() as opened, pytest.raises(AssetError, match="leaves the model's folder"):
        load_model(path)
    assert_not_opened(opened, outside)


def test_a_relative_path_out_of_the_folder_is_not_taken_for_the_file_beside(tmp_path):
    """``../elsewhere/wood.png`` names that file, not the one beside: refused as before."""
    path = model(tmp_path / "m", "map_Kd ../elsewhere/wood.png")
    with pytest.raises(AssetError, match="leaves the model's folder"):
        load_model(path)


def test_many_such_paths_make_one_note(tmp_path):
    """Hostile: 10,000 materials, each naming its texture by another machine's path, make
    one note that lists three and counts the rest."""
    folder = tmp_path / "m"
    folder.mkdir()
    Image.new("RGB", (4, 4), GREEN).save(folder / "wood.png")
    (folder / "m.mtl").write_text("".join(f"newmtl m{i}\nmap_Kd C:\\job{i}\\wood.png\n"
                                          for i in range(10_000)))
    (folder / "m.obj").write_text(OBJ.replace("usemtl a", "usemtl m7"))
    model_ = load_model(folder / "m.obj")
    (note,) = model_.warnings
    assert note.endswith("'C:\\\\job2\\\\wood.png' as 'wood.png'; and 9,997 more")
    (mesh,) = model_.meshes.values()
    assert np.asarray(mesh.material.base_color_texture.pixels)[0, 0, :3].tolist() == [*GREEN]
