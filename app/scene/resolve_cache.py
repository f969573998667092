"""What resolving a scene can keep between two configurations of the same product: the meshes
each part draws (with their bounds) and the resolved materials.

Entries hold the product and material objects they were made from and are used only while the
catalog still holds those same objects, and while the asset store still serves the same loaded
model (a model file saved again is a new model). A reloaded product file or material library
therefore starts afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from app.assets.mesh import Model
from app.domain.material import Material
from app.domain.product import Product
from app.errors import AppError
from app.scene.description import GeometryRef, ResolvedMaterial

MAX_MATERIALS = 512  # free colours make new tints without end


@dataclass(frozen=True)
class PartGeometry:
    refs: tuple[GeometryRef, ...]
    hulls: tuple[np.ndarray, ...]  # convex hull points (M, 3) per ref, in the part's space


@dataclass(frozen=True)
class _ProductEntry:
    product: Product
    models: tuple[tuple[Model, Callable[[], Model]], ...]  # loaded model, how to ask for it now
    parts: tuple[PartGeometry, ...]
    placements: dict[tuple[str, tuple[str, ...]], tuple[tuple, np.ndarray]] = field(
        default_factory=dict)  # (part, its transform choices) -> (transform, moved corners)


class ResolveCache:
    def __init__(self) -> None:
        self._products: dict[str, _ProductEntry] = {}
        self._materials: OrderedDict[tuple[str, str | None], tuple[Material, ResolvedMaterial]]
        self._materials = OrderedDict()
        self._lock = threading.Lock()

    def parts(self, product: Product,
              build: Callable[[], tuple[tuple[PartGeometry, ...],
                                        tuple[tuple[Model, Callable[[], Model]], ...]]]
              ) -> tuple[PartGeometry, ...]:
        """The geometry of every part of ``product``, built by ``build`` when not known."""
        with self._lock:
            entry = self._products.get(product.id)
        if entry is not None and entry.product is product and self._same_models(entry):
            return entry.parts
        parts, models = build()
        with self._lock:
            self._products[product.id] = _ProductEntry(product, models, parts)
        return parts

    def placement(self, product: Product, part_id: str, choices: tuple[str, ...],
                  build: Callable[[], tuple[tuple, np.ndarray]]) -> tuple[tuple, np.ndarray]:
        """A part's transform and moved hull points for the transform ``choices`` that apply to it
        (after ``parts`` for the same product)."""
        with self._lock:
            entry = self._products.get(product.id)
        if entry is None or entry.product is not product:
            return build()
        key = (part_id, choices)
        placed = entry.placements.get(key)
        if placed is None:
            placed = entry.placements[key] = build()
        return placed

    @staticmethod
    def _same_models(entry: _ProductEntry) -> bool:
        try:
            return all(current() is model for model, current in entry.models)
        except AppError:  # gone or unreadable now: building again says so with the field
            return False

    def material(self, material: Material, tint: str | None,
                 build: Callable[[], ResolvedMaterial]) -> ResolvedMaterial:
        key = (material.id, tint)
        with self._lock:
            cached = self._materials.get(key)
            if cached is not None and cached[0] is material:
                self._materials.move_to_end(key)
                return cached[1]
        resolved = build()
        with self._lock:
            self._materials[key] = (material, resolved)
            self._materials.move_to_end(key)
            while len(self._materials) > MAX_MATERIALS:
                self._materials.popitem(last=False)
        return resolved
