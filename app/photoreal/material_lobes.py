"""The glTF extension lobes on Mitsuba's principled BSDF: specular (as the IOR of equal F0),
sheen; unlit materials as a black surface whose glow the emission pass draws.

Each function changes the principled dictionary in place and says through ``approximate``
what it draws otherwise than glTF means."""

from __future__ import annotations

from collections.abc import Callable

from app.scene.description import ResolvedMaterial
from app.scene.material_looks import specular_ior

Approximate = Callable[[str, str], None]  # (material id, what is drawn otherwise)


def glossy_ior(m: ResolvedMaterial) -> float:
    """``eta`` for the principled BSDF (Mitsuba takes eta or specular, not both): glTF's IOR,
    or with KHR_materials_specular the IOR of equal reflectance at normal incidence."""
    return specular_ior(m)


def unlit_bsdf() -> dict:
    """An unlit surface: black and without reflection; its colour is the emission pass's."""
    return {"type": "diffuse", "reflectance": {"type": "rgb", "value": [0.0, 0.0, 0.0]}}


def add_extension_lobes(principled: dict, m: ResolvedMaterial, approximate: Approximate,
                        *, layered_sheen: bool = False) -> None:
    """Sheen (unless it is drawn as a layer of its own, ``sheen_layer``) on ``principled``."""
    if any(m.sheen_color) and not layered_sheen:
        strongest = max(m.sheen_color)
        principled["sheen"] = float(min(strongest, 1.0))
        # Disney's sheen is white or the base colour; a coloured sheen tints toward the base
        principled["sheen_tint"] = float(1.0 - min(m.sheen_color) / strongest)
        approximate(m.id, "sheen drawn as the principled BSDF's (strength from the sheen "
                    "colour, its roughness left out)")
