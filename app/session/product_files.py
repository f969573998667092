"""Which file belongs to which product in a desktop session, and which products have work that
is not in their file. Plain Python; the window asks before that work could be lost."""

from __future__ import annotations

from pathlib import Path

from app.domain.configuration import Configuration


class ProductFiles:
    """Per product: the configuration file it was last saved to or opened from, and the
    configuration that file holds. A product without a file has unsaved work as soon as it
    differs from its default look."""

    def __init__(self):
        self._paths: dict[str, Path] = {}
        self._saved: dict[str, Configuration] = {}

    def path(self, product_id: str) -> Path | None:
        return self._paths.get(product_id)

    def saved(self, product_id: str) -> Configuration | None:
        return self._saved.get(product_id)

    def bind(self, product_id: str, path: Path, configuration: Configuration) -> None:
        """``path`` now holds ``configuration`` of ``product_id``; a product whose file that
        was loses it (its work is unsaved again)."""
        path = Path(path)
        for other, other_path in list(self._paths.items()):
            if other != product_id and _same(other_path, path):
                del self._paths[other]
                self._saved.pop(other, None)
        self._paths[product_id] = path
        self._saved[product_id] = configuration

    def unbind(self, product_id: str) -> None:
        self._paths.pop(product_id, None)
        self._saved.pop(product_id, None)

    def clear(self) -> None:
        self._paths.clear()
        self._saved.clear()

    def baseline(self, product_id: str, default: Configuration) -> Configuration:
        """What discarding the product's changes goes back to."""
        return self._saved.get(product_id, default)

    def modified(self, product_id: str, configuration: Configuration,
                 default: Configuration) -> bool:
        return configuration != self.baseline(product_id, default)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b
