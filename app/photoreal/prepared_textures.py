"""The bitmaps a still prepares from a product's textures (linear colour with a metal's gain,
scaled normal maps, roughness and metal channels, decal layers), kept between stills.

Preparing them takes a large share of a still of a heavily textured model (1.6 s of 3.5 s for
the shoe's 2K textures at 4 samples); a rep makes several stills of one product (another
camera, more samples, the turntable's frames), and each would prepare the same bitmaps again.
They are kept for the process, least recently used dropped first past ``MAX_BYTES``. A key
names everything the pixels are made from: the textures by their pixels' digest (so an edited
texture is prepared anew), the material's factors by value, and the Mitsuba variant.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import numpy as np

MAX_BYTES = 1 << 30  # about twenty 2K RGB bitmaps


class PreparedTextures:
    """Mitsuba bitmaps by key, at most ``max_bytes`` of pixels, least recently used dropped."""

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = int(max_bytes)
        self._bitmaps: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._bitmaps)

    def bitmap(self, mi, key: Hashable, pixels: np.ndarray | Callable[[], np.ndarray]):
        """The ``mi.Bitmap`` of ``key``: kept, or made from ``pixels`` (an array, or what
        makes it: called only when the bitmap is not kept) as float32."""
        full_key = (mi.variant(), key)
        with self._lock:
            kept = self._bitmaps.get(full_key)
            if kept is not None:
                self._bitmaps.move_to_end(full_key)
                self.hits += 1
                return kept[0]
        array = np.ascontiguousarray(pixels() if callable(pixels) else pixels, dtype=np.float32)
        bitmap = mi.Bitmap(array)
        with self._lock:
            self.misses += 1
            if full_key not in self._bitmaps:
                self._bitmaps[full_key] = (bitmap, array.nbytes)
                self._bytes += array.nbytes
            while self._bytes > self.max_bytes and len(self._bitmaps) > 1:
                _, (_, size) = self._bitmaps.popitem(last=False)
                self._bytes -= size
        return bitmap

    def clear(self) -> None:
        with self._lock:
            self._bitmaps.clear()
            self._bytes = 0


PREPARED = PreparedTextures()
