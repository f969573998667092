import pytest
from pxr import Sdf, Usd, UsdGeom, UsdShade, UsdValidation

from app.domain.configuration import default_configuration
from app.export.usdz import export_usdz
from app.project import open_project
from app.scene.resolve import resolve_scene

PREVIEW_SHADERS = {"UsdPreviewSurface", "UsdUVTexture", "UsdPrimvarReader_float2",
                   "UsdTransform2d"}


@pytest.fixture(scope="module")
def guitar_usdz(tmp_path_factory):
    project = open_project()
    guitar = project.catalog.products["guitar"]
    configuration = default_configuration(guitar).with_choice("handedness", "left")
    path = tmp_path_factory.mktemp("usdz") / "guitar.usdz"
    return export_usdz(guitar, configuration, project, path)


def test_usdz_passes_usd_validation(guitar_usdz):
    stage = Usd.Stage.Open(str(guitar_usdz.path))
    registry = UsdValidation.ValidationRegistry()
    validators = registry.GetOrLoadValidatorsByName(
        [m.name for m in registry.GetAllValidatorMetadata()])
    errors = UsdValidation.ValidationContext(validators).Validate(stage)
    assert [e.GetMessage() for e in errors] == []


def test_usdz_is_an_arkit_package(guitar_usdz):
    files = Sdf.ZipFile.Open(str(guitar_usdz.path)).GetFileNames()
    assert files[0].endswith(".usdc")  # ARKit: the root layer first, binary
    assert all(f.endswith((".usdc", ".png")) for f in files)
    stage = Usd.Stage.Open(str(guitar_usdz.path))
    assert UsdGeom.GetStageMetersPerUnit(stage) == 1.0
    assert UsdGeom.GetStageUpAxis(stage) == UsdGeom.Tokens.y
    assert stage.GetDefaultPrim().GetPath() == "/product"
    shaders = {UsdShade.Shader(p).GetIdAttr().Get() for p in stage.Traverse()
               if p.IsA(UsdShade.Shader)}
    assert shaders <= PREVIEW_SHADERS and "UsdUVTexture" in shaders
    for prim in stage.Traverse():
        for attribute in prim.GetAttributes():
            value = attribute.Get()
            if isinstance(value, Sdf.AssetPath):
                assert value.resolvedPath.startswith(str(guitar_usdz.path)), value


def test_usdz_geometry_and_materials_read_back(guitar_usdz):
    stage = Usd.Stage.Open(str(guitar_usdz.path))
    meshes = [UsdGeom.Mesh(p) for p in stage.Traverse() if p.IsA(UsdGeom.Mesh)]
    triangles = sum(len(m.GetFaceVertexCountsAttr().Get()) for m in meshes)
    assert triangles == guitar_usdz.triangles > 50_000
    lows = [min(p[1] for p in m.GetPointsAttr().Get()) for m in meshes]
    assert min(lows) == pytest.approx(0.0, abs=1e-6)
    highs = [max(p[1] for p in m.GetPointsAttr().Get()) for m in meshes]
    assert max(highs) == pytest.approx(1.0, abs=0.01)  # a 1 m guitar
    by_name = {m.GetPrim().GetName(): m for m in meshes}
    project = open_project()
    guitar = project.catalog.products["guitar"]
    scene = resolve_scene(guitar, default_configuration(guitar).with_choice("handedness", "left"),
                          project.scene_context())
    checked = 0
    for drawable in scene.drawables:
        if not drawable.visible or drawable.material.base_color_texture is not None:
            continue
        mesh = by_name[drawable.id.replace("/", "_")]
        material, _ = UsdShade.MaterialBindingAPI(mesh.GetPrim()).ComputeBoundMaterial()
        surface = material.ComputeSurfaceSource()[0]
        assert tuple(surface.GetInput("diffuseColor").Get()) == pytest.approx(
            drawable.material.base_color, abs=1e-6)
        assert surface.GetInput("metallic").Get() == pytest.approx(drawable.material.metallic)
        checked += 1
    assert checked >= 5
