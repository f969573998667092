"""A reference renderer to measure ours against: the same model in Blender Cycles, with the
camera, HDR environment (file, rotation, strength), exposure and tone curve of our still.

    .venv/bin/python bench/reference_cycles.py --setup            # once: bench/.venv-cycles
    .venv/bin/python bench/reference_cycles.py --model FILE.glb [--size 480x360] [--spp 16]
    .venv/bin/python bench/reference_cycles.py --check-environment

Why two interpreters: the ``bpy`` wheel (5.0.1, CPython 3.11 only, ~370 MB) pins numpy<2 and
the app needs numpy>=2.4, so bpy can be neither an extra of this package (issue 14 asked for an
extra ``reference``; pip cannot install both into one environment) nor a test dependency. It
lives in its own virtualenv, bench/.venv-cycles (git-ignored; ``--setup`` makes it with
``python3.11 -m venv`` and ``pip install bpy==5.0.1``, or ``--wheel FILE``). This process (the
app's venv) resolves the scene exactly as ``app render --model ... --photoreal --transparent``
does, renders our still with Mitsuba, and writes a JSON job; bench/cycles_blender.py runs in the
bpy venv, renders, and hands back a linear EXR; the tone curve is applied here.

What is the same on both sides:
- the model: Blender imports the original file with its own importer (glTF first; OBJ, STL,
  PLY too), an independent reading of the file and its materials, then gets the transform our
  loader and scene put on top of the file's own nodes (units and up axis, ``app_transform``;
  the scene's move onto y=0, centred over the origin, ``model_scene``), converted from Y up to
  Blender's Z up the way Blender's glTF importer converts the file itself. Rendering our own
  GLB export instead would make the transforms trivially equal but would put our exporter
  between the file and the reference, so a loss in the loader or exporter would show on both
  sides and never be measured.
- the camera: ``view_camera`` of the resolved scene at the image's aspect (what the still
  uses): position, target, up, vertical field of view (horizontal in a portrait frame).
- the environment: the scene's HDR file, rotation about the vertical and intensity (Cycles'
  Background strength); no ground, transparent film, as in the --transparent still that
  bench/fidelity.py compares.
- light transport: the same samples per pixel (no adaptive sampling), at most our MAX_DEPTH
  bounces, no clamping and no Filter Glossy (Cycles' defaults, which trade bias for noise), a
  one-pixel box filter, both denoised with Open Image Denoise (albedo and normal guides).
- glass over the transparent film: our still makes what glass passes on of the backdrop
  transparency by its least channel, the rest of its colour kept over the scene's background
  (app/photoreal/compositing.py); Cycles' own transparent glass takes the mean of the channels
  (a blue glass over a white page comes out grey). Where the scene has glass, Cycles renders
  twice, a path through glass alone meeting a world of 0 and of 1; the difference is the share
  it passes on in each channel, and our compositing makes the PNG from the two
  (``glass_over_backdrop``).
- the tone curve: Cycles writes linear premultiplied RGBA (no view transform); here it is
  un-premultiplied and put through app/photoreal/tonemap.py ``display_from_linear`` with the
  same exposure, like our still (app/photoreal/compositing.py).

A product of the catalog (``--product``) has its materials in our config files, which Blender
cannot read: for it, and only for it, Cycles renders our own GLB export of the resolved scene
(app/export: world-space vertices lifted onto y=0, which ``to_app`` takes back down), so our
exporter is part of what such a row measures; the table marks it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
EXTERNAL = REPO.parent / "shared" / "testdata" / "external"
CYCLES_VENV = REPO / "bench" / ".venv-cycles"
BLENDER_SCRIPT = REPO / "bench" / "cycles_blender.py"
BPY_REQUIREMENT = "bpy==5.0.1"
CYCLES_TIMEOUT_S = 3600


@dataclass
class Resolved:
    """The scene our still draws, and what Cycles needs of it."""

    scene: object
    assets: object
    camera: object
    size: tuple[int, int]
    model: Path | None
    to_app: np.ndarray  # 4x4, file coordinates (Y up) -> app world
    exported: bool = False  # the model is our GLB export of a catalog product


def cycles_python() -> Path:
    return Path(os.environ.get("SHOWCRAFT_CYCLES_PYTHON", CYCLES_VENV / "bin" / "python"))


def setup(wheel: Path | None) -> int:
    """Make bench/.venv-cycles with bpy in it (CPython 3.11, which the bpy wheel needs)."""
    python = shutil.which("python3.11") or shutil.which("python3")
    if python is None:
        print("needs a CPython 3.11 (python3.11) for the bpy wheel", file=sys.stderr)
        return 1
    subprocess.run([python, "-m", "venv", str(CYCLES_VENV)], check=True)
    subprocess.run([str(CYCLES_VENV / "bin" / "pip"), "install", "--quiet",
                    str(wheel) if wheel else BPY_REQUIREMENT], check=True)
    subprocess.run([str(CYCLES_VENV / "bin" / "python"), "-c",
                    "import bpy; print('bpy', bpy.app.version_string)"], check=True)
    return 0


def resolve(source: list[str], size: tuple[int, int], *,
            export_dir: Path | None = None) -> Resolved:
    """The scene, geometry and camera of ``app render SOURCE --size WxH --transparent``; for a
    --product, its GLB export is written into ``export_dir`` for Cycles to read."""
    from app.assets.model_loading import app_transform
    from app.cli.main import build_parser
    from app.cli.render import scene_from_args
    from app.project import BUILT_IN_ROOT
    from app.scene.framing import view_camera

    args = build_parser().parse_args(["render", *source, "--out", "unused.png", "--size",
                                      f"{size[0]}x{size[1]}", "--transparent"])
    root = (args.root or BUILT_IN_ROOT).resolve()
    scene, assets = scene_from_args(args, root)
    camera = view_camera(scene, args.camera, size[0] / size[1])
    model = args.model.resolve() if args.model is not None else None
    to_app = np.eye(4)
    if model is None:
        if export_dir is None:
            raise SystemExit("a catalog product needs a folder for its GLB export")
        return product_export(scene, assets, camera, size, export_dir / f"{args.product}.glb")
    else:
        transforms = {tuple(d.transform) for d in scene.drawables}
        if len(transforms) != 1:
            raise SystemExit(f"{model}: expected one scene transform for all drawables, got "
                             f"{len(transforms)}")
        drawable = scene.drawables[0]
        to_app = np.asarray(drawable.transform, float) @ app_transform(drawable.geometry.units,
                                                                        drawable.geometry.up)
    return Resolved(scene, assets, camera, size, model, to_app)


def product_export(scene, assets, camera, size: tuple[int, int], path: Path) -> Resolved:
    """A catalog product's resolved scene as our GLB export (as ``app export`` without a rest
    pose: world space, lifted onto y = 0), with the transform back to the scene's world."""
    from app.export.export_meshes import collect_export_scene
    from app.export.glb import glb_bytes

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(glb_bytes(collect_export_scene(scene, assets)))
    to_app = np.eye(4)
    to_app[1, 3] = float(scene.bounds[0][1])  # collect_export_scene lifted it by -low y
    return Resolved(scene, assets, camera, size, path, to_app, exported=True)


def cycles_job(resolved: Resolved, *, spp: int, exr: Path, environment: bool = True,
               with_model: bool = True, denoise: bool = True) -> dict:
    from app.photoreal.render import MAX_DEPTH

    camera = resolved.camera
    low, high = (np.asarray(v, float) for v in resolved.scene.bounds)
    span = float(np.linalg.norm(high - low)) or 1.0
    distance = float(np.linalg.norm(np.asarray(camera.position) - (low + high) / 2))
    env = resolved.scene.environment
    return {
        "model": str(resolved.model) if with_model and resolved.model else None,
        "to_app": resolved.to_app.tolist(),
        "camera": {"position": list(camera.position), "target": list(camera.target),
                   "up": list(camera.up), "fov_deg": float(camera.fov_deg),
                   # as app/photoreal/scene_build.py sensor()
                   "near": max(1e-4, (distance - span) * 0.5) if distance > span else 1e-4,
                   "far": distance + span * 10},
        "environment": {"hdr": str(env.hdr_path), "rotation_deg": float(env.rotation_deg),
                        "intensity": float(env.intensity)} if environment else None,
        "size": list(resolved.size), "spp": int(spp), "max_depth": MAX_DEPTH,
        "denoise": denoise, "transparent": with_model, "seed": 0, "exr": str(exr),
    }


def run_cycles(job: dict, *, timeout: float = CYCLES_TIMEOUT_S) -> tuple[np.ndarray, dict]:
    """(linear premultiplied RGBA (H, W, 4) float32, timings) from Cycles in the bpy venv."""
    python = cycles_python()
    if not python.exists():
        raise SystemExit(f"no bpy interpreter at {python}: run bench/reference_cycles.py "
                         "--setup (or set SHOWCRAFT_CYCLES_PYTHON)")
    with tempfile.TemporaryDirectory() as folder:
        if job.get("model"):
            model, films = with_thin_films(Path(job["model"]), Path(folder))
            job = {**job, "model": str(model), "thin_films": films}
        job_file = Path(folder) / "job.json"
        job_file.write_text(json.dumps(job))
        started = time.perf_counter()
        done = subprocess.run([str(python), str(BLENDER_SCRIPT), str(job_file)],
                              capture_output=True, text=True, timeout=timeout, check=False)
        wall = time.perf_counter() - started
    if done.returncode != 0 or not Path(job["exr"]).is_file():
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise RuntimeError(f"Cycles failed (exit {done.returncode}):\n{tail}")
    stats = {}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("{"):
            stats = json.loads(line)
            break
    stats["wall_s"] = wall
    return read_exr(Path(job["exr"])), stats


IRIDESCENCE = "KHR_materials_iridescence"


def with_thin_films(model: Path, folder: Path) -> tuple[Path, dict]:
    """The file Blender's importer is given for ``model``, and the thin films Cycles puts on
    its materials (``gltf_thin_film`` in cycles_blender.py). Blender 5.0's glTF importer
    reads no KHR_materials_iridescence (no film) and refuses a file that requires it; Cycles'
    Principled BSDF has a thin film (thickness in nm, IOR) as glTF's. For a glTF whose
    materials have one, a copy in ``folder`` names each material ``gltf material N`` (so that
    the films find their materials) and no longer requires the extension; each film is read
    here from the file: IOR, thickness (its maximum, or from its minimum to its maximum by
    the thickness texture's green, the image written into ``folder``, and the UV set it
    reads). Blender's film has no weight: a factor below 1 or a factor texture is refused."""
    from app.assets.gltf_document import document_bytes

    if model.suffix.lower() not in (".glb", ".gltf"):
        return model, {}
    header, binary = _read_gltf(model)
    materials = header.get("materials") or []
    if not any(IRIDESCENCE in (m.get("extensions") or {}) for m in materials):
        return model, {}
    films = {}
    for index, material in enumerate(materials):
        material["name"] = f"gltf material {index}"
        film = (material.get("extensions") or {}).get(IRIDESCENCE)
        if film is None:
            continue
        if film.get("iridescenceFactor", 0.0) < 1.0 or "iridescenceTexture" in film:
            raise SystemExit(f"{model}: material {index}'s thin film has a factor below 1 or "
                             "a factor texture, and Cycles' has no weight")
        texture = film.get("iridescenceThicknessTexture")
        films[material["name"]] = {
            "ior": float(film.get("iridescenceIor", 1.3)),
            "min": float(film.get("iridescenceThicknessMinimum", 100.0)),
            "max": float(film.get("iridescenceThicknessMaximum", 400.0)),
            "texture": None if texture is None else str(_image_file(
                header, binary, model, texture["index"], folder)),
            "texcoord": 0 if texture is None else int(texture.get("texCoord", 0))}
    header["extensionsRequired"] = [e for e in header.get("extensionsRequired", [])
                                    if e != IRIDESCENCE]
    copy = folder / f"for_blender{model.suffix.lower()}"
    if binary is None:  # a .gltf: its own files named where they are
        for item in (*header.get("buffers", []), *header.get("images", [])):
            if "uri" in item and not item["uri"].startswith("data:"):
                item["uri"] = str((model.parent / unquote(item["uri"])).resolve())
        copy.write_text(json.dumps(header))
        return copy, films
    copy.write_bytes(document_bytes(header, binary or b""))
    return copy, films


def _read_gltf(model: Path) -> tuple[dict, bytes | None]:
    """(the JSON, the binary chunk or None) of a .gltf or .glb."""
    from app.assets.gltf_document import split_glb

    data = model.read_bytes()
    if model.suffix.lower() == ".gltf":
        return json.loads(data), None
    header, binary = split_glb(data, model)
    return header, binary or b""


def _image_file(header: dict, binary: bytes | None, model: Path, texture: int,
                folder: Path) -> Path:
    """The image of glTF texture ``texture`` as a file Blender can load."""
    image = header["images"][header["textures"][texture]["source"]]
    if "uri" in image:
        return (model.parent / unquote(image["uri"])).resolve()
    view = header["bufferViews"][image["bufferView"]]
    start = view.get("byteOffset", 0)
    suffix = ".jpg" if image.get("mimeType") == "image/jpeg" else ".png"
    path = folder / f"thin_film_{texture}{suffix}"
    path.write_bytes(binary[start:start + view["byteLength"]])
    return path


def read_exr(path: Path) -> np.ndarray:
    from app.photoreal.backend import activate_mitsuba

    mi = activate_mitsuba()
    bitmap = mi.Bitmap(str(path))
    pixels = np.array(bitmap, dtype=np.float32)
    if pixels.shape[2] == 3:
        pixels = np.concatenate([pixels, np.ones_like(pixels[..., :1])], axis=-1)
    return pixels


def display_rgba(linear: np.ndarray, exposure: float = 1.0) -> np.ndarray:
    """Premultiplied linear RGBA -> straight display RGBA 0..1, the still's tone curve."""
    from app.photoreal.tonemap import display_from_linear

    alpha = np.clip(linear[..., 3:4].astype(np.float64), 0.0, 1.0)
    own = linear[..., :3] / np.maximum(alpha, 1e-6)
    return np.concatenate([display_from_linear(own, exposure), alpha], axis=-1)


def save_png(display: np.ndarray, path: Path) -> Path:
    pixels = np.round(np.clip(display, 0.0, 1.0) * 255).astype(np.uint8)
    Image.fromarray(pixels, "RGBA" if pixels.shape[2] == 4 else "RGB").save(path)
    return path


def has_glass(resolved: Resolved) -> bool:
    """Whether light passes through a material of the scene (KHR_materials_transmission)."""
    return any(d.material.transmission > 0 and not d.material.unlit
               for d in resolved.scene.drawables if d.visible)


def glass_over_backdrop(resolved: Resolved, job: dict, exposure: float = 1.0
                        ) -> tuple[np.ndarray, dict]:
    """Cycles' transparent film with its glass made transparency as our still makes it
    (app/photoreal/compositing.py), (display RGBA 0..1, timings): the share
    of the backdrop the glass passes on in each channel, measured by two renders in which
    a path through glass alone meets a world of 0 and of 1 (``see_through`` in
    cycles_blender.py). Cycles' own transparent glass makes glass as transparent as the mean
    of what it passes (blue glass over a white page comes out grey); ours as the least channel,
    with the rest of its colour kept over the scene's background."""
    from app.photoreal.compositing import Passes, composite

    exr = Path(job["exr"])
    dark, stats = run_cycles({**job, "see_through": 0.0})
    light, more = run_cycles({**job, "see_through": 1.0, "exr": str(exr.with_name(
        f"{exr.stem}_through_white.exr"))})
    stats["wall_s"] += more["wall_s"]
    share = np.clip(light[..., :3] - dark[..., :3], 0.0, 1.0)
    display, _ = composite(
        Passes(colour=np.maximum(dark[..., :3], 0.0), coverage=dark[..., 3], through=share),
        background=resolved.scene.environment.background, transparent=True,
        exposure=exposure)
    return display, stats


def render_cycles_png(resolved: Resolved, out: Path, *, spp: int, exposure: float = 1.0,
                      distribution: str | None = None) -> dict:
    """Cycles' still of ``resolved`` as a transparent PNG at ``out`` (and its EXR beside it);
    ``distribution`` overrides the Principled BSDFs' microfacet model (a diagnosis). With
    glass in the scene, its transparency is worked out as our still's
    (``glass_over_backdrop``)."""
    job = cycles_job(resolved, spp=spp, exr=out.with_suffix(".exr"))
    job["distribution"] = distribution
    if has_glass(resolved):
        display, stats = glass_over_backdrop(resolved, job, exposure)
        save_png(display, out)
        return stats
    linear, stats = run_cycles(job)
    save_png(display_rgba(linear, exposure), out)
    return stats


def render_ours_png(resolved: Resolved, out: Path, *, spp: int) -> float:
    from app.photoreal.output import write_image
    from app.photoreal.render import render_photoreal

    image = render_photoreal(resolved.scene, resolved.assets, size=resolved.size, spp=spp,
                             camera=resolved.camera, transparent=True)
    write_image(image, out)
    return image.seconds


def test_environment(path: Path, width: int = 256) -> Path:
    """An asymmetric equirectangular HDR: hue that turns with longitude, brightness that falls
    with latitude, and a bright spot 60 degrees round and 30 above the horizon, to see an
    offset, mirror or flip of the mapping."""
    from app.photoreal.backend import activate_mitsuba

    mi = activate_mitsuba()
    height = width // 2
    u = (np.arange(width) + 0.5) / width
    v = (np.arange(height) + 0.5) / height
    uu, vv = np.meshgrid(u, v)
    pixels = np.stack([0.2 + 0.8 * uu, 0.2 + 0.8 * (1 - vv), 0.5 + 0.5 * np.sin(4 * np.pi * uu)],
                      axis=-1)
    spot = (np.abs(uu - 1 / 6) < 0.02) & (np.abs(vv - 1 / 3) < 0.03)
    pixels[spot] = (8.0, 8.0, 8.0)
    mi.Bitmap(np.ascontiguousarray(pixels, np.float32)).write(str(path))
    return path


def check_environment(size: tuple[int, int], spp: int, out: Path, source: list[str],
                      rotation_deg: float = 30.0) -> dict:
    """The bare environment seen through four cameras round the vertical (and the still's own
    one, with the app's studio HDR), in Mitsuba as our still sets it up and in Cycles: the
    relative mean difference of the two mappings of the same HDR file (0 when they agree;
    a turn, mirror or flip shows as tens of percent)."""
    import dataclasses

    from app.photoreal.backend import activate_mitsuba
    from app.photoreal.scene_build import environment_emitter, sensor
    from app.scene.description import Camera

    resolved = resolve(source, size)
    mi = activate_mitsuba()
    synthetic = dataclasses.replace(resolved.scene.environment, rotation_deg=rotation_deg,
                                    hdr_path=str(test_environment(out / "environment_test.exr")))
    views = {"still": (resolved.camera, resolved.scene.environment)}
    for azimuth in (0, 90, 180, 270):
        direction = (np.sin(np.radians(azimuth)), 0.3, np.cos(np.radians(azimuth)))
        views[f"az{azimuth}"] = (Camera(id="check", label="check", position=(0.0, 0.0, 0.0),
                                        target=direction, fov_deg=80.0), synthetic)
    result = {}
    for name, (camera, environment) in views.items():
        scene = dataclasses.replace(resolved.scene, environment=environment)
        view = dataclasses.replace(resolved, scene=scene, camera=camera)
        low, high = scene.bounds
        bare = mi.load_dict({"type": "scene", "integrator": {"type": "path", "max_depth": 1},
                             "environment": environment_emitter(mi, scene, camera),
                             "sensor": sensor(mi, camera, size, low, high, spp=spp)})
        ours = np.asarray(mi.render(bare, spp=spp), dtype=np.float64)[..., :3]
        cycles, _ = run_cycles(cycles_job(view, spp=spp, exr=out / f"environment_{name}.exr",
                                          with_model=False, denoise=False))
        cycles = cycles[..., :3].astype(np.float64)
        opaque = np.ones_like(ours[..., :1])
        save_png(np.concatenate([display_rgba(np.concatenate([ours, opaque], -1)),
                                 display_rgba(np.concatenate([cycles, opaque], -1))], axis=1),
                 out / f"environment_{name}_ours_cycles.png")
        scale = max(np.abs(ours).mean(), 1e-9)
        result[name] = {"relative_difference": float(np.abs(ours - cycles).mean() / scale),
                        "mirrored": float(np.abs(ours - cycles[:, ::-1]).mean() / scale),
                        "brightness_ratio": float(cycles.mean() / max(ours.mean(), 1e-12))}
    return result


def main() -> int:
    from bench.fidelity import compare

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path)
    parser.add_argument("--size", default="480x360")
    parser.add_argument("--spp", type=int, default=16)
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/reference_cycles")
    parser.add_argument("--setup", action="store_true", help="make bench/.venv-cycles")
    parser.add_argument("--wheel", type=Path, help="with --setup: a local bpy wheel")
    parser.add_argument("--single-scatter", action="store_true",
                        help="Cycles' Principled BSDFs with single-scattering GGX, as Mitsuba's "
                             "(Blender's importer picks multiple-scattering GGX)")
    parser.add_argument("--check-environment", action="store_true",
                        help="compare the bare environment as both renderers map it")
    args = parser.parse_args()
    if args.setup:
        return setup(args.wheel)
    size = tuple(int(v) for v in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    if args.check_environment:
        model = args.model or EXTERNAL / "khronos/Box/glTF-Draco/Box.gltf"
        result = check_environment(size, args.spp, args.out, ["--model", str(model)])
        print(json.dumps(result, indent=2))
        return 0
    if args.model is None:
        parser.error("--model, --setup or --check-environment")
    resolved = resolve(["--model", str(args.model)], size)
    stem = args.model.stem
    suffix = "_single_scatter" if args.single_scatter else ""
    ours, cycles = args.out / f"{stem}_photoreal.png", args.out / f"{stem}_cycles{suffix}.png"
    ours_s = render_ours_png(resolved, ours, spp=args.spp)
    stats = render_cycles_png(resolved, cycles, spp=args.spp,
                              distribution="GGX" if args.single_scatter else None)
    result = {"model": str(args.model), **compare(ours, cycles), "photoreal_s": ours_s,
              "cycles_s": stats["wall_s"], "cycles_render_s": stats.get("render_s")}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
