"""The order package: one zip with everything a manufacturer needs to make the configuration.

``configuration.json`` (schema-versioned), ``spec_sheet.pdf``, ``artwork/<zone>.svg`` and
``.png`` (print-ready, 300 ppi), each uploaded picture itself as ``pictures/<sha256>.png`` (or
``.jpg``) from the picture store, ``model.glb``, and ``manifest.json`` listing the product, the
share code, the total price, which picture each zone shows, and every other file with its size
and SHA-256. Pictures are named by their hash only: no name of a customer's file is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from PIL import Image

from app.domain.configuration import Configuration, ImageValue, picture_digest
from app.domain.pricing import price_breakdown
from app.domain.product import Product
from app.domain.share_code import encode_share_code
from app.errors import AppError, ConfigurationError
from app.export.spec_sheet import write_spec_sheet
from app.files import write_atomically
from app.personalize.artwork import write_print_artwork
from app.project import Project

__all__ = ["MANIFEST_VERSION", "OrderPackage", "write_order_package"]

MANIFEST_VERSION = 1
_CENTS = Decimal("0.01")

GlbWriter = Callable[[Product, Configuration, Project, Path], object]


@dataclass(frozen=True)
class OrderPackage:
    path: Path
    manifest: dict


def _export_glb(product: Product, configuration: Configuration, project: Project,
                path: Path) -> object:
    from app.export.glb import export_glb

    return export_glb(product, configuration, project, path)


def write_order_package(product: Product, configuration: Configuration, project: Project,
                        path: Path, *, still: Path | Image.Image, issued: dt.date | None = None,
                        credits: Sequence[str] = (), model_glb: Path | None = None,
                        glb_writer: GlbWriter = _export_glb) -> OrderPackage:
    """``path`` as the order zip of ``configuration``, written atomically.

    The GLB is ``model_glb`` when given (already exported), otherwise ``glb_writer`` makes it.
    """
    issued = issued or dt.date.today()
    breakdown = price_breakdown(configuration, product)
    with tempfile.TemporaryDirectory(prefix="order-") as work:
        folder = Path(work)
        (folder / "configuration.json").write_text(configuration.to_json(), encoding="utf-8")
        write_spec_sheet(product, configuration, project, folder / "spec_sheet.pdf",
                         still=still, issued=issued, credits=credits)
        for zone_id, value in configuration.personalization.items():
            try:
                zone = product.zone(zone_id)
            except KeyError:
                raise ConfigurationError(f"unknown personalization zone '{zone_id}'",
                                         field=f"personalization.{zone_id}") from None
            write_print_artwork(zone, value, project.fonts, folder / "artwork",
                                pictures=project.pictures)
        pictures = _copy_pictures(configuration, project, folder / "pictures")
        glb = folder / "model.glb"
        if model_glb is not None:
            if not Path(model_glb).is_file():
                raise AppError("file not found", file=str(model_glb), field="model.glb")
            shutil.copyfile(model_glb, glb)
        else:
            glb_writer(product, configuration, project, glb)
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        manifest = {
            "manifest_version": MANIFEST_VERSION,
            "product_id": product.id,
            "product_name": product.name,
            "configuration_schema_version": configuration.schema_version,
            "share_code": encode_share_code(configuration, product),
            "currency": breakdown.currency,
            "total": str(breakdown.total.quantize(_CENTS)),
            "lines": [{"label": line.label, "amount": str(line.amount.quantize(_CENTS))}
                      for line in breakdown.lines],
            "issued": issued.isoformat(),
            "pictures": pictures,
            "files": [{"path": p.relative_to(folder).as_posix(), "bytes": p.stat().st_size,
                       "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in files],
        }
        (folder / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        stamp = (issued.year, issued.month, issued.day, 0, 0, 0)
        entries = [folder / "manifest.json", *files]
        write_atomically(Path(path), lambda tmp: _zip(tmp, folder, entries, stamp))
    return OrderPackage(Path(path), manifest)


def _copy_pictures(configuration: Configuration, project: Project, folder: Path
                   ) -> list[dict[str, str]]:
    """Each picture of the configuration, as the store keeps it, into ``folder``; the manifest's
    list of which zone shows which picture file."""
    out = []
    for zone_id, value in sorted(configuration.personalization.items()):
        if not isinstance(value, ImageValue):
            continue
        field = f"personalization.{zone_id}"
        data = project.pictures.read(value.image, field=field)
        suffix = project.pictures.path(value.image, field=field).suffix
        target = folder / f"{picture_digest(value.image)}{suffix}"
        if not target.exists():
            folder.mkdir(exist_ok=True)
            target.write_bytes(data)
        out.append({"zone": zone_id, "picture": value.image,
                    "file": target.relative_to(folder.parent).as_posix()})
    return out


def _zip(target: Path, folder: Path, entries: list[Path], stamp: tuple) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            info = zipfile.ZipInfo(entry.relative_to(folder).as_posix(), date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, entry.read_bytes())

