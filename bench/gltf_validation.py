"""Khronos' glTF Validator over the app's GLB exports: each sample product (``app export``) and
each model of bench/fidelity.py's table as the app resolves it (its GLB export, as an AR file a
customer takes home), with the errors, warnings and infos the validator reports and the codes
of the errors and warnings; bench/results/gltf_validation.json.

    .venv/bin/python bench/gltf_validation.py --setup   # once: npm install gltf-validator
    .venv/bin/python bench/gltf_validation.py [--only NAME ...] [--keep FOLDER]

The validator is the npm package ``gltf-validator`` (Khronos' reference, compiled to
JavaScript), installed into bench/.gltf-validator (git-ignored) and run with the machine's
Node.js; it is a tool of this bench, never a dependency of the app or its tests.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import platform
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
VALIDATOR = REPO / "bench" / ".gltf-validator"
OUT = REPO / "bench" / "results" / "gltf_validation.json"
# reads each GLB named on the command line; prints one JSON line per file
SCRIPT = """
const { validateBytes } = require('gltf-validator');
const { readFileSync } = require('fs');
(async () => {
  for (const f of process.argv.slice(1)) {  // node -e: the files follow node
    const report = await validateBytes(new Uint8Array(readFileSync(f)), {maxIssues: 1000});
    const codes = report.issues.messages.filter(m => m.severity <= 1)
      .map(m => `${m.severity === 0 ? 'error' : 'warning'} ${m.code}`);
    console.log(JSON.stringify({file: f, errors: report.issues.numErrors,
      warnings: report.issues.numWarnings, infos: report.issues.numInfos, codes}));
  }
})();
"""


def setup() -> int:
    npm = shutil.which("npm")
    if npm is None:
        print("needs Node.js and npm", file=sys.stderr)
        return 1
    VALIDATOR.mkdir(parents=True, exist_ok=True)
    subprocess.run([npm, "install", "--prefix", str(VALIDATOR), "gltf-validator"], check=True)
    return 0


def export_model(source: list[str], out: Path) -> str | None:
    """``source`` (``--product ID`` or ``--model FILE``) exported as a GLB at ``out``; the
    error, if any."""
    from app.cli import main
    from app.export.export_meshes import collect_export_scene
    from app.export.glb import glb_bytes

    if source[0] == "--product":
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = main(["export", "--product", source[1], "--format", "glb", "--out", str(out)])
        return None if code == 0 else f"export exited {code}"
    from bench.reference_cycles import resolve

    with contextlib.redirect_stderr(io.StringIO()):
        resolved = resolve(source, (480, 360))
    out.write_bytes(glb_bytes(collect_export_scene(resolved.scene, resolved.assets)))
    return None


def validate(files: list[Path]) -> dict[str, dict]:
    node = shutil.which("node")
    if node is None or not (VALIDATOR / "node_modules" / "gltf-validator").is_dir():
        raise SystemExit("no validator: run bench/gltf_validation.py --setup (Node.js, npm)")
    done = subprocess.run([node, "-e", SCRIPT, *map(str, files)], capture_output=True,
                          text=True, check=True, cwd=VALIDATOR,
                          env={"NODE_PATH": str(VALIDATOR / "node_modules")})
    reports = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return {report["file"]: report for report in reports}


def main() -> int:
    from bench.fidelity import cases

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="store_true", help="npm install gltf-validator")
    parser.add_argument("--only", nargs="*", help="rows of bench/fidelity.py's table")
    parser.add_argument("--keep", type=Path, help="a folder to keep the exports in")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.setup:
        return setup()
    chosen = {name: source for name, source in cases().items()
              if not args.only or name in args.only}
    folder = args.keep or Path(tempfile.mkdtemp(prefix="gltf_validation_"))
    folder.mkdir(parents=True, exist_ok=True)
    files, errors = {}, {}
    for index, (name, source) in enumerate(chosen.items()):
        path = folder / f"{index:03d}.glb"
        try:
            error = export_model(source, path)
        except Exception as failure:  # a row that cannot be exported is reported, not fatal
            error = f"{type(failure).__name__}: {failure}"
        if error is None:
            files[name] = path
        else:
            errors[name] = error
    reports = validate(list(files.values()))
    rows = []
    for name in chosen:
        report = reports.get(str(files[name])) if name in files else None
        row = {"case": name, "export_error": errors.get(name)}
        if report is not None:
            row.update(errors=report["errors"], warnings=report["warnings"],
                       infos=report["infos"], codes=dict(Counter(report["codes"])))
        rows.append(row)
        shown = (f"export failed: {row['export_error']}" if row["export_error"] else
                 f"errors {row['errors']:3d}  warnings {row['warnings']:3d}  infos "
                 f"{row['infos']:3d}  {', '.join(sorted(row['codes'])) or ''}")
        print(f"{name:45} {shown}", flush=True)
    clean = sum(1 for r in rows if not r["export_error"] and r["errors"] == 0
                and r["warnings"] == 0)
    print(f"\n{clean} of {len(rows)} exports with no error and no warning")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"rows": rows, "python": platform.python_version()},
                                   indent=2) + "\n")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
