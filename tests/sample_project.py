"""A copy of the built-in project to change in tests: the mug with one rule, and a tumbler
made from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

BUILTIN = Path(__file__).resolve().parents[1] / "app" / "builtin"
ANGULAR_RULE = {
    "kind": "excludes",
    "when": "handle.angular",
    "then": ["interior.yellow"],
    "message": "The modern handle is not made with a yellow inside.",
}


def write_project(root: Path) -> Path:
    shutil.copytree(BUILTIN / "assets", root / "assets")
    (root / "configs").mkdir()
    mug = yaml.safe_load((BUILTIN / "configs" / "mug.yaml").read_text(encoding="utf-8"))
    mug["rules"] = [ANGULAR_RULE]
    (root / "configs" / "mug.yaml").write_text(yaml.safe_dump(mug, sort_keys=False),
                                               encoding="utf-8")
    tumbler = {**mug, "id": "tumbler", "name": "Espresso cup", "rules": [], "zones": [],
               "presets": []}
    (root / "configs" / "tumbler.yaml").write_text(yaml.safe_dump(tumbler, sort_keys=False),
                                                   encoding="utf-8")
    return root
