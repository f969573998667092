"""glTF's occlusion texture where the renderers read it: the R channel of the metallic-roughness
image (VTK's ORM texture: R occlusion, G roughness, B metallic).

Many files keep occlusion in an image of its own (DamagedHelmet, Blender's exporter for a
separate AO image, three.js' ``aoMap``), or weaken it by the texture's ``strength``. Where the
occlusion texture maps as the metallic-roughness one does (the same UV set, sampler and
transform), or the material has no metallic-roughness texture, the two are packed into one
image here, at the larger of their sizes, with the strength worked into its R channel
(glTF: ``1 + strength * (occlusion - 1)``); without a metallic-roughness texture, G and B are
1, so the factors stay as they are."""

from __future__ import annotations

import numpy as np
from PIL import Image

from app.assets.mesh import TextureImage


def _resized(pixels: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``pixels`` (H, W, C) uint8 at ``size`` (width, height), bilinear; as they are if so."""
    if pixels.shape[1::-1] == size:
        return pixels
    return np.stack([np.asarray(Image.fromarray(np.ascontiguousarray(pixels[..., c]))
                                .resize(size, Image.Resampling.BILINEAR))
                     for c in range(pixels.shape[2])], axis=-1)


def packed_occlusion(orm: TextureImage | None, occlusion: TextureImage,
                     strength: float) -> np.ndarray:
    """(H, W, 3) uint8: ``orm``'s roughness (G) and metallic (B), or 1 without it, and
    ``occlusion``'s R weakened by ``strength`` (0..1) as R, at the larger of the two sizes."""
    height = max(occlusion.pixels.shape[0], 0 if orm is None else orm.pixels.shape[0])
    width = max(occlusion.pixels.shape[1], 0 if orm is None else orm.pixels.shape[1])
    out = np.full((height, width, 3), 255, dtype=np.uint8)
    if orm is not None:
        out[..., 1:] = _resized(orm.pixels[..., 1:3], (width, height))
    shade = _resized(occlusion.pixels[..., :1], (width, height))[..., 0].astype(np.float32)
    out[..., 0] = np.clip(np.rint(255.0 - strength * (255.0 - shade)), 0, 255).astype(np.uint8)
    return out
