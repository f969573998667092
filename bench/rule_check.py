"""Checking a product's rules: milliseconds to validate the sample products and hostile ones.

"26 options, 1 rule pair" is the 2 KB file that once made `validate` run past 180 s: 26 option
groups of 3 choices and a requires/excludes pair that makes one choice unreachable. "chain of N"
ties N groups together with rules (the worst case for the search, bounded by its time budget).

    .venv/bin/python bench/rule_check.py [--out bench/results/rule_check.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "app" / "builtin"  # the built-in project folder
ROUNDS = 5


def options_product(groups: int, rules: list[dict]):
    from app.domain.product import Product

    return Product.model_validate({
        "id": "many", "name": "Many", "currency": "EUR", "base_price": 1, "model": "m.glb",
        "parts": [{"id": "body", "nodes": ["body"], "material": "m"}],
        "options": [{"id": f"o{i}", "label": f"O{i}", "kind": "material", "parts": ["body"],
                     "choices": [{"id": c, "label": c, "material": "m"} for c in "abc"]}
                    for i in range(groups)],
        "rules": rules})


def cases():
    from app.project import open_project

    catalog = open_project(PROJECT).catalog
    for product_id, product in sorted(catalog.products.items()):
        yield product_id, product, list(catalog.materials)
    pair = [{"kind": "requires", "when": "o3.b", "then": ["o7.c"], "message": "x"},
            {"kind": "excludes", "when": "o7.c", "then": ["o3.b"], "message": "x"}]
    yield "26 options, 1 rule pair", options_product(26, pair), ["m"]
    for n in (8, 12):
        chain = [{"kind": "requires", "when": f"o{i}.a", "then": [f"o{i + 1}.a", f"o{i + 1}.b"],
                  "message": "x"} for i in range(n - 1)]
        yield f"chain of {n}", options_product(n, chain), ["m"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/rule_check.json")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from app.domain.product_checks import product_problems

    rows = []
    for name, product, material_ids in cases():
        times, problems = [], []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            problems = product_problems(product, material_ids)
            times.append((time.perf_counter() - start) * 1000)
        rows.append({"product": name, "groups": len(product.options),
                     "rules": len(product.rules), "median_ms": statistics.median(times),
                     "max_ms": max(times), "problems": len(problems)})
    print(f"{'product':28s} {'groups':>6s} {'rules':>5s} {'median ms':>10s} {'max ms':>8s} "
          f"{'problems':>8s}")
    for row in rows:
        print(f"{row['product']:28s} {row['groups']:6d} {row['rules']:5d} "
              f"{row['median_ms']:10.2f} {row['max_ms']:8.2f} {row['problems']:8d}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": platform.machine(), "rounds": ROUNDS,
                                    "rows": rows}, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
