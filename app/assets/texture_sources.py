"""Which image each glTF texture is drawn from: EXT_texture_webp and KHR_texture_basisu.

EXT_texture_webp: the WebP image is the texture (Pillow decodes WebP); its PNG/JPEG fallback,
where there is one, is not needed. KHR_texture_basisu: no maintained Python binding of the
Basis Universal transcoder is available to this app, so a texture is drawn from its PNG/JPEG
fallback, and the loader says so; a texture that is only in KTX2 is refused with what to do,
never drawn as white. The KTX2 images are then not read at all.
"""

from __future__ import annotations

from app.assets.gltf_document import GltfDocument
from app.errors import AssetError

WEBP = "EXT_texture_webp"
BASISU = "KHR_texture_basisu"


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


def basisu_only_images(document: GltfDocument) -> set[int]:
    """The images only KHR_texture_basisu names (the KTX2 files), which the app never reads."""
    textures = document.header.get("textures", [])
    textures = textures if isinstance(textures, list) else []
    ktx2 = {(_extension(t, BASISU) or {}).get("source") for t in textures}
    plain = {t.get("source") for t in textures if isinstance(t, dict)}
    plain |= {(_extension(t, WEBP) or {}).get("source") for t in textures}
    return {i for i in ktx2 - plain if isinstance(i, int)}


def choose_texture_sources(document: GltfDocument, header: dict) -> list[str]:
    """Point each texture of ``header`` (a copy of the document's JSON, for trimesh) at the
    image it is drawn from; returns warnings for what is drawn from a fallback."""
    warnings = []
    for index, texture in enumerate(header.get("textures", []) or []):
        field = f"textures[{index}].extensions"
        webp = _extension(texture, WEBP)
        if webp is not None:
            texture["source"] = _image_index(document, webp.get("source"),
                                             f"{field}.{WEBP}.source")
            del texture["extensions"][WEBP]
            continue
        basisu = _extension(texture, BASISU)
        if basisu is None:
            continue
        _image_index(document, basisu.get("source"), f"{field}.{BASISU}.source")
        if not isinstance(texture.get("source"), int):
            raise AssetError(
                "this texture is only in KTX2 with Basis Universal compression, which this app "
                "cannot decode; export it with a PNG or JPEG fallback (or as PNG/JPEG only)",
                file=str(document.path), field=f"{field}.{BASISU}")
        warnings.append(f"{document.path}: texture {index} is drawn from its PNG/JPEG fallback "
                        f"(its KTX2/Basis Universal image, {BASISU}, is not decoded here)")
        del texture["extensions"][BASISU]
    for key in ("extensionsUsed", "extensionsRequired"):
        if isinstance(header.get(key), list):
            header[key] = [name for name in header[key] if name not in (WEBP, BASISU)]
    return warnings
