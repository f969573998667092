"""PyVista/VTK backend: SceneDescription -> actors and pixels.

PyVista imports ``matplotlib.pyplot`` when it is imported (about half a second, most of the
start-up's imports) and uses it only to answer for colour cycles and charts, which this app never
asks for; the package puts a stand-in there that imports the real module on first use.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

PYPLOT = "matplotlib.pyplot"


class _PyplotWhenUsed(types.ModuleType):
    """``matplotlib.pyplot`` until something asks it for a name: then the real module, which
    takes its place in ``sys.modules``, answers (this and every later question)."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if sys.modules.get(PYPLOT) is self:
            del sys.modules[PYPLOT]
        return getattr(importlib.import_module(PYPLOT), name)


def _load_pyplot_when_used() -> None:
    if PYPLOT in sys.modules:
        return
    spec = importlib.util.find_spec(PYPLOT)
    if spec is None:
        return
    stand_in = _PyplotWhenUsed(PYPLOT)
    stand_in.__spec__ = spec
    stand_in.__file__ = spec.origin
    sys.modules[PYPLOT] = stand_in


_load_pyplot_when_used()
