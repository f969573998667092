"""Where a product file may point: asset references resolved inside the project's folders."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.errors import AssetError


def resolve_asset_path(
    reference: str,
    *,
    base_dir: Path,
    allowed_roots: Sequence[Path],
    file_label: str,
    field: str,
) -> Path:
    """The existing file ``reference`` names, relative to ``base_dir`` (the product file's folder)
    or, failing that, to the first allowed root (the project root).

    Symlinks are resolved before the check, so a link that points out of every allowed root is
    refused like a ``../`` escape or an absolute path elsewhere.
    """
    text = reference.strip()
    if not text:
        raise AssetError("expected a file name, got an empty string", file=file_label, field=field)
    if "\x00" in text:
        raise AssetError(f"{reference!r} is not a valid file name", file=file_label, field=field)
    roots = [Path(r).resolve() for r in allowed_roots]
    if not roots:
        raise AssetError("no asset folders are allowed", file=file_label, field=field)

    candidate = Path(text).expanduser()
    if candidate.is_absolute():
        candidates = [candidate]
    else:
        candidates = [Path(base_dir) / candidate, roots[0] / candidate]

    resolved = [c.resolve() for c in candidates]
    inside = [r for r in resolved if any(r.is_relative_to(root) for root in roots)]
    if not inside:
        raise AssetError(
            f"{reference!r} leaves the project's asset folders", file=file_label, field=field
        )
    for path in inside:
        if path.is_file():
            return path
    if any(p.is_file() for p in resolved):
        raise AssetError(
            f"{reference!r} leaves the project's asset folders", file=file_label, field=field
        )
    raise AssetError(f"file not found: {reference!r}", file=file_label, field=field)
