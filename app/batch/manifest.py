"""The manifest of a batch: one row per image, as CSV and JSON, written atomically."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from app.domain.configuration import Configuration
from app.domain.pricing import price_breakdown
from app.domain.product import Product
from app.domain.share_code import encode_share_code
from app.files import spreadsheet_text, write_bytes_atomically

CSV_NAME = "manifest.csv"
JSON_NAME = "manifest.json"
CSV_FIELDS = ("file", "status", "share_code", "product", "view", "options", "price",
              "currency", "key", "error")


@dataclass
class ManifestRow:
    file: str  # relative to the output folder
    status: str  # rendered, skipped (already there), composited, failed
    share_code: str
    product: str
    view: str
    options: dict[str, str]  # option group label -> choice label (with a free colour)
    price: str  # total, two decimals
    currency: str
    key: str
    error: str = ""


@dataclass(frozen=True)
class ConfigurationFacts:
    """What every image of one configuration shares in the manifest."""

    share_code: str
    options: dict[str, str]
    price: str
    currency: str


def configuration_facts(configuration: Configuration, product: Product) -> ConfigurationFacts:
    options = {}
    for group in product.options:
        choice = group.choice(configuration.selections[group.id])
        label = choice.label
        if choice.free_colour is not None and group.id in configuration.colours:
            label += f" {configuration.colours[group.id]}"
        options[group.label] = label
    breakdown = price_breakdown(configuration, product)
    return ConfigurationFacts(encode_share_code(configuration, product), options,
                              f"{breakdown.total:.2f}", breakdown.currency)


def csv_cell(value: object) -> object:
    """A cell as a spreadsheet reads it, never as a formula: text from outside (labels of a
    product file, error messages) that starts with ``=``, ``+``, ``-``, ``@`` or a control
    character gets a leading apostrophe."""
    return spreadsheet_text(value) if isinstance(value, str) else value


def write_manifest(rows: list[ManifestRow], folder: Path) -> tuple[Path, Path]:
    """``manifest.csv`` (options as ``Group: Choice; ...``) and ``manifest.json``."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        data = asdict(row)
        data["options"] = "; ".join(f"{k}: {v}" for k, v in row.options.items())
        writer.writerow({k: csv_cell(v) for k, v in data.items()})
    csv_path = write_bytes_atomically(folder / CSV_NAME, text.getvalue().encode("utf-8"))
    document = {"images": [asdict(row) for row in rows]}
    json_path = write_bytes_atomically(folder / JSON_NAME, (json.dumps(document, indent=2,
                                                             ensure_ascii=False) + "\n")
                             .encode("utf-8"))
    return csv_path, json_path
