"""The hero view frames the product: it spans 75-85 % of the frame in its limiting direction
(the larger of its width over the frame's width and its height over the frame's height) and
touches no edge, for every sample product and for model files of any size and shape."""

import numpy as np
import pytest
from PIL import Image

from app.cli import main

EXTERNAL_MODELS = [
    "MaterialsVariantsShoe/glTF/MaterialsVariantsShoe.gltf",
    "FeatureType_STL/featuretype.STL",
    "WaterBottle/glTF/WaterBottle.gltf",
    "GlassHurricaneCandleHolder/glTF-Binary/GlassHurricaneCandleHolder.glb",
    "TRI_Plate8in_OBJ/plate_8in_col.obj",
    "FuzeBottle_OBJ_PLY/fuze.ply",
]


def span(path) -> tuple[float, bool]:
    """(limiting span, whether the product touches an edge) of a transparent still; glass,
    drawn partly see-through, counts as product."""
    product = np.asarray(Image.open(path).convert("RGBA"))[..., 3] > 25
    rows, cols = np.nonzero(product)
    assert len(rows), f"{path.name} is empty"
    height, width = product.shape
    limiting = max((cols.max() - cols.min() + 1) / width, (rows.max() - rows.min() + 1) / height)
    touches = rows.min() == 0 or cols.min() == 0 or rows.max() == height - 1 or \
        cols.max() == width - 1
    return limiting, touches


def render(source: list[str], out, size: str, *extra: str) -> None:
    assert main(["render", *source, "--out", str(out), "--size", size, "--transparent",
                 *extra]) == 0


@pytest.mark.parametrize("product", ["mug", "guitar", "watch", "golf_cart"])
@pytest.mark.parametrize("size", ["160x120", "90x160"])
def test_sample_products_fill_the_hero_view(tmp_path, product, size):
    out = tmp_path / "hero.png"
    render(["--product", product], out, size)
    limiting, touches = span(out)
    assert 0.75 <= limiting <= 0.85 and not touches, (product, size, limiting)


@pytest.mark.parametrize("model", EXTERNAL_MODELS)
def test_model_files_fill_the_frame_whatever_their_size(external_dir, tmp_path, model):
    out = tmp_path / "model.png"
    render(["--model", str(external_dir / model)], out, "160x120")
    limiting, touches = span(out)
    assert 0.75 <= limiting <= 0.85 and not touches, (model, limiting)


def test_photoreal_still_is_framed_as_the_live_view(tmp_path):
    live, still = tmp_path / "live.png", tmp_path / "still.png"
    render(["--product", "mug"], live, "96x72")
    render(["--product", "mug"], still, "96x72", "--photoreal", "--spp", "4")
    assert span(still)[0] == pytest.approx(span(live)[0], abs=0.04)
    assert 0.75 <= span(still)[0] <= 0.85
