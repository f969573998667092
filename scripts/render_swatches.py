"""Render a swatch of every library material and the material sheet.

Each material is drawn with the app's own renderer (studio lighting, transparent background) on a
small sphere, or on a draped cloth patch for fabric, leather and velvet, into
assets/materials/swatches/<id>.png (128x128), and the material file gets ``swatch:
swatches/<id>.png``. docs/material_sheet.png shows every swatch in a labelled grid.

Swatch geometry carries texture coordinates in the units products use for the library: one UV
unit is about 0.25 m along both directions (the sphere is 80 mm across, u runs once around it).

Run: .venv/bin/python scripts/render_swatches.py [material ids...]
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "app" / "builtin"  # the built-in project folder
sys.path.insert(0, str(ROOT))

from app.assets.mesh import MeshData  # noqa: E402
from app.assets.store import AssetStore  # noqa: E402
from app.catalog.catalog import MATERIALS_DIR  # noqa: E402
from app.catalog.materials import load_material_library  # noqa: E402
from app.domain.material import Material  # noqa: E402
from app.scene.description import (  # noqa: E402
    IDENTITY,
    Camera,
    Drawable,
    Environment,
    GeometryRef,
    ResolvedMaterial,
    SceneDescription,
    TextureRef,
)
from app.scene.environment import STUDIO_HDR  # noqa: E402
from app.scene.materials import resolve_material  # noqa: E402
from app.viewport.still import render_still, save_png  # noqa: E402

SWATCH_SIZE = 128
SPHERE_RADIUS = 0.04  # m: the circumference (u = 0..1) is about 0.25 m
UV_UNIT = 2 * np.pi * SPHERE_RADIUS
CLOTH_HALF = 0.037  # m
CAMERA_POSITION = (0.0, 0.055, 0.15)  # m, looking at the origin
CLOTH_MATERIALS = {"fabric", "leather", "velvet"}
PANEL_MATERIALS = {"sunburst"}
PANEL_RADIUS = 0.045  # m
ROD_RADIUS = 0.006  # m
ROD_MATERIAL = ResolvedMaterial(id="swatch_rod", base_color=(0.015, 0.015, 0.015), roughness=0.4)
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SHEET_COLUMNS = 6
SHEET_CELL = (168, 170)  # width, height: swatch plus two label lines
SWATCH_LINE = re.compile(r"^swatch:.*$", re.MULTILINE)


def sphere_mesh(rings: int = 48, segments: int = 96, *, name: str = "sphere",
                last_theta: float = np.pi) -> MeshData:
    """A UV sphere at the origin: u around Y (seam at the back), v from the top pole down to
    ``last_theta`` (radians from +Y; less than pi leaves a cap)."""
    theta = np.linspace(0.0, last_theta, rings + 1)  # from +Y down
    phi = np.linspace(0.0, 2 * np.pi, segments + 1)  # u = 0 behind (-Z), 0.5 in front (+Z)
    t, p = np.meshgrid(theta, phi, indexing="ij")
    directions = np.stack([-np.sin(t) * np.sin(p), np.cos(t), -np.sin(t) * np.cos(p)], -1)
    uv = np.stack([p / (2 * np.pi), t * SPHERE_RADIUS / UV_UNIT], -1)
    return _grid_mesh(name, directions * SPHERE_RADIUS, uv)


def front_cap_mesh() -> MeshData:
    """The half of the sphere that faces the swatch camera: see-through materials are drawn as
    this single layer, which blends without the sorting faults of a closed translucent shell."""
    cap = sphere_mesh(24, 96, name="front_cap", last_theta=np.radians(95.0))
    towards_camera = np.degrees(np.arctan2(CAMERA_POSITION[2], CAMERA_POSITION[1]))
    rotation = _rotation(0, towards_camera).astype(np.float32)
    return replace(cap, vertices=cap.vertices @ rotation.T, normals=cap.normals @ rotation.T)


def cloth_mesh(cells: int = 96) -> MeshData:
    """A square patch draped in soft folds, tilted back and turned a little towards the camera."""
    s = np.linspace(-1.0, 1.0, cells + 1)
    y, x = np.meshgrid(s[::-1], s, indexing="ij")  # row 0 at the top of the patch
    folds = np.sin(np.pi * (1.3 * x + 0.15 * y + 0.2)) * (0.7 + 0.3 * np.cos(0.5 * np.pi * y))
    points = np.stack([x * CLOTH_HALF, y * CLOTH_HALF, 0.009 * folds], -1)
    points = points @ (_rotation(1, 18.0) @ _rotation(0, -42.0)).T
    uv = np.stack([(x + 1) * CLOTH_HALF / UV_UNIT, (1 - y) * CLOTH_HALF / UV_UNIT], -1)
    return _grid_mesh("cloth", points, uv)


def panel_mesh(rings: int = 48, segments: int = 128) -> MeshData:
    """A gently arched round panel tilted back; UV [0, 1] spans its bounding square, so a
    texture made for a whole part (a guitar top) shows entire."""
    radius = np.linspace(0.0, 1.0, rings + 1)
    angle = np.linspace(0.0, 2 * np.pi, segments + 1)
    r, a = np.meshgrid(radius, angle, indexing="ij")
    x, y = r * np.cos(a), r * np.sin(a)
    points = np.stack([x * PANEL_RADIUS, y * PANEL_RADIUS, 0.004 * (1 - r**2)], -1)
    points = points @ _rotation(0, -38.0).T
    uv = np.stack([0.5 + 0.5 * x, 0.5 - 0.5 * y], -1)
    return _grid_mesh("panel", points, uv)


def rod_mesh(segments: int = 32) -> MeshData:
    """A thin vertical rod through the sphere's centre: seen through transmissive materials."""
    angle = np.linspace(0.0, 2 * np.pi, segments + 1)
    height = np.linspace(-0.8, 0.8, 2) * SPHERE_RADIUS
    h, a = np.meshgrid(height, angle, indexing="ij")
    points = np.stack([ROD_RADIUS * np.sin(a), h, ROD_RADIUS * np.cos(a)], -1)
    return _grid_mesh("rod", points, np.zeros(points.shape[:2] + (2,)))


def _rotation(axis: int, degrees: float) -> np.ndarray:
    c, s = np.cos(np.radians(degrees)), np.sin(np.radians(degrees))
    i, j = [k for k in range(3) if k != axis]
    m = np.eye(3)
    m[i, i], m[i, j], m[j, i], m[j, j] = c, -s, s, c
    return m


def _grid_mesh(name: str, points: np.ndarray, uv: np.ndarray) -> MeshData:
    rows, cols, _ = points.shape
    index = np.arange(rows * cols).reshape(rows, cols)
    a, b = index[:-1, :-1].ravel(), index[:-1, 1:].ravel()
    c, d = index[1:, :-1].ravel(), index[1:, 1:].ravel()
    faces = np.concatenate([np.stack([a, c, b], -1), np.stack([b, c, d], -1)])
    vertices = points.reshape(-1, 3)
    normals = _vertex_normals(vertices, faces)
    if name in ("sphere", "front_cap"):
        normals = vertices / np.linalg.norm(vertices, axis=-1, keepdims=True)
    return MeshData(name=name, vertices=vertices.astype(np.float32),
                    faces=faces.astype(np.int32), normals=normals.astype(np.float32),
                    uv=uv.reshape(-1, 2).astype(np.float32))


def _vertex_normals(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    tri = vertices[faces]
    face_normals = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    normals = np.zeros_like(vertices)
    for corner in range(3):
        np.add.at(normals, faces[:, corner], face_normals)
    length = np.linalg.norm(normals, axis=-1, keepdims=True)
    return normals / np.where(length > 0, length, 1.0)


class SwatchGeometry:
    """The swatch meshes by node name; textures come from the asset store."""

    def __init__(self, store: AssetStore):
        self.store = store
        self.meshes = {"sphere": sphere_mesh(), "front_cap": front_cap_mesh(),
                       "cloth": cloth_mesh(), "panel": panel_mesh(), "rod": rod_mesh()}

    def mesh(self, ref: GeometryRef) -> MeshData:
        return self.meshes[ref.node]

    def texture(self, ref: TextureRef):
        return self.store.texture(ref)


def swatch_node(material: Material) -> str:
    if material.id in CLOTH_MATERIALS:
        return "cloth"
    if material.id in PANEL_MATERIALS:
        return "panel"
    return "front_cap" if material.transmission > 0 else "sphere"


def swatch_scene(material: Material, geometry: SwatchGeometry, root: Path) -> SceneDescription:
    node = swatch_node(material)
    resolved = resolve_material(material, allowed_roots=[root / "assets"], label=material.source)
    drawables = [_drawable(node, resolved)]
    if node == "front_cap":
        drawables.insert(0, _drawable("rod", ROD_MATERIAL))
    mesh = geometry.meshes[node]
    low, high = (tuple(float(v) for v in bound) for bound in mesh.bounds)
    camera = Camera(id="swatch", label="Swatch", position=CAMERA_POSITION,
                    target=(0.0, 0.0, 0.0), fov_deg=34.0)
    environment = Environment(hdr_path=str(root / STUDIO_HDR), intensity=1.0,
                              background=(1.0, 1.0, 1.0), ground=False)
    return SceneDescription(product_id=f"swatch {material.id}", drawables=tuple(drawables),
                            cameras=(camera,), environment=environment, bounds=(low, high))


def _drawable(node: str, material: ResolvedMaterial) -> Drawable:
    return Drawable(id=f"{node}/{node}", part=node, geometry=GeometryRef(model="swatch", node=node),
                    material=material, transform=IDENTITY)


def render_swatch(material: Material, geometry: SwatchGeometry, root: Path) -> Image.Image:
    scene = swatch_scene(material, geometry, root)
    return render_still(scene, geometry, size=(SWATCH_SIZE, SWATCH_SIZE), transparent=True,
                        supersample=3)


def set_swatch_field(path: Path, value: str) -> None:
    """Write ``swatch: value`` into a material file, leaving every other line as it is."""
    text = path.read_text()
    line = f"swatch: {value}"
    if SWATCH_LINE.search(text):
        new = SWATCH_LINE.sub(line, text, count=1)
    else:
        new = text if text.endswith("\n") else text + "\n"
        new += line + "\n"
    if new != text:
        path.write_text(new)


def material_sheet(swatches: dict[str, Image.Image], materials: dict[str, Material]
                   ) -> Image.Image:
    """Every swatch on a light grey card with its name and id underneath."""
    rows = -(-len(swatches) // SHEET_COLUMNS)
    cell_w, cell_h = SHEET_CELL
    margin = 16
    sheet = Image.new("RGB", (SHEET_COLUMNS * cell_w + 2 * margin, rows * cell_h + 2 * margin),
                      (236, 236, 234))
    draw = ImageDraw.Draw(sheet)
    name_font = ImageFont.truetype(str(FONT), 13)
    id_font = ImageFont.truetype(str(FONT), 10)
    for index, (material_id, swatch) in enumerate(swatches.items()):
        row, column = divmod(index, SHEET_COLUMNS)
        left, top = margin + column * cell_w, margin + row * cell_h
        sheet.paste(swatch, (left + (cell_w - SWATCH_SIZE) // 2, top + 4), swatch)
        centre = left + cell_w // 2
        draw.text((centre, top + SWATCH_SIZE + 10), materials[material_id].name,
                  fill=(30, 30, 30), font=name_font, anchor="mt")
        draw.text((centre, top + SWATCH_SIZE + 27), material_id, fill=(110, 110, 110),
                  font=id_font, anchor="mt")
    return sheet


def main(argv: list[str]) -> int:
    materials_dir = PROJECT / MATERIALS_DIR
    materials, problems = load_material_library(materials_dir, PROJECT)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    wanted = argv[1:] or sorted(materials)
    unknown = [m for m in wanted if m not in materials]
    if unknown:
        print(f"unknown material ids: {', '.join(unknown)}", file=sys.stderr)
        return 1
    geometry = SwatchGeometry(AssetStore(allowed_roots=[PROJECT / "assets"]))
    swatch_dir = materials_dir / "swatches"
    swatch_dir.mkdir(exist_ok=True)
    for material_id in wanted:
        image = render_swatch(materials[material_id], geometry, PROJECT)
        save_png(image, swatch_dir / f"{material_id}.png")
        set_swatch_field(materials_dir / f"{material_id}.yaml", f"swatches/{material_id}.png")
        print(f"wrote {swatch_dir / material_id}.png")
    swatches = {}
    for material_id in sorted(materials):
        path = swatch_dir / f"{material_id}.png"
        if path.is_file():
            with Image.open(path) as image:
                swatches[material_id] = image.convert("RGBA")
    sheet_path = ROOT / "docs" / "material_sheet.png"
    sheet_path.parent.mkdir(exist_ok=True)
    save_png(material_sheet(swatches, materials), sheet_path)
    print(f"wrote {sheet_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
