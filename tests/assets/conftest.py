import base64
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

CORNER_RED = (255, 0, 0)  # top-left pixel of the corner texture
CORNER_BLUE = (0, 0, 255)  # bottom-left pixel
CORNER_GREEN = (0, 255, 0)  # top-right pixel
CORNER_WHITE = (255, 255, 255)  # bottom-right pixel


def corner_texture(path: Path, size: int = 8) -> Path:
    """A texture whose four quadrants have known colours (row 0 is the top of the image)."""
    pixels = np.zeros((size, size, 3), np.uint8)
    half = size // 2
    pixels[:half, :half] = CORNER_RED
    pixels[half:, :half] = CORNER_BLUE
    pixels[:half, half:] = CORNER_GREEN
    pixels[half:, half:] = CORNER_WHITE
    Image.fromarray(pixels).save(path)
    return path


def write_gltf(
    path: Path,
    *,
    meshes: list[dict],
    nodes: list[dict] | None = None,
    materials: list[dict] | None = None,
    images: list[dict] | None = None,
) -> Path:
    """Write a .gltf with an embedded buffer.

    ``meshes``: [{"name": str, "primitives": [primitive, ...]}], each primitive
    {"positions": (N,3), "indices": (M,3), optional "uv": (N,2) in glTF convention,
    "normals": (N,3), "colors": (N,3 or 4) float32, or uint8 / uint16 written normalized,
    "material": int}. Nodes default to one node per mesh; a node marked
    ``"child": True`` is left out of the scene's root list.
    """
    blob = bytearray()
    views, accessors, gltf_meshes = [], [], []

    def add(array: np.ndarray, component: int, kind: str, target: int,
            normalized: bool = False) -> int:
        data = np.ascontiguousarray(array).tobytes()
        while len(blob) % 4:
            blob.append(0)
        views.append(
            {"buffer": 0, "byteOffset": len(blob), "byteLength": len(data), "target": target}
        )
        blob.extend(data)
        accessor = {
            "bufferView": len(views) - 1,
            "componentType": component,
            "count": int(len(array)),
            "type": kind,
        }
        if normalized:
            accessor["normalized"] = True
        if kind == "VEC3" and component == 5126:
            accessor["min"] = np.asarray(array).min(axis=0).tolist()
            accessor["max"] = np.asarray(array).max(axis=0).tolist()
        accessors.append(accessor)
        return len(accessors) - 1

    for group in meshes:
        prims = []
        for prim in group["primitives"]:
            attributes = {
                "POSITION": add(np.asarray(prim["positions"], np.float32), 5126, "VEC3", 34962)
            }
            if "normals" in prim:
                attributes["NORMAL"] = add(
                    np.asarray(prim["normals"], np.float32), 5126, "VEC3", 34962
                )
            if "uv" in prim:
                attributes["TEXCOORD_0"] = add(
                    np.asarray(prim["uv"], np.float32), 5126, "VEC2", 34962
                )
            if "colors" in prim:
                colors = np.asarray(prim["colors"])
                component = {"float32": 5126, "uint8": 5121, "uint16": 5123}[colors.dtype.name]
                attributes["COLOR_0"] = add(colors, component, f"VEC{colors.shape[1]}", 34962,
                                            normalized=component != 5126)
            indices = add(np.asarray(prim["indices"], np.uint32).reshape(-1), 5125, "SCALAR", 34963)
            entry = {"attributes": attributes, "indices": indices, "mode": 4}
            if "material" in prim:
                entry["material"] = prim["material"]
            prims.append(entry)
        gltf_meshes.append({"name": group["name"], "primitives": prims})

    if nodes is None:
        nodes = [{"name": m["name"], "mesh": i} for i, m in enumerate(gltf_meshes)]
    header = {
        "asset": {"version": "2.0"},
        "scene": 0,
        "scenes": [{"nodes": [i for i, n in enumerate(nodes) if not n.pop("child", False)]}],
        "nodes": nodes,
        "meshes": gltf_meshes,
        "accessors": accessors,
        "bufferViews": views,
        "buffers": [
            {
                "byteLength": len(blob),
                "uri": "data:application/octet-stream;base64,"
                + base64.b64encode(bytes(blob)).decode(),
            }
        ],
    }
    if materials:
        header["materials"] = materials
    if images:
        header["images"] = images
        header["textures"] = [{"source": i} for i in range(len(images))]
    path.write_text(json.dumps(header))
    return path


QUAD_POSITIONS = [(0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (1.0, 1.0, 0.0), (0.0, 1.0, 0.0)]
QUAD_INDICES = [(0, 1, 2), (0, 2, 3)]


def edited_quad_gltf(path: Path, change) -> Path:
    """A .gltf of one quad mesh ``q0`` on one node, its JSON header (a dict) edited by
    ``change`` before it is written."""
    write_gltf(path, meshes=[{"name": "q0", "primitives": [{"positions": QUAD_POSITIONS,
                                                             "indices": QUAD_INDICES}]}])
    header = json.loads(path.read_text())
    change(header)
    path.write_text(json.dumps(header))
    return path


def append_view(header: dict, values: np.ndarray) -> int:
    """``values`` appended to the file's one (data URI) buffer as a new buffer view."""
    buffer = header["buffers"][0]
    blob = bytearray(base64.b64decode(buffer["uri"].split(",", 1)[1]))
    while len(blob) % 4:
        blob.append(0)
    data = np.ascontiguousarray(values).tobytes()
    header["bufferViews"].append({"buffer": 0, "byteOffset": len(blob), "byteLength": len(data)})
    blob.extend(data)
    buffer["byteLength"] = len(blob)
    buffer["uri"] = "data:application/octet-stream;base64," + base64.b64encode(blob).decode()
    return len(header["bufferViews"]) - 1


def add_accessor(header: dict, values: np.ndarray, component_type: int = 5126,
                 **extra) -> int:
    """``values`` (rows of 2 to 4, or 16 for 4x4 matrices) as a new accessor of the file."""
    view = append_view(header, values)
    kind = "MAT4" if values.shape[1] == 16 else f"VEC{values.shape[1]}"
    header["accessors"].append({"bufferView": view, "componentType": component_type,
                                "count": len(values), "type": kind, **extra})
    return len(header["accessors"]) - 1


@pytest.fixture
def gltf_writer():
    return write_gltf


@pytest.fixture
def corner_png(tmp_path) -> Path:
    return corner_texture(tmp_path / "corners.png")


@pytest.fixture
def quad_primitive() -> dict:
    return {"positions": QUAD_POSITIONS, "indices": QUAD_INDICES}


@pytest.fixture
def allowed_root(tmp_path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return root


_LOAD_EACH = """
import sys
from pathlib import Path
from app.assets.model_loading import load_model
from app.errors import AssetError
for name in sys.argv[1:]:
    try:
        load_model(Path(name))
        print("loaded")
    except AssetError as error:
        assert error.file == name, error
        print("refused")
"""


def outcomes_in_own_process(paths: list[Path]) -> list[str]:
    """Each model file loaded in one process of its own (a crash in a decoder would stop it):
    "loaded", or "refused" where an ``AssetError`` names the file; fails the test where the
    process dies or an error names another file."""
    done = subprocess.run([sys.executable, "-c", _LOAD_EACH, *map(str, paths)],
                          capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()
