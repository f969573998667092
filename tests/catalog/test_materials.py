import pytest

from app.catalog.materials import load_material, load_material_library
from app.errors import AppError, AppErrors


def write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text)
    return path


def test_material_id_comes_from_the_file_name(tmp_path):
    path = write(tmp_path, "brushed_steel",
                 "name: Brushed steel\nbase_color: '#b4b6b8'\nmetallic: 1\nroughness: 0.35\n"
                 "textures:\n  normal: textures/brushed_normal.png\n")
    material = load_material(path, tmp_path)
    assert material.id == "brushed_steel"
    assert material.metallic == 1.0
    assert material.textures.normal == "textures/brushed_normal.png"


@pytest.mark.parametrize("text, expected", [
    ("name: X\nbase_color: '#ffffff'\nroughness: 1.5\n",
     "x.yaml: roughness: Input should be less than or equal to 1, got 1.5"),
    ("name: X\n", "x.yaml: base_color: missing required field"),
    ("name: X\nbase_color: '#ffffff'\nrougness: 0.2\n",
     "x.yaml: rougness: unknown field (did you mean 'roughness'?)"),
    ("name: X\nbase_color: '#ffffff'\ntextures: {albedo: a.png}\n",
     "x.yaml: textures.albedo: unknown field"),
    ("id: y\nname: X\nbase_color: '#ffffff'\n", "x.yaml: id: set from the file name"),
])
def test_broken_material_files(tmp_path, text, expected):
    path = write(tmp_path, "x", text)
    with pytest.raises(AppError) as info:
        load_material(path, tmp_path)
    errors = info.value.errors if isinstance(info.value, AppErrors) else [info.value]
    assert expected in [str(e) for e in errors][0]


def test_library_keeps_good_materials_and_lists_bad_ones(tmp_path):
    write(tmp_path, "good", "name: Good\nbase_color: '#ffffff'\n")
    write(tmp_path, "bad", "name: Bad\nbase_color: white\n")
    materials, problems = load_material_library(tmp_path, tmp_path)
    assert list(materials) == ["good"]
    assert [p.field for p in problems] == ["base_color"]
