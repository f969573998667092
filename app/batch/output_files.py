"""Leftovers of killed batch runs: temporary files found and removed on the next run."""

from __future__ import annotations

from pathlib import Path

from app.files import leftover_temporaries


def remove_temporaries(folder: Path) -> int:
    """Delete the temporary files that a killed run left behind; how many were found."""
    leftovers = leftover_temporaries(folder)
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    return len(leftovers)
