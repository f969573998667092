"""The Qt widget VTK draws the live view in: pyvistaqt's ``QVTKRenderWindowInteractor`` (a
``QOpenGLWidget`` around a ``vtkGenericOpenGLRenderWindow``, in ``pyvistaqt.rwi``).

pyvistaqt's package ``__init__`` imports its plotting module for ``QtInteractor`` and
``BackgroundPlotter``, and with it PyVista and PyVista's plotting and matplotlib; the widget's
module needs only ``pyvista._vtk`` (VTK's classes). Together that is most of a second of the
app's start, for classes this app does not use. So both packages are put in place without
running their ``__init__``: their submodules import as usual, and a package's ``__init__`` runs
the first time anything asks the package itself for a name (``from pyvistaqt import
QtInteractor`` and ``pyvista.PolyData`` work as ever). A package already imported is left
alone.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from pathlib import Path

PACKAGES = ("pyvista", "pyvistaqt")


class _PackageInitWhenUsed(types.ModuleType):
    """A package whose ``__init__`` runs on the first question for one of its own names; a
    submodule's name imports the submodule (as the import system does when it asks)."""

    def __getattr__(self, name: str):
        if name.startswith("__") and name not in ("__version__", "__all__"):
            raise AttributeError(name)
        if self._is_submodule(name):
            return importlib.import_module(f"{self.__name__}.{name}")
        if not self.__dict__.get("_init_ran"):
            self.__dict__["_init_ran"] = True
            self.__spec__.loader.exec_module(self)
            if name in self.__dict__:
                return self.__dict__[name]
            module_getattr = self.__dict__.get("__getattr__")  # the package's own (PEP 562)
            if module_getattr is not None:
                return module_getattr(name)
        raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")

    def _is_submodule(self, name: str) -> bool:
        return any((Path(folder) / f"{name}.py").is_file()
                   or (Path(folder) / name / "__init__.py").is_file()
                   for folder in self.__path__)


def _put_package_in_place(name: str) -> None:
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    package = _PackageInitWhenUsed(name)
    package.__spec__ = spec
    package.__loader__ = spec.loader
    package.__file__ = spec.origin
    package.__path__ = list(spec.submodule_search_locations)
    package.__package__ = name
    sys.modules[name] = package


for _package in PACKAGES:
    _put_package_in_place(_package)

from pyvistaqt.rwi import QVTKRenderWindowInteractor  # noqa: E402 (after the packages)

__all__ = ["QVTKRenderWindowInteractor"]
