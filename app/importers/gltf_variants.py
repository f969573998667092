"""A glTF/GLB with KHR_materials_variants -> a product file, its model and its materials.

Each mapped node becomes a part; each variant becomes a choice of one material option group
(``variant``), and each material a variant uses becomes a library material file
(``assets/materials/<product>_<variant>.yaml``); the images they use are copied once each, however
many materials share them, into ``assets/materials/textures/<product>/``. Materials are
addressed by their index, never by name (files such as MaterialsVariantsShoe give all three the
same name). When the mapped parts take different materials per variant, each part gets its own
group and one preset per variant selects them together.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import yaml

from app.assets.gltf_document import GltfDocument, document_bytes, read_gltf_document
from app.assets.gltf_schema_checks import check_document
from app.domain.colour import linear_to_srgb, srgb_to_hex
from app.errors import AppError
from app.references import MODEL_FOLDER, ReferenceResolver

__all__ = ["GltfImportError", "ImportResult", "import_gltf_variants"]

VARIANTS = "KHR_materials_variants"
_IMAGE_SUFFIX = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp",
                 "image/ktx2": ".ktx2"}


class GltfImportError(AppError):
    """A model file cannot become a product."""


@dataclass
class ImportResult:
    product_file: Path
    model_file: Path
    material_files: list[Path] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)


def _slug(text: str, fallback: str) -> str:
    slug = re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = f"{fallback}_{slug}" if slug else fallback
    return slug


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def _variant_names(document: GltfDocument) -> list[str]:
    variants = (document.header.get("extensions") or {}).get(VARIANTS, {}).get("variants")
    if not isinstance(variants, list) or not variants:
        raise GltfImportError("has no KHR_materials_variants variants to import",
                              file=str(document.path), field="extensions.KHR_materials_variants")
    return [str((v.get("name") if isinstance(v, dict) else None) or f"variant {i}")
            for i, v in enumerate(variants)]


def _node_mappings(document: GltfDocument, count: int) -> dict[str, dict[int, int]]:
    """node name -> {variant index -> material index} for nodes whose mesh maps variants."""
    header = document.header
    meshes = header.get("meshes", [])
    materials = header.get("materials", [])
    out: dict[str, dict[int, int]] = {}
    for ni, node in enumerate(header.get("nodes", [])):
        if "mesh" not in node:
            continue
        mapping: dict[int, int] = {}
        for pi, primitive in enumerate(meshes[node["mesh"]].get("primitives", [])):
            default = primitive.get("material")
            ext = (primitive.get("extensions") or {}).get(VARIANTS, {})
            where = f"meshes[{node['mesh']}].primitives[{pi}].extensions.{VARIANTS}"
            entries = ext.get("mappings", []) if isinstance(ext, dict) else None
            if not isinstance(entries, list):
                raise GltfImportError("expected a list of mappings", file=str(document.path),
                                      field=f"{where}.mappings")
            for ei, entry in enumerate(entries):
                field = f"{where}.mappings[{ei}]"
                material = entry.get("material") if isinstance(entry, dict) else None
                if not _is_index(material, len(materials)):
                    raise GltfImportError(
                        f"expected the index of one of the {len(materials)} materials, got "
                        f"{material!r:.40}", file=str(document.path), field=f"{field}.material")
                named = entry.get("variants", [])
                for variant in named if isinstance(named, list) else [named]:
                    if not _is_index(variant, count):
                        raise GltfImportError(
                            f"mapping names variant {variant!r:.40}, but there are {count}",
                            file=str(document.path), field=f"{field}.variants")
                    mapping.setdefault(variant, material)
            if mapping and default is not None:
                for variant in range(count):
                    mapping.setdefault(variant, default)
        if mapping:
            out[node.get("name") or f"node{ni}"] = mapping
    if not out:
        raise GltfImportError("no primitive maps a material to a variant",
                              file=str(document.path), field="meshes")
    return out


def _is_index(value: object, count: int) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and 0 <= value < count


def _image_source(document: GltfDocument,
                  texture_info: dict | None) -> tuple[bytes, str, str] | None:
    """(bytes, suffix, a name for the file) of the image a texture info uses."""
    index = document.image_index(texture_info)
    if index is None:
        return None
    image = document.header["images"][index]
    name = _slug(Path(str(image.get("uri") or image.get("name") or "")).stem, f"image{index}")
    if isinstance(image.get("uri"), str) and not image["uri"].startswith("data:"):
        file = document.references.resolve(image["uri"], field=f"images[{index}].uri", uri=True,
                                           must_exist=False)
        if not file.is_file():
            raise GltfImportError(f"texture file not found: {image['uri']!r}",
                                  file=str(document.path), field=f"images[{index}]")
        return file.read_bytes(), file.suffix.lower(), name
    if "bufferView" in image and document.binary is not None:
        view = document.header["bufferViews"][image["bufferView"]]
        start = view.get("byteOffset", 0)
        data = document.binary[start:start + view["byteLength"]]
        return data, _IMAGE_SUFFIX.get(image.get("mimeType", ""), ".png"), name
    raise GltfImportError("only file and GLB-embedded images can be imported",
                          file=str(document.path), field=f"images[{index}]")


class _TextureFiles:
    """The images materials use, each written once into ``folder`` (keyed by its bytes)."""

    def __init__(self, materials_dir: Path, product_id: str):
        self.materials_dir = materials_dir
        self.relative = f"textures/{product_id}"
        self._written: dict[str, str] = {}  # sha256 of the bytes -> path relative to materials

    def write(self, data: bytes, suffix: str, name: str) -> str:
        digest = hashlib.sha256(data).hexdigest()
        if digest not in self._written:
            taken = set(self._written.values())
            stem, n = name, 1
            while f"{self.relative}/{stem}{suffix}" in taken:
                n += 1
                stem = f"{name}_{n}"
            relative = f"{self.relative}/{stem}{suffix}"
            path = self.materials_dir / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            self._written[digest] = relative
        return self._written[digest]


def _material_file(document: GltfDocument, index: int, material_id: str, label: str,
                   materials_dir: Path, texture_files: _TextureFiles) -> Path:
    try:
        gltf = document.materials[index]
    except IndexError:
        raise GltfImportError(f"material {index} does not exist", file=str(document.path),
                              field="materials") from None
    pbr = gltf.get("pbrMetallicRoughness", {})
    factor = pbr.get("baseColorFactor", [1.0, 1.0, 1.0, 1.0])
    data: dict = {
        "name": label,
        "base_color": srgb_to_hex(tuple(linear_to_srgb(float(c)) for c in factor[:3])),
        "metallic": float(pbr.get("metallicFactor", 1.0)),
        "roughness": float(pbr.get("roughnessFactor", 1.0)),
        "opacity": float(factor[3]) if len(factor) > 3 else 1.0,
    }
    if "normalTexture" in gltf:
        data["normal_scale"] = float(gltf["normalTexture"].get("scale", 1.0))
    textures = {}
    for slot, info in (("base_color", pbr.get("baseColorTexture")),
                       ("orm", pbr.get("metallicRoughnessTexture")),
                       ("normal", gltf.get("normalTexture"))):
        found = _image_source(document, info)
        if found is None:
            continue
        textures[slot] = texture_files.write(*found)
    if textures:
        data["textures"] = textures
    path = materials_dir / f"{material_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)  # a first material without textures
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _copy_model(document: GltfDocument, target_dir: Path) -> Path:
    """Copy the model and every file it names into ``target_dir``.

    Files beside the model keep their place relative to it; a file from another allowed folder
    (``--asset-root``) is copied into ``external/`` and the copy's URI is rewritten, so the copy
    never names anything outside ``target_dir``.
    """
    target_dir.mkdir(parents=True, exist_ok=True)
    header = json.loads(json.dumps(document.header))
    rewritten = False
    for kind in ("buffers", "images"):
        for index, item in enumerate(header.get(kind, [])):
            uri = item.get("uri")
            if not isinstance(uri, str) or uri.startswith("data:"):
                continue
            source = document.references.resolve(uri, field=f"{kind}[{index}].uri", uri=True,
                                                 must_exist=False)
            if not source.is_file():
                continue
            try:
                relative = source.relative_to(document.path.parent.resolve())
            except ValueError:
                relative = Path("external") / f"{kind}{index}_{source.name}"
                item["uri"] = quote(relative.as_posix())
                rewritten = True
            destination = target_dir / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    model_file = target_dir / document.path.name
    if rewritten:
        model_file.write_bytes(document_bytes(header, document.binary))
    else:
        shutil.copy2(document.path, model_file)
    return model_file


def import_gltf_variants(source: Path, root: Path, product_id: str, *, name: str | None = None,
                         currency: str = "EUR", overwrite: bool = False,
                         asset_roots: Sequence[Path] = ()) -> ImportResult:
    """Write ``configs/<product_id>.yaml``, copy the model to ``assets/models/<product_id>/``
    and write one material file per (variant, material) used; GltfImportError on bad input."""
    source = Path(source)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", product_id):
        raise GltfImportError("expected lower-case letters, digits and '_'", field="product_id")
    if not source.is_file():
        raise GltfImportError("model file not found", file=str(source))
    product_file = root / "configs" / f"{product_id}.yaml"
    if product_file.exists() and not overwrite:
        raise GltfImportError("already exists; pass overwrite to replace it",
                              file=str(product_file))
    document = read_gltf_document(source, ReferenceResolver.for_file(
        source, [source.parent, *asset_roots],
        allowed_label=MODEL_FOLDER))
    try:  # the values the import reads, checked as the model loader checks them
        check_document(document)
    except AppError as error:
        raise GltfImportError(error.message, file=error.file, field=error.field) from None
    variants = _variant_names(document)
    choice_ids = _unique([_slug(v, "variant") for v in variants])
    nodes = _node_mappings(document, len(variants))
    model_file = _copy_model(document, root / "assets" / "models" / product_id)
    materials_dir = root / "assets" / "materials"
    result = ImportResult(product_file=product_file, model_file=model_file, variants=variants)

    material_ids: dict[int, str] = {}  # glTF material index -> library id
    texture_files = _TextureFiles(materials_dir, product_id)

    def library_material(index: int, variant: int) -> str:
        if index not in material_ids:
            material_id = f"{product_id}_{choice_ids[variant]}"
            if material_id in material_ids.values():
                material_id = f"{material_id}_m{index}"
            result.material_files.append(_material_file(
                document, index, material_id, f"{name or product_id} {variants[variant]}",
                materials_dir, texture_files))
            material_ids[index] = material_id
        return material_ids[index]

    part_ids = _unique([_slug(n, "part") for n in nodes])
    parts = []
    per_part: list[dict[int, str]] = []
    for part_id, (node, mapping) in zip(part_ids, nodes.items(), strict=True):
        chosen = {v: library_material(m, v) for v, m in sorted(mapping.items())}
        per_part.append(chosen)
        parts.append({"id": part_id, "nodes": [node], "material": chosen[0]})

    def group(group_id: str, label: str, part_list: list[str], chosen: dict[int, str]) -> dict:
        return {"id": group_id, "label": label, "kind": "material", "parts": part_list,
                "choices": [{"id": choice_ids[v], "label": variants[v], "material": chosen[v]}
                            for v in range(len(variants))]}

    presets = []
    if all(p == per_part[0] for p in per_part):
        options = [group("variant", "Variant", part_ids, per_part[0])]
    else:
        options = [group(f"variant_{p}", f"Variant ({p})", [p], chosen)
                   for p, chosen in zip(part_ids, per_part, strict=True)]
        presets = [{"id": choice_ids[v], "label": variants[v],
                    "selections": {o["id"]: choice_ids[v] for o in options}}
                   for v in range(len(variants))]
    product = {"id": product_id, "name": name or product_id.replace("_", " ").title(),
               "description": f"Imported from {source.name} with its material variants.",
               "currency": currency, "base_price": 0,
               "model": model_file.relative_to(root).as_posix(), "units": "m", "up": "y",
               "parts": parts, "options": options}
    if presets:
        product["presets"] = presets
    product_file.parent.mkdir(parents=True, exist_ok=True)
    text = "# yaml-language-server: $schema=../schemas/product.schema.json\n"
    product_file.write_text(text + yaml.safe_dump(product, sort_keys=False), encoding="utf-8")
    return result
