"""The texture maps of an OBJ's materials besides ``map_Kd`` (which trimesh reads), as
Blender's exporter writes them and its importer reads them: ``map_Pr`` the roughness and
``map_Pm`` the metalness (together the metallic-roughness texture), ``map_Ke`` the glow,
``map_Bump``, ``bump`` or ``norm`` a tangent-space normal map (``-bm`` its strength), and
``map_d`` the alpha (drawn where it names the base colour texture's file, whose alpha it is);
each map's ``-o`` and ``-s`` options (offset, scale) are its texture transform.
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
from app.assets.refs import TextureMapping, TextureTransform
from app.assets.textures import opened_image, texture_from_image

# Rec. 709 luminance: how Blender reads a colour image into a number (roughness, metalness)
_LUMINANCE = (0.2126, 0.7152, 0.0722)
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
    # a map's -o and -s options, by slot ("base_color", "roughness", ...), in glTF's UV space
    transforms: dict[str, TextureTransform] = field(default_factory=dict)
    # the pixels decoded, shared by the materials of one model (many may name one map file):
    # by what they are made of
    decoded: dict[tuple, np.ndarray] = field(default_factory=dict)


def material_maps(libraries: Mapping[Path, list[bytes]],
                  textures: Mapping[tuple[Path, int], Path]) -> dict[str, MaterialMaps]:
    """Each material's maps, by its name as trimesh reads it (``newmtl``'s words joined by
    one space), from the material ``libraries`` (their lines) and the ``textures`` found for
    their lines (by library and line number)."""
    found: dict[str, MaterialMaps] = {}
    decoded: dict[tuple, np.ndarray] = {}  # one for all the model's materials
    for library, lines in libraries.items():
        maps = None
        for number, line in enumerate(lines):
            words = line.decode("utf-8", errors="replace").split()
            if len(words) < 2:
                continue
            key = words[0].lower()
            if key == "newmtl":
                maps = found.setdefault(" ".join(words[1:]), MaterialMaps(decoded=decoded))
                continue
            texture = textures.get((library, number))
            if maps is None or texture is None:
                continue
            options = _options(words[1:])
            slot = _SLOTS.get(key, "normal" if key in _NORMAL_KEYS else None)
            if slot is None:
                maps.not_drawn.append(words[0])
                continue
            setattr(maps, slot, texture)
            if slot == "normal":
                maps.normal_scale = options.get("-bm", (1.0,))[0]
            transform = _transform(options)
            if not transform.is_identity:
                maps.transforms[slot] = transform
    return found


_SLOTS = {"map_kd": "base_color", "map_pr": "roughness", "map_pm": "metallic",
          "map_ke": "emissive", "map_d": "alpha"}
# the options of a map statement that take numbers, and how many at most
_NUMBER_OPTIONS = {"-bm": 1, "-boost": 1, "-mm": 2, "-o": 3, "-s": 3, "-t": 3, "-texres": 1}


def _options(words: list[str]) -> dict[str, tuple[float, ...]]:
    """A map statement's numeric options (``-s 2 2``: {"-s": (2.0, 2.0)}); a number that is
    not finite ends its option (the option then keeps the numbers before it)."""
    found: dict[str, tuple[float, ...]] = {}
    at = 0
    while at < len(words):
        option = words[at].lower()
        at += 1
        if option not in _NUMBER_OPTIONS:
            continue
        numbers: list[float] = []
        while at < len(words) and len(numbers) < _NUMBER_OPTIONS[option]:
            try:
                number = float(words[at])
            except ValueError:
                break
            at += 1
            if not np.isfinite(number):
                break
            numbers.append(number)
        if numbers:
            found[option] = tuple(numbers)
    return found


def _transform(options: dict[str, tuple[float, ...]]) -> TextureTransform:
    """MTL's ``-s`` (scale, v 1 unless given) and ``-o`` (offset) of OBJ's UVs (v up) as a
    texture transform of glTF's (v down): v' = s v + o upwards is s v + (1 - s - o) downwards."""
    scale = options.get("-s", (1.0,))
    offset = options.get("-o", (0.0,))
    su, sv = scale[0], scale[1] if len(scale) > 1 else 1.0
    ou, ov = offset[0], offset[1] if len(offset) > 1 else 0.0
    return TextureTransform(offset=(ou, 1.0 - sv - ov), scale=(su, sv))


def grey(path: Path, *, max_pixels: int) -> Image.Image:
    """The image at ``path`` as one 8-bit channel, as Blender reads a colour into a number
    (Rec. 709 luminance)."""
    with opened_image(path, source=str(path), max_pixels=max_pixels) as image:
        # as every texture is decoded: 16-bit grey (a baked roughness map) to 8 bits, not cut
        pixels = texture_from_image(image, source=str(path), max_pixels=max_pixels).pixels
    return Image.fromarray(np.ascontiguousarray(pixels[..., :3])).convert(
        "L", matrix=(*_LUMINANCE, 0.0))


def packed_metallic_roughness(roughness: Path | None, metallic: Path | None, *,
                              roughness_value: float, metallic_value: float,
                              max_pixels: int) -> np.ndarray:
    """glTF's metallic-roughness texture's pixels (green the roughness, blue the metalness) of
    the two maps, the smaller resized to the larger; a map left out is its value all over."""
    maps = {name: grey(path, max_pixels=max_pixels) for name, path in
            (("roughness", roughness), ("metallic", metallic)) if path is not None}
    width, height = max((m.size for m in maps.values()), key=lambda s: s[0] * s[1])

    def channel(name: str, value: float) -> np.ndarray:
        if name not in maps:
            return np.full((height, width), round(min(max(value, 0.0), 1.0) * 255), np.uint8)
        image = maps[name]
        if image.size != (width, height):
            image = image.resize((width, height), Image.BILINEAR)
        return np.asarray(image, np.uint8)

    pixels = np.ascontiguousarray(np.stack(
        [np.full((height, width), 255, np.uint8), channel("roughness", roughness_value),
         channel("metallic", metallic_value)], axis=-1))
    pixels.setflags(write=False)
    return pixels


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
        made_of = ("metallic-roughness", maps.roughness, maps.metallic,
                   material.roughness, material.metallic)
        if made_of not in maps.decoded:
            maps.decoded[made_of] = packed_metallic_roughness(
                maps.roughness, maps.metallic, roughness_value=material.roughness,
                metallic_value=material.metallic, max_pixels=max_pixels)
        changes.update(orm_texture=TextureImage(maps.decoded[made_of],
                                                f"{model_path}#{key}/metallic_roughness"),
                       roughness=1.0, metallic=1.0)

    def texture(path: Path, slot: str) -> TextureImage:
        source = f"{model_path}#{key}/{slot}"
        if ("image", path) not in maps.decoded:
            with opened_image(path, source=str(path), max_pixels=max_pixels) as image:
                maps.decoded["image", path] = make_texture(image, source).pixels
        return TextureImage(maps.decoded["image", path], source)

    if maps.emissive is not None:
        changes.update(emissive_texture=texture(maps.emissive, "emissive"),
                       emissive=material.emissive if any(material.emissive) else (1.0,) * 3)
    if maps.normal is not None:
        changes.update(normal_texture=texture(maps.normal, "normal"),
                       normal_scale=maps.normal_scale)
    for slot, field_name in (("base_color", "base_color_mapping"),
                             ("emissive", "emissive_mapping"), ("normal", "normal_mapping")):
        if slot in maps.transforms:
            changes[field_name] = TextureMapping(transform=maps.transforms[slot])
    packed = {maps.transforms.get(slot) for slot in ("roughness", "metallic")
              if getattr(maps, slot) is not None}
    if len(packed) > 1:  # one metallic-roughness texture: one mapping
        notes.append(f"material {material.name!r}: its map_Pm is drawn with map_Pr's -o and "
                     "-s options (one texture holds both)")
    orm_transform = maps.transforms.get("roughness" if maps.roughness else "metallic")
    if orm_transform is not None and "orm_texture" in changes:
        changes["orm_mapping"] = TextureMapping(transform=orm_transform)
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
