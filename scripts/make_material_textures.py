"""Write the texture maps of the material library into app/builtin/assets/materials/textures/.

Files are <material id>_<kind>.png with kind one of
  base_color  sRGB colour (multiplied by the material's base_color; tintable materials keep it
              neutral grey so that a chosen colour shows true);
  orm         linear: R occlusion, G roughness (scaled by the material's roughness), B metallic
              (scaled by the material's metallic);
  normal      linear tangent-space normals, OpenGL convention (green = +V = up in the image),
              derived from a height field given in pixels of relief.

ceramic_speckled  oatmeal stoneware glaze with small dark iron speckles (pits) and faint ripple.
brushed_steel     fine streaks running along U in roughness, normal and a touch of colour.
leather           pebble grain: domed cells between creases; creases darker, rougher, occluded.
vinyl             fine pebble grain, shallower than leather.
fabric            plain weave of 32 x 32 threads with fibre streaks along each thread.
rosewood          dark red-brown grain along U with black late-wood streaks and open pores.
maple             pale grain along U with a soft flame figure across it (uniform roughness).
sunburst          NOT tiling: a guitar top, grain along V, amber centre at (0.5, 0.5) darkening
                  to near black at radius 0.5 and beyond.
rubber            fine noise relief and roughness.
plastic_frosted   fine noise roughness with a faint relief.
Every map except sunburst wraps around both edges (noise filtered in the Fourier domain, patterns
with whole periods per tile). Fixed seeds: identical files on every run.

Run: .venv/bin/python scripts/make_material_textures.py [output folder]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

SIZE = 512
SEED = 20240611
GLAZE_SRGB = np.array([233, 225, 211]) / 255.0  # oatmeal
SPECKLE_SRGB = np.array([72, 52, 40]) / 255.0  # iron brown-black
SPECKLE_COUNT = 900
NORMAL_STRENGTH = 2.0

Maps = dict[str, Image.Image]


def periodic_noise(rng: np.random.Generator, size: int, feature_px: float) -> np.ndarray:
    """Tileable smooth noise in [-1, 1] with features about ``feature_px`` pixels across."""
    white = rng.standard_normal((size, size))
    f = np.fft.fftfreq(size)
    fx, fy = np.meshgrid(f, f)
    sigma = 1.0 / (np.pi * feature_px)
    smooth = np.real(np.fft.ifft2(np.fft.fft2(white) * np.exp(-(fx**2 + fy**2) / (2 * sigma**2))))
    return smooth / np.abs(smooth).max()


def streak_noise(rng: np.random.Generator, size: int, along_px: float, across_px: float
                 ) -> np.ndarray:
    """Tileable noise in [-1, 1] stretched along image columns (U): streaks ``along_px`` long."""
    white = rng.standard_normal((size, size))
    f = np.fft.fftfreq(size)
    fx, fy = np.meshgrid(f, f)
    sx, sy = 1.0 / (np.pi * along_px), 1.0 / (np.pi * across_px)
    gain = np.exp(-(fx**2 / (2 * sx**2) + fy**2 / (2 * sy**2)))
    smooth = np.real(np.fft.ifft2(np.fft.fft2(white) * gain))
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


def cell_distances(rng: np.random.Generator, size: int, cells: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Distances in pixels to the nearest and second-nearest of one jittered point per cell of a
    ``cells`` x ``cells`` grid, with wrap-around (tileable Worley noise)."""
    cell = size / cells
    jitter = rng.uniform(0.1, 0.9, (cells, cells, 2))
    y, x = np.mgrid[0:size, 0:size] + 0.5
    ci, cj = (y // cell).astype(int), (x // cell).astype(int)
    nearest = np.full((size, size), np.inf)
    second = np.full((size, size), np.inf)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            ni, nj = ci + di, cj + dj
            point = jitter[ni % cells, nj % cells]
            d = np.hypot((ni + point[..., 0]) * cell - y, (nj + point[..., 1]) * cell - x)
            second = np.where(d < nearest, nearest, np.minimum(second, d))
            nearest = np.minimum(nearest, d)
    return nearest, second


def _srgb_to_linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _linear_to_srgb(c: np.ndarray) -> np.ndarray:
    c = np.clip(c, 0.0, 1.0)
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * c ** (1 / 2.4) - 0.055)


def _to_png(values01: np.ndarray) -> Image.Image:
    return Image.fromarray(np.round(np.clip(values01, 0, 1) * 255).astype(np.uint8), "RGB")


def _hex(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255.0


def normal_map(height: np.ndarray, strength: float = 1.0) -> Image.Image:
    """Tangent-space normals of a wrapping height field (pixels of relief)."""
    d_col = (np.roll(height, -1, axis=1) - np.roll(height, 1, axis=1)) / 2.0
    d_row = (np.roll(height, -1, axis=0) - np.roll(height, 1, axis=0)) / 2.0
    # image rows run down, texture V runs up: dh/dv = -dh/drow
    n = np.stack([-strength * d_col, strength * d_row, np.ones_like(height)], -1)
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    return _to_png(n * 0.5 + 0.5)


def orm_map(roughness: np.ndarray, occlusion: np.ndarray | float = 1.0,
            metallic: float = 0.0) -> Image.Image:
    return _to_png(np.stack([np.broadcast_to(occlusion, roughness.shape), roughness,
                             np.full_like(roughness, metallic)], -1))


def grey_map(value_srgb: np.ndarray) -> Image.Image:
    return _to_png(np.repeat(value_srgb[..., None], 3, axis=-1))


def speckled_maps(size: int = SIZE, seed: int = SEED) -> Maps:
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
    return {"base_color": base_color, "orm": orm, "normal": normal_map(height, NORMAL_STRENGTH)}


def brushed_steel_maps(size: int = SIZE, seed: int = SEED + 1) -> Maps:
    rng = np.random.default_rng(seed)
    fine = streak_noise(rng, size, 160.0, 0.6)
    coarse = streak_noise(rng, size, 320.0, 3.0)
    streaks = 0.55 * fine + 0.45 * coarse
    return {
        "base_color": grey_map(0.93 + 0.07 * streaks),
        "orm": orm_map(0.78 + 0.22 * streaks, metallic=1.0),
        "normal": normal_map(0.5 * fine + 0.4 * coarse, 1.0),
    }


def _pebble_grain(rng: np.random.Generator, size: int, cells: int, crease_px: float
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Height (pixels) and crease coverage 0..1 of a pebbled grain."""
    nearest, second = cell_distances(rng, size, cells)
    crease = np.exp(-(((second - nearest) / crease_px) ** 2))
    dome = np.sqrt(np.clip(1.0 - (nearest / (0.75 * size / cells)) ** 2, 0.0, 1.0))
    return 0.8 * dome - 1.2 * crease, crease


def leather_maps(size: int = SIZE, seed: int = SEED + 2) -> Maps:
    rng = np.random.default_rng(seed)
    coarse, crease = _pebble_grain(rng, size, 32, 2.2)
    fine, fine_crease = _pebble_grain(rng, size, 96, 1.2)
    mottle = periodic_noise(rng, size, 50.0)
    pores = periodic_noise(rng, size, 1.2)
    creases = np.maximum(crease, 0.25 * fine_crease)
    height = coarse + 0.3 * fine + 0.08 * pores
    shade = (0.95 - 0.16 * creases + 0.04 * mottle) * (1.0 + 0.02 * pores)
    return {
        "base_color": grey_map(shade),
        "orm": orm_map(0.8 + 0.2 * creases + 0.05 * mottle, occlusion=1.0 - 0.35 * crease),
        "normal": normal_map(height, 1.2),
    }


def vinyl_maps(size: int = 256, seed: int = SEED + 3) -> Maps:
    rng = np.random.default_rng(seed)
    height, crease = _pebble_grain(rng, size, 48, 1.0)
    return {
        "orm": orm_map(0.85 + 0.15 * crease),
        "normal": normal_map(0.5 * height, 1.0),
    }


def fabric_maps(size: int = SIZE, seed: int = SEED + 4, threads: int = 32) -> Maps:
    rng = np.random.default_rng(seed)
    pitch = size / threads
    y, x = np.mgrid[0:size, 0:size] + 0.5
    i, j = np.floor(x / pitch), np.floor(y / pitch)  # warp (column) and weft (row) index
    fx, fy = x / pitch - i, y / pitch - j

    def section(f: np.ndarray) -> np.ndarray:
        return np.sqrt(np.clip(1.0 - ((f - 0.5) / 0.47) ** 2, 0.0, 1.0))

    warp_lift = np.cos(np.pi * (y / pitch - 0.5 + i))
    weft_lift = -np.cos(np.pi * (x / pitch - 0.5 + j))
    warp_fibres = streak_noise(rng, size, 0.7, 10.0)  # streaks along V
    weft_fibres = streak_noise(rng, size, 10.0, 0.7)
    slub = rng.uniform(-1.0, 1.0, (2, threads))
    warp = np.where(section(fx) > 0, 0.35 * pitch * (0.5 * warp_lift + section(fx)), -pitch)
    weft = np.where(section(fy) > 0, 0.35 * pitch * (0.5 * weft_lift + section(fy)), -pitch)
    on_top = warp >= weft
    height = np.maximum(np.maximum(warp, weft), -0.3 * pitch)
    fibres = np.where(on_top, warp_fibres, weft_fibres)
    tone = np.where(on_top, slub[0][i.astype(int)], slub[1][j.astype(int)])
    relief = (height - height.min()) / (height.max() - height.min())
    occlusion = 0.55 + 0.45 * np.clip(relief * 1.4, 0.0, 1.0)
    return {
        "base_color": grey_map(0.82 + 0.16 * relief + 0.03 * tone + 0.03 * fibres),
        "orm": orm_map(0.9 + 0.1 * (1.0 - relief), occlusion=occlusion),
        "normal": normal_map(height + 0.6 * fibres, 0.35),
    }


def wood_grain(rng: np.random.Generator, size: int, rings: int, pore_density: float
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Late-wood band 0..1, fibre streaks -1..1 and pore coverage 0..1, grain along U."""
    y = (np.mgrid[0:size, 0:size][0] + 0.5) / size
    warp = 0.9 * streak_noise(rng, size, 200.0, 40.0) + 0.25 * streak_noise(rng, size, 60.0, 8.0)
    phase = (y * rings + warp) % 1.0
    late = np.exp(-(((phase - 0.7) / 0.09) ** 2)) + 0.5 * np.exp(-(((phase - 0.25) / 0.05) ** 2))
    fibres = streak_noise(rng, size, 40.0, 0.8)
    pores = np.clip((streak_noise(rng, size, 4.0, 0.7) - (1.0 - pore_density)) / pore_density,
                    0.0, 1.0)
    return np.clip(late, 0.0, 1.0), fibres, pores


def _wood_colour(light: str, dark: str, late: np.ndarray, fibres: np.ndarray,
                 pores: np.ndarray, figure: np.ndarray | float = 0.0) -> np.ndarray:
    mix = np.clip(0.85 * late + 0.6 * pores, 0.0, 1.0)[..., None]
    colour = _srgb_to_linear(_hex(light)) * (1 - mix) + _srgb_to_linear(_hex(dark)) * mix
    return colour * (1.0 + 0.1 * fibres[..., None] + np.asarray(figure)[..., None])


def rosewood_maps(size: int = SIZE, seed: int = SEED + 5) -> Maps:
    rng = np.random.default_rng(seed)
    late, fibres, pores = wood_grain(rng, size, 14, 0.22)
    colour = _wood_colour("#7a3b22", "#261009", late, fibres, pores)
    return {
        "base_color": _to_png(_linear_to_srgb(colour)),
        "orm": orm_map(0.85 + 0.15 * pores + 0.05 * fibres),
        "normal": normal_map(-0.8 * pores - 0.15 * late + 0.1 * fibres, 1.0),
    }


def maple_maps(size: int = SIZE, seed: int = SEED + 6) -> Maps:
    rng = np.random.default_rng(seed)
    late, fibres, pores = wood_grain(rng, size, 10, 0.12)
    x = (np.mgrid[0:size, 0:size][1] + 0.5) / size
    wave = 1.2 * streak_noise(rng, size, 5.0, 60.0)
    flame = 0.05 * np.sin(2 * np.pi * (16 * x + wave)) ** 3
    colour = _wood_colour("#efd6a8", "#c99a5e", 0.6 * late, fibres, 0.6 * pores, flame)
    return {
        "base_color": _to_png(_linear_to_srgb(colour)),
        "normal": normal_map(-0.4 * pores - 0.08 * late, 1.0),
    }


SUNBURST_STOPS = [  # radius from the centre in UV units, sRGB colour
    (0.00, "#f0b24a"), (0.20, "#e9a236"), (0.31, "#c9701c"), (0.38, "#8f3a12"),
    (0.44, "#45170a"), (0.49, "#150804"), (1.00, "#0b0503")]


def sunburst_maps(size: int = 1024, seed: int = SEED + 7) -> Maps:
    rng = np.random.default_rng(seed)
    late, fibres, pores = wood_grain(rng, size, 22, 0.1)
    late, fibres, pores = late.T, fibres.T, pores.T  # grain along V, down the guitar body
    y, x = (np.mgrid[0:size, 0:size] + 0.5) / size
    radius = np.hypot(x - 0.5, y - 0.5)
    stops = np.array([r for r, _ in SUNBURST_STOPS])
    colours = np.array([_srgb_to_linear(_hex(c)) for _, c in SUNBURST_STOPS])
    burst = np.stack([np.interp(radius, stops, colours[:, k]) for k in range(3)], -1)
    grain = 1.0 - 0.3 * np.clip(0.8 * late + 0.5 * pores, 0, 1) + 0.06 * fibres
    return {"base_color": _to_png(_linear_to_srgb(burst * grain[..., None]))}


def rubber_maps(size: int = 256, seed: int = SEED + 8) -> Maps:
    rng = np.random.default_rng(seed)
    grit = periodic_noise(rng, size, 1.5)
    bumps = periodic_noise(rng, size, 5.0)
    return {
        "orm": orm_map(0.9 + 0.1 * grit),
        "normal": normal_map(0.35 * grit + 0.5 * bumps, 1.0),
    }


def plastic_frosted_maps(size: int = 256, seed: int = SEED + 9) -> Maps:
    rng = np.random.default_rng(seed)
    grit = periodic_noise(rng, size, 1.2)
    return {
        "orm": orm_map(0.88 + 0.12 * grit),
        "normal": normal_map(0.12 * grit, 1.0),
    }


MATERIAL_MAPS: dict[str, Callable[[], Maps]] = {
    "ceramic_speckled": speckled_maps,
    "brushed_steel": brushed_steel_maps,
    "leather": leather_maps,
    "vinyl": vinyl_maps,
    "fabric": fabric_maps,
    "rosewood": rosewood_maps,
    "maple": maple_maps,
    "sunburst": sunburst_maps,
    "rubber": rubber_maps,
    "plastic_frosted": plastic_frosted_maps,
}


def write_textures(out_dir: Path, material_ids: list[str] | None = None) -> list[Path]:
    """Write the maps of ``material_ids`` (all by default) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for material_id in material_ids or list(MATERIAL_MAPS):
        for kind, image in MATERIAL_MAPS[material_id]().items():
            path = out_dir / f"{material_id}_{kind}.png"
            image.save(path, optimize=True)
            written.append(path)
    return written


def main(argv: list[str]) -> int:
    assets = Path(__file__).resolve().parents[1] / "app" / "builtin" / "assets"
    out_dir = Path(argv[1]) if len(argv) > 1 else assets / "materials" / "textures"
    for path in write_textures(out_dir):
        with Image.open(path) as image:
            print(f"wrote {path} {image.size[0]}x{image.size[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
