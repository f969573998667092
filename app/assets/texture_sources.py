"""Which image each glTF texture is drawn from: EXT_texture_webp and KHR_texture_basisu.

EXT_texture_webp: the WebP image is the texture (Pillow decodes WebP); its PNG/JPEG fallback,
where there is one, is not needed. KHR_texture_basisu: a texture with a PNG/JPEG fallback is
drawn from it (the image the KTX2 was made from, before its compression); one only in KTX2 is
drawn from the KTX2 image (``app.assets.ktx2`` has Pillow read it). The KTX2 images of
textures with a fallback are then not read at all.
"""

from __future__ import annotations

from app.assets.gltf_document import BASISU, WEBP, GltfDocument, drawn_source
from app.errors import AssetError


def _extension(texture: object, name: str) -> dict | None:
    if not isinstance(texture, dict):
        return None
    extensions = texture.get("extensions")
    if not isinstance(extensions, dict) or name not in extensions:
        return None
    return extensions[name] if isinstance(extensions[name], dict) else {}


def _image_index(document: GltfDocument, value: object, field: str) -> int:
    images = document.header.get("images", [])
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < len(images):
        raise AssetError(f"expected an image index below {len(images)}",
                         file=str(document.path), field=field)
    return value


def unread_ktx2_images(document: GltfDocument) -> set[int]:
    """The KTX2 images the app does not read: those only KHR_texture_basisu names, on
    textures drawn from another image (``drawn_source``)."""
    textures = document.header.get("textures", [])
    textures = textures if isinstance(textures, list) else []
    drawn = {drawn_source(t)[0] for t in textures}
    ktx2 = {(_extension(t, BASISU) or {}).get("source") for t in textures}
    return {i for i in ktx2 - drawn if isinstance(i, int)}


def choose_texture_sources(document: GltfDocument, header: dict) -> None:
    """Point each texture of ``header`` (a copy of the document's JSON, for trimesh) at the
    image it is drawn from (``drawn_source``)."""
    for index, texture in enumerate(header.get("textures", []) or []):
        source, extension = drawn_source(texture)
        if extension is not None:
            texture["source"] = _image_index(document, source,
                                             f"textures[{index}].extensions.{extension}.source")
            image = header["images"][texture["source"]]
            if extension == BASISU and isinstance(image, dict):
                image.pop("mimeType", None)  # trimesh passes over "image/ktx2" unread
        for name in (WEBP, BASISU):
            if _extension(texture, name) is not None:
                del texture["extensions"][name]
    for key in ("extensionsUsed", "extensionsRequired"):
        if isinstance(header.get(key), list):
            header[key] = [name for name in header[key] if name not in (WEBP, BASISU)]
