"""A texture's own encoded bytes, for exports to store unchanged."""

import io

from PIL import Image

from app.assets.encoded_images import encoded_image
from app.assets.refs import TextureRef
from app.assets.store import AssetStore

SHOE = "MaterialsVariantsShoe/glTF"


def _encoded(mode: str, fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (4, 4)).save(out, format=fmt)
    return out.getvalue()


def test_png_and_rgb_jpeg_pass_others_do_not():
    assert encoded_image(_encoded("RGBA", "PNG")).mime_type == "image/png"
    assert encoded_image(_encoded("RGB", "JPEG")).mime_type == "image/jpeg"
    assert encoded_image(_encoded("L", "JPEG")).suffix == ".jpg"
    assert encoded_image(_encoded("CMYK", "JPEG")) is None
    assert encoded_image(_encoded("RGB", "WEBP")) is None
    assert encoded_image(b"not an image") is None


def test_store_gives_the_file_bytes_of_files_and_of_model_images(external_dir):
    folder = external_dir / SHOE
    store = AssetStore([folder])
    jpeg = folder / "normal.jpg"
    found = store.encoded_texture(TextureRef(source=str(jpeg), srgb=False))
    assert found is not None and found.data == jpeg.read_bytes()
    model = folder / "MaterialsVariantsShoe.gltf"
    embedded = [store.encoded_texture(TextureRef(source=f"{model}#image{i}", srgb=True))
                for i in range(5)]
    files = {f.read_bytes() for f in folder.glob("*.jpg")}
    assert {e.data for e in embedded} == files
    assert store.encoded_texture(TextureRef(source=f"{model}#mtl/base_color", srgb=True)) is None
