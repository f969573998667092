"""Write app/builtin/assets/environments/studio.hdr: an equirectangular photo-studio environment.

1024 x 512 Radiance RGBE (run-length encoded), linear radiance. The first scanline in the file is
straight up (+Y). Column c looks along azimuth atan2(z, x) = 2 pi ((c + 0.5) / 1024 - 0.5), the
convention of VTK's equirectangular lookup, so the -X direction sits at both side edges and +X in
the middle. The studio: a neutral cyclorama (brighter ceiling, grey walls, darker floor), a large
key softbox upper front-left (+Z is the front, -X the left), a fill panel on the right, a tall rim
strip behind, an overhead panel, tall strip lights left and right, and two low bounce cards, so
that polished metal and glass have lights to mirror from every side.

Run: .venv/bin/python scripts/make_studio_environment.py [output.hdr]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

WIDTH, HEIGHT = 1024, 512

# (direction towards the light, half width, half height (tangent-plane units), radiance RGB)
SOFTBOXES = {
    "key": ((-1.0, 0.95, 1.0), 0.36, 0.26, (11.0, 10.8, 10.5)),
    "fill": ((1.0, 0.35, 0.55), 0.24, 0.30, (4.6, 4.6, 4.8)),
    "rim": ((0.25, 0.45, -1.0), 0.08, 0.50, (12.0, 12.0, 12.4)),
    "top": ((0.0, 1.0, 0.05), 0.40, 0.40, (2.6, 2.6, 2.6)),
    # tall strips left and right: the long highlights that make polished metal read as metal
    "strip_left": ((-1.0, 0.15, -0.45), 0.06, 0.75, (8.0, 8.0, 8.2)),
    "strip_right": ((1.0, 0.2, -0.2), 0.06, 0.75, (7.0, 7.0, 7.2)),
    # white bounce cards low in front and below, off the straight-down floor: what faces down (a
    # caseback, the underside of a bracelet) reflects
    "card_front": ((0.15, -0.35, 1.0), 0.55, 0.16, (1.6, 1.6, 1.6)),
    "card_low": ((0.3, -1.0, 0.25), 0.28, 0.22, (1.8, 1.8, 1.8)),
}
EDGE_SOFTNESS = 0.06  # tangent-plane units over which a softbox fades out


def directions(width: int = WIDTH, height: int = HEIGHT) -> np.ndarray:
    """Unit direction of each pixel centre, (height, width, 3); row 0 is the top of the image."""
    azimuth = 2.0 * np.pi * ((np.arange(width) + 0.5) / width - 0.5)
    elevation = np.pi * (0.5 - (np.arange(height) + 0.5) / height)
    az, el = np.meshgrid(azimuth, elevation)
    return np.stack([np.cos(el) * np.cos(az), np.sin(el), np.cos(el) * np.sin(az)], axis=-1)


def _smoothstep(edge0: float, edge1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - edge0) / (edge1 - edge0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def cyclorama(d: np.ndarray) -> np.ndarray:
    """Neutral walls, darker than the lights so that what mirrors them has contrast: dark
    floor, grey horizon, brighter ceiling, as linear RGB."""
    y = d[..., 1]
    wall = 0.24 + 0.36 * _smoothstep(0.0, 0.9, y)  # 0.24 at the horizon, 0.60 overhead
    floor = 0.15 + 0.06 * (1.0 + y)  # 0.21 near the horizon, 0.15 straight down
    blend = _smoothstep(-0.06, 0.02, y)
    grey = floor * (1.0 - blend) + wall * blend
    tint = np.array([1.0, 0.995, 0.985])
    return grey[..., None] * tint


def softbox(d: np.ndarray, toward, half_w: float, half_h: float) -> np.ndarray:
    """Coverage 0..1 of a rectangular softbox centred on ``toward`` as seen from the origin."""
    centre = np.asarray(toward, dtype=float)
    centre /= np.linalg.norm(centre)
    helper = np.array([0.0, 1.0, 0.0]) if abs(centre[1]) < 0.9 else np.array([0.0, 0.0, 1.0])
    right = np.cross(helper, centre)
    right /= np.linalg.norm(right)
    up = np.cross(centre, right)
    facing = d @ centre
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(facing > 0, (d @ right) / facing, np.inf)
        b = np.where(facing > 0, (d @ up) / facing, np.inf)
    inside_w = 1.0 - _smoothstep(half_w - EDGE_SOFTNESS, half_w, np.abs(a))
    inside_h = 1.0 - _smoothstep(half_h - EDGE_SOFTNESS, half_h, np.abs(b))
    hotspot = 0.85 + 0.15 * np.exp(-((a / half_w) ** 2 + (b / half_h) ** 2))
    return inside_w * inside_h * hotspot


def studio(width: int = WIDTH, height: int = HEIGHT) -> np.ndarray:
    """The environment as float32 linear RGB, (height, width, 3), top row up."""
    d = directions(width, height)
    image = cyclorama(d)
    for toward, half_w, half_h, radiance in SOFTBOXES.values():
        cover = softbox(d, toward, half_w, half_h)[..., None]
        image = image * (1.0 - cover) + np.asarray(radiance) * cover
    return image.astype(np.float32)


def to_rgbe(image: np.ndarray) -> np.ndarray:
    """Float RGB (H, W, 3) -> RGBE bytes (H, W, 4), Radiance's shared-exponent encoding."""
    peak = image.max(axis=-1)
    mantissa, exponent = np.frexp(peak)
    scale = np.where(peak > 1e-32, mantissa * 256.0 / np.where(peak > 0, peak, 1.0), 0.0)
    rgbe = np.zeros(image.shape[:2] + (4,), dtype=np.uint8)
    rgbe[..., :3] = np.clip(image * scale[..., None], 0, 255).astype(np.uint8)
    rgbe[..., 3] = np.where(peak > 1e-32, exponent + 128, 0).astype(np.uint8)
    return rgbe


def _rle_channel(values: np.ndarray) -> bytes:
    """One channel of one scanline in Radiance's adaptive run-length encoding."""
    out = bytearray()
    n, i = len(values), 0
    literal = bytearray()
    while i < n:
        run = 1
        while i + run < n and run < 127 and values[i + run] == values[i]:
            run += 1
        if run >= 3:
            while literal:
                out.append(len(literal[:128]))
                out += literal[:128]
                literal = literal[128:]
            out += bytes((128 + run, int(values[i])))
            i += run
        else:
            literal.append(int(values[i]))
            i += 1
    while literal:
        out.append(len(literal[:128]))
        out += literal[:128]
        literal = literal[128:]
    return bytes(out)


def encode_hdr(image: np.ndarray) -> bytes:
    height, width = image.shape[:2]
    header = f"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\nEXPOSURE=1.0\n\n-Y {height} +X {width}\n"
    rgbe = to_rgbe(image)
    body = bytearray()
    line_start = bytes((2, 2, width >> 8, width & 0xFF))
    for row in rgbe:
        body += line_start
        for channel in range(4):
            body += _rle_channel(row[:, channel])
    return header.encode("ascii") + bytes(body)


def main(argv: list[str]) -> int:
    assets = Path(__file__).resolve().parents[1] / "app" / "builtin" / "assets"
    out = Path(argv[1]) if len(argv) > 1 else assets / "environments" / "studio.hdr"
    image = studio()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".hdr.tmp")
    tmp.write_bytes(encode_hdr(image))
    tmp.replace(out)
    print(f"wrote {out} ({out.stat().st_size} bytes), {WIDTH}x{HEIGHT}")
    for name, (toward, *_rest) in SOFTBOXES.items():
        print(f"  {name:5s} softbox towards {toward}")
    print(f"  radiance min {image.min():.3f} max {image.max():.3f} mean {image.mean():.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
