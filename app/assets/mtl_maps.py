"""The texture maps of an OBJ's materials besides ``map_Kd`` (which trimesh reads), as
Blender's exporter writes them and its importer reads them: ``map_Pr`` the roughness and
``map_Pm`` the metalness (together the metallic-roughness texture), ``map_Ke`` the glow,
``map_Bump``, ``bump`` or ``norm`` a tangent-space normal map (``-bm`` its strength), and
``map_d`` the alpha (drawn where it names the base colour texture's file, whose alpha it is).
Any other map (``map_Ks``, ``map_Ns``, ``disp``, ``refl``, ...) is named in the material's
notes as not drawn.

The roughness, metalness and normal maps are read as data (linear), as the scene Blender wrote
them from has them: Blender's own OBJ importer (5.0) reads every map as an sRGB colour, which
draws a written scene glossier and its relief steeper than the scene it came from (the same
scene written as GLB keeps them as data, and Cycles draws that as the app draws the OBJ).

The files are the ones ``texture_references.check_obj_textures`` resolved and held to the
limits; their pixels are read here, for the materials the model's meshes use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from PIL import Image

from app.assets.mesh import MeshMaterial, TextureImage
from app.assets.textures import load_texture, opened_image

# Rec. 709 luminance: how Blender reads a colour image into a number (roughness, metalness)
_LUMINANCE = np.array([0.2126, 0.7152, 0.0722])
_NORMAL_KEYS = ("map_bump", "bump", "norm")


@dataclass
class MaterialMaps:
    """The map files of one MTL material (None where it names none)."""

    base_color: Path | None = None
    roughness: Path | None = None
    metallic: Path | None = None
    emissive: Path | None = None
    normal: Path | None = None
    normal_scale: float = 1.0
    alpha: Path | None = None
    not_drawn: list[str] = field(default_factory=list)  # the statements of maps left out


def material_maps(libraries: Mapping[Path, list[bytes]],
                  textures: Mapping[tuple[Path, int], Path]) -> dict[str, MaterialMaps]:
    """Each material's maps, by its name as trimesh reads it (``newmtl``'s words joined by
    one space), from the material ``libraries`` (their lines) and the ``textures`` found for
    their lines (by library and line number)."""
    found: dict[str, MaterialMaps] = {}
    for library, lines in libraries.items():
        maps = None
        for number, line in enumerate(lines):
            words = line.decode("utf-8", errors="replace").split()
            if len(words) < 2:
                continue
            key = words[0].lower()
            if key == "newmtl":
                maps = found.setdefault(" ".join(words[1:]), MaterialMaps())
                continue
            texture = textures.get((library, number))
            if maps is None or texture is None:
                continue
            if key == "map_kd":
                maps.base_color = texture
            elif key == "map_pr":
                maps.roughness = texture
            elif key == "map_pm":
                maps.metallic = texture
            elif key == "map_ke":
                maps.emissive = texture
            elif key in _NORMAL_KEYS:
                maps.normal, maps.normal_scale = texture, _bump_strength(words[1:])
            elif key == "map_d":
                maps.alpha = texture
            else:
                maps.not_drawn.append(words[0])
    return found


def _bump_strength(options: list[str]) -> float:
    """The ``-bm`` option's number (1 without one, or where it is no finite number)."""
    for at, word in enumerate(options[:-1]):
        if word.lower() == "-bm":
            try:
                value = float(options[at + 1])
            except ValueError:
                return 1.0
            return value if np.isfinite(value) else 1.0
    return 1.0


def grey(path: Path, *, max_pixels: int) -> np.ndarray:
    """The image at ``path`` as (H, W) values 0..1, as Blender reads a colour into a number."""
    pixels = np.asarray(load_texture(path, max_pixels=max_pixels).pixels, np.float64)
    return pixels[..., :3] @ _LUMINANCE / 255.0


def packed_metallic_roughness(roughness: Path | None, metallic: Path | None, *,
                       roughness_value: float, metallic_value: float, source: str,
                       max_pixels: int) -> TextureImage:
    """glTF's metallic-roughness texture (green the roughness, blue the metalness) of the two
    maps, the smaller resized to the larger; a map left out is its value all over."""
    maps = {name: grey(path, max_pixels=max_pixels) for name, path in
            (("roughness", roughness), ("metallic", metallic)) if path is not None}
    height, width = max((m.shape for m in maps.values()), key=lambda s: s[0] * s[1])

    def channel(name: str, value: float) -> np.ndarray:
        if name not in maps:
            return np.full((height, width), value)
        values = maps[name]
        if values.shape != (height, width):
            image = Image.fromarray(values.astype(np.float32), mode="F")
            values = np.asarray(image.resize((width, height), Image.BILINEAR), np.float64)
        return values

    orm = np.stack([np.ones((height, width)), channel("roughness", roughness_value),
                    channel("metallic", metallic_value)], axis=-1)
    pixels = np.ascontiguousarray(np.round(np.clip(orm, 0.0, 1.0) * 255).astype(np.uint8))
    pixels.setflags(write=False)
    return TextureImage(pixels=pixels, source=source)


def with_maps(material: MeshMaterial, maps: MaterialMaps, *, key: str, model_path: str,
              make_texture: Callable[[Image.Image, str], TextureImage],
              max_pixels: int) -> MeshMaterial:
    """``material`` (read from the MTL's numbers) with its ``maps`` drawn as Blender's importer
    links them to its principled BSDF: a roughness or metalness map in place of its number
    (the other's number kept in its channel), the glow map times Ke (white without one), the
    normal map at its strength, ``map_d`` of the base colour texture's file as its alpha
    (blended where some of it is see-through)."""
    changes: dict = {}
    notes = [f"material {material.name!r}: its {name} texture is not drawn"
             for name in dict.fromkeys(maps.not_drawn)]
    if maps.roughness is not None or maps.metallic is not None:
        changes.update(orm_texture=packed_metallic_roughness(
            maps.roughness, maps.metallic, roughness_value=material.roughness,
            metallic_value=material.metallic, source=f"{model_path}#{key}/metallic_roughness",
            max_pixels=max_pixels), roughness=1.0, metallic=1.0)

    def texture(path: Path, slot: str) -> TextureImage:
        with opened_image(path, source=str(path), max_pixels=max_pixels) as image:
            return make_texture(image, f"{model_path}#{key}/{slot}")

    if maps.emissive is not None:
        changes.update(emissive_texture=texture(maps.emissive, "emissive"),
                       emissive=material.emissive if any(material.emissive) else (1.0,) * 3)
    if maps.normal is not None:
        changes.update(normal_texture=texture(maps.normal, "normal"),
                       normal_scale=maps.normal_scale)
    if maps.alpha is not None:
        base = material.base_color_texture
        if maps.alpha == maps.base_color and base is not None:
            pixels = base.pixels
            if pixels.shape[-1] == 4 and int(pixels[..., 3].min()) < 255:  # some see-through
                changes.update(alpha_mode="BLEND")
        else:
            notes.append(f"material {material.name!r}: its map_d texture is not drawn (only "
                         "the alpha of its base colour texture's file is)")
    if notes:
        changes.update(notes=(*material.notes, *notes))
    return replace(material, **changes)
