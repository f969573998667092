"""Hand-off timings: spec sheet PDF, order package (with a given GLB), and the share server
answering requests for a still and a model over loopback.

The mug with text and a picture; the still is a committed reference image, so rendering is not
measured here (see bench/first_frame.py). Server: sequential requests, one connection each.

    .venv/bin/python bench/handoff.py [--repeat 5] [--requests 200]
        [--out bench/results/handoff.json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "app" / "builtin"  # the built-in project folder
STILL = REPO / "tests" / "reference_images" / "mug_white_hero.png"
PICTURE = "assets/materials/swatches/sunburst.png"


def _median_ms(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "handoff.json")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from app.domain.configuration import ImageValue, TextValue, complete, default_configuration
    from app.export.order_package import write_order_package
    from app.export.share_server import ShareLimits, ShareServer
    from app.export.spec_sheet import spec_sheet_pdf
    from app.project import open_project

    project = open_project(PROJECT)
    product = project.catalog.product("mug")
    picture = project.pictures.add_file(PROJECT / PICTURE)
    configuration = complete(default_configuration(product)
                             .with_zone("wrap_text", TextValue(text="Anna & Ben", font="script"))
                             .with_zone("photo_print", ImageValue(image=picture)), product)
    issued = dt.date(2025, 1, 1)
    rows = []
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        glb = folder / "model.glb"
        glb.write_bytes(b"glTF" + bytes(2_000_000))
        rows.append(("spec sheet PDF", _median_ms(
            lambda: spec_sheet_pdf(product, configuration, project, still=STILL,
                                   issued=issued), args.repeat), "ms"))
        rows.append(("order package (2 MB GLB given)", _median_ms(
            lambda: write_order_package(product, configuration, project, folder / "o.zip",
                                        still=STILL, issued=issued, model_glb=glb),
            args.repeat), "ms"))
        limit = args.requests * 3  # one client asks for everything: lift the limits
        with ShareServer("127.0.0.1", 0, max_requests_per_share=limit,
                         limits=ShareLimits(requests_per_client=limit)) as server:
            share = server.add_share({"still.png": STILL, "model.glb": glb}, minutes=5)
            port = server.server_address[1]
            for name in ("still.png", "model.glb"):
                path = f"/s/{share.token}/{name}"

                def fetch(path=path):
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    conn.request("GET", path)
                    response = conn.getresponse()
                    response.read()
                    conn.close()
                    assert response.status == 200

                start = time.perf_counter()
                for _ in range(args.requests):
                    fetch()
                seconds = time.perf_counter() - start
                rows.append((f"server GET {name}", args.requests / seconds, "requests/s"))
    print(f"{'measure':34} {'value':>10}  unit")
    for label, value, unit in rows:
        print(f"{label:34} {value:10.1f}  {unit}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "machine": platform.platform(), "python": platform.python_version(),
        "repeat": args.repeat, "requests": args.requests,
        "rows": [{"measure": m, "value": round(v, 2), "unit": u} for m, v, u in rows],
    }, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
