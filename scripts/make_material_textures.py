"""Write the tileable textures of the material library into assets/materials/textures/.

ceramic_speckled: an oatmeal stoneware glaze with small dark iron speckles.
  *_base_color.png  sRGB colour: gentle mottling plus speckles;
  *_orm.png         linear: R occlusion (1), G roughness (0.8 glaze, 1.0 speckles; the material's
                    roughness factor scales it), B metallic (0);
  *_normal.png      linear tangent-space normals, OpenGL convention (green = +V = up in the image),
                    from a height field of shallow pits at the speckles and faint glaze ripple.
Every map wraps around both edges: noise is filtered in the Fourier domain and speckles are stamped
with wrap-around, so the texture repeats without seams. Fixed seed: identical files on every run.

Run: .venv/bin/python scripts/make_material_textures.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image

SIZE = 512
SEED = 20240611
GLAZE_SRGB = np.array([233, 225, 211]) / 255.0  # oatmeal
SPECKLE_SRGB = np.array([72, 52, 40]) / 255.0  # iron brown-black
SPECKLE_COUNT = 900
NORMAL_STRENGTH = 2.0


def periodic_noise(rng: np.random.Generator, size: int, feature_px: float) -> np.ndarray:
    """Tileable smooth noise in [-1, 1] with features about ``feature_px`` pixels across."""
    white = rng.standard_normal((size, size))
    f = np.fft.fftfreq(size)
    fx, fy = np.meshgrid(f, f)
    sigma = 1.0 / (np.pi * feature_px)
    smooth = np.real(np.fft.ifft2(np.fft.fft2(white) * np.exp(-(fx**2 + fy**2) / (2 * sigma**2))))
    return smooth / np.abs(smooth).max()


def speckle_mask(rng: np.random.Generator, size: int, count: int) -> np.ndarray:
    """Coverage 0..1 of small soft dots scattered with wrap-around."""
    mask = np.zeros((size, size))
    centres = rng.uniform(0, size, (count, 2))
    radii = np.clip(rng.lognormal(np.log(1.1), 0.45, count), 0.5, 4.0)
    darkness = rng.uniform(0.55, 1.0, count)
    offsets = np.arange(-6, 7)
    for (cy, cx), r, dark in zip(centres, radii, darkness, strict=True):
        rows = (np.floor(cy).astype(int) + offsets) % size
        cols = (np.floor(cx).astype(int) + offsets) % size
        dy = (np.floor(cy) + offsets + 0.5 - cy)[:, None]
        dx = (np.floor(cx) + offsets + 0.5 - cx)[None, :]
        dist = np.sqrt(dx**2 + dy**2)
        dot = dark * np.clip(r + 0.5 - dist, 0.0, 1.0)
        block = mask[np.ix_(rows, cols)]
        mask[np.ix_(rows, cols)] = np.maximum(block, dot)
    return mask


def _srgb_to_linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _linear_to_srgb(c: np.ndarray) -> np.ndarray:
    c = np.clip(c, 0.0, 1.0)
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * c ** (1 / 2.4) - 0.055)


def _to_png(values01: np.ndarray) -> Image.Image:
    return Image.fromarray(np.round(np.clip(values01, 0, 1) * 255).astype(np.uint8), "RGB")


def speckled_maps(size: int = SIZE, seed: int = SEED) -> dict[str, Image.Image]:
    rng = np.random.default_rng(seed)
    mottle = periodic_noise(rng, size, 40.0)
    ripple = periodic_noise(rng, size, 6.0)
    speckles = speckle_mask(rng, size, SPECKLE_COUNT)

    glaze = _srgb_to_linear(GLAZE_SRGB) * (1.0 + 0.06 * mottle[..., None])
    colour = glaze * (1 - speckles[..., None]) + _srgb_to_linear(SPECKLE_SRGB) * speckles[..., None]
    base_color = _to_png(_linear_to_srgb(colour))

    roughness = 0.8 + 0.2 * speckles
    orm = _to_png(np.stack([np.ones_like(roughness), roughness, np.zeros_like(roughness)], -1))

    height = -0.6 * speckles + 0.08 * ripple  # pixels of relief
    d_col = (np.roll(height, -1, axis=1) - np.roll(height, 1, axis=1)) / 2.0
    d_row = (np.roll(height, -1, axis=0) - np.roll(height, 1, axis=0)) / 2.0
    # image rows run down, texture V runs up: dh/dv = -dh/drow
    n = np.stack([-NORMAL_STRENGTH * d_col, NORMAL_STRENGTH * d_row, np.ones_like(height)], -1)
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    normal = _to_png(n * 0.5 + 0.5)
    return {"base_color": base_color, "orm": orm, "normal": normal}


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[1]
    out_dir = Path(argv[1]) if len(argv) > 1 else root / "assets" / "materials" / "textures"
    out_dir.mkdir(parents=True, exist_ok=True)
    for kind, image in speckled_maps().items():
        path = out_dir / f"ceramic_speckled_{kind}.png"
        image.save(path, optimize=True)
        print(f"wrote {path} {image.size[0]}x{image.size[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
