"""The live view and the photoreal still of the same model file agree, as the bench measures
them (``bench/fidelity.py``: ``render --model FILE --transparent``, 480x360, the still at 16
samples): on the pixels both draw as product (alpha > 0.5 in both), silhouette IoU >= 0.97 and
mean CIEDE2000 <= 5; where the live view approximates the material (sheen, transmission,
volume, iridescence), IoU >= 0.95 and mean CIEDE2000 <= 10, against the still a customer is
given (64 samples, the bench's): glass converges slowest, and its still at 16 samples differs
from that one by a mean CIEDE2000 of 1.6-1.9 (GlassHurricaneCandleHolder, TransmissionTest,
AttenuationTest): measured against it, the live view would carry the still's noise as well.

Every Khronos sample model is listed either here as agreeing or in ``NOT_YET`` with its figures,
so a new model has to be measured before it is added; so are four of the models Blender's
exporters wrote (a textured cube, a shape key, a posed armature, an OBJ's texture maps)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.cli import main
from tests.photoreal.colour_difference import delta_e

SIZE = "480x360"
SPP = "16"
APPROXIMATED_SPP = "64"  # app render --photoreal's default
AGREE = {  # model (or sample product): approximated by the live view
    "product:mug": False,
    "product:watch": False,
    "product:guitar": False,
    "product:golf_cart": False,
    "khronos/Avocado/glTF-Quantized/Avocado.gltf": False,  # KHR_mesh_quantization
    "khronos/AlphaBlendModeTest": False,
    "khronos/AnisotropyStrengthTest": False,
    "khronos/AttenuationTest": True,
    "khronos/Avocado": False,
    "khronos/Box": False,
    "khronos/ClearCoatCarPaint": False,
    "khronos/ClearCoatTest": False,
    "khronos/DamagedHelmet": False,
    "khronos/EmissiveStrengthTest": False,
    "khronos/IridescenceSuzanne": True,
    "khronos/MetalRoughSpheresNoTextures": False,
    "khronos/MultiUVTest": False,
    "khronos/NegativeScaleTest": False,
    "khronos/NormalTangentMirrorTest": False,
    "khronos/OrientationTest": False,
    "khronos/SheenCloth": True,
    "khronos/SimpleInstancing": False,
    "khronos/SpecularTest": False,
    "khronos/TextureCoordinateTest": False,
    "khronos/TextureSettingsTest": False,
    "khronos/TextureTransformMultiTest": False,
    "khronos/TextureTransformTest": False,
    "khronos/TransmissionRoughnessTest": True,
    "khronos/TransmissionTest": True,
    "khronos/UnlitTest": False,
    "khronos/VertexColorTest": False,
    "Avocado/glTF/Avocado.gltf": False,
    "WaterBottle/glTF/WaterBottle.gltf": False,
    "MaterialsVariantsShoe/glTF/MaterialsVariantsShoe.gltf": False,
    "GlassHurricaneCandleHolder/glTF-Binary/GlassHurricaneCandleHolder.glb": True,
    "FuzeBottle_OBJ_PLY/fuze.obj": False,
    "FeatureType_STL/featuretype.STL": False,
    "TRI_Plate8in_OBJ/plate_8in_col.obj": False,
    # written by Blender's exporters (tests/assets/blender, bench/blender_exports.py)
    "blender/textured.glb": False,
    "blender/morph.glb": False,
    "blender/skinned.glb": False,
    "blender/maps/cube.obj": False,
}
BLENDER = Path(__file__).parents[1] / "assets" / "blender"
NOT_YET: dict[str, str] = {}  # mean CIEDE2000 (and IoU where it misses) in the bench's last run


def khronos_file(external_dir: Path, name: str) -> Path | None:
    folder = external_dir / "khronos" / name
    for variant in ("glTF-Binary", "glTF", "glTF-Draco"):
        files = sorted((folder / variant).glob("*.gl*")) if (folder / variant).is_dir() else []
        if files:
            return files[0]
    return None


def source(external_dir: Path, name: str) -> list[str]:
    if name.startswith("product:"):
        return ["--product", name.removeprefix("product:")]
    if name.startswith("khronos/") and not Path(name).suffix:
        found = khronos_file(external_dir, name.removeprefix("khronos/"))
        assert found is not None, name
        return ["--model", str(found)]
    if name.startswith("blender/"):
        return ["--model", str(BLENDER / name.removeprefix("blender/"))]
    return ["--model", str(external_dir / name)]


def rendered(what: list[str], out: Path, *extra: str) -> np.ndarray:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(["render", *what, "--out", str(out), "--size", SIZE, "--transparent",
                     *extra])
    assert code in (0, None), f"render {what} {extra} exited {code}"
    return np.asarray(Image.open(out).convert("RGBA"), dtype=np.float64) / 255.0


def test_every_khronos_model_is_measured(external_dir):
    names = {f"khronos/{f.name}" for f in (external_dir / "khronos").iterdir()
             if khronos_file(external_dir, f.name) is not None}
    assert names == {n for n in (*AGREE, *NOT_YET)
                     if n.startswith("khronos/") and not Path(n).suffix}


@pytest.mark.parametrize("name", sorted(AGREE))
def test_the_live_view_and_the_still_agree(external_dir, tmp_path, name):
    what = source(external_dir, name)
    live = rendered(what, tmp_path / "live.png")
    still = rendered(what, tmp_path / "still.png", "--photoreal", "--spp",
                     APPROXIMATED_SPP if AGREE[name] else SPP)
    in_live, in_still = live[..., 3] > 0.5, still[..., 3] > 0.5
    both = in_live & in_still
    iou = both.sum() / (in_live | in_still).sum()
    mean = float(delta_e(live[..., :3][both], still[..., :3][both]).mean())
    iou_least, mean_most = (0.95, 10.0) if AGREE[name] else (0.97, 5.0)
    assert iou >= iou_least and mean <= mean_most, (name, round(iou, 3), round(mean, 2))
