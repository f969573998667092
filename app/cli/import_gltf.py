"""``app import-gltf``: a glTF/GLB with material variants -> a product of the project."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.importers.gltf_variants import import_gltf_variants


def add_import_gltf_parser(sub) -> None:
    parser = sub.add_parser("import-gltf",
                            help="make a product file from a glTF/GLB with material variants")
    parser.add_argument("model", type=Path, help="a .gltf or .glb with KHR_materials_variants")
    parser.add_argument("--id", required=True, help="product id (lower-case, digits, '_')")
    parser.add_argument("--name", help="display name (default: from the id)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing product")
    parser.add_argument("--asset-root", type=Path, action="append", default=[], metavar="DIR",
                        help="a folder besides the model's own that its files may come from")


def run_import_gltf(args: argparse.Namespace, root: Path) -> int:
    result = import_gltf_variants(args.model, root, args.id, name=args.name,
                                  overwrite=args.overwrite, asset_roots=args.asset_root)
    print(f"wrote {result.product_file}")
    print(f"copied {result.model_file}")
    for path in result.material_files:
        print(f"wrote {path}")
    print(f"variants: {', '.join(result.variants)}")
    return 0
