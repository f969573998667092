"""What the renderers draw otherwise than a material says, in words for the designer.

The live view (VTK) has no refraction, sheen lobe or thin film along each ray, and the
photoreal still (Mitsuba's principled BSDF) tints no reflection of glass: for each, the nearest
look is chosen (``material_looks``, the backends), and the note says which. The notes are made
from the scene's ``ResolvedMaterial``, so a catalog material and a model file's own say the
same; the problems panel shows them and the command line prints them.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.assets.thickness import absorbs_in_its_volume
from app.scene.description import ResolvedMaterial
from app.scene.material_looks import metal_stops_light


def material_notes(m: ResolvedMaterial) -> tuple[str, ...]:
    """Each way ``m`` is drawn otherwise than it says, as a phrase to follow its name."""
    if m.unlit:
        return ("unlit, drawn as its base colour glowing (it lights nothing and takes no "
                "light)",)
    notes = []
    if any(m.emissive):
        notes.append("glows and lights what is around it; the live view lights it from one "
                     "point at the glowing part's centre, without shadows (the photoreal still "
                     "from the glowing surface itself)")
    transmissive = metal_stops_light(m).transmission > 0
    if transmissive:
        volume = (", and its volume's attenuation as a tint of it (the colour light takes "
                  "through the material's thickness)") if absorbs_in_its_volume(m) else ""
        notes.append("the live view draws it partly transparent, without refraction: what is "
                     f"seen through it is tinted by its colour{volume}, not bent (the photoreal "
                     "still refracts)")
    if tuple(m.specular_color) != (1.0, 1.0, 1.0) and (transmissive or m.anisotropy > 0):
        notes.append("the photoreal still draws its specular colour as its brightness on a "
                     "transmissive or anisotropic surface (reflections keep their own colour)")
    if any(m.sheen_color):
        notes.append("the live view has no sheen lobe; it draws the share of the environment's "
                     "light a glTF sheen reflects at each angle of view, the base giving way by "
                     "it (the photoreal still draws glTF's sheen lobe)")
    if m.iridescence > 0:
        notes.append("the live view colours its reflections by the thin film as seen along the "
                     "view at each pixel (the still: along each ray)")
        if transmissive:
            notes.append("its thin film is drawn over the glass's own reflection (the glass "
                         "lets through what the film leaves)")
    return tuple(notes)


def named_notes(materials: Iterable[tuple[str, str, ResolvedMaterial]]) -> list[str]:
    """Each note of each (file, name, material), as ``"<file>: <names>: <note>"``: the
    materials of one file that share a note are named together (a material that is a file of
    its own has no name: ``"<file>: <note>"``)."""
    names: dict[tuple[str, str], list[str]] = {}
    for file, name, material in materials:
        for note in material_notes(material):
            named = names.setdefault((file, note), [])
            if name not in named:
                named.append(name)
    return [": ".join([file, *([", ".join(n for n in named if n)] if any(named) else []), note])
            for (file, note), named in names.items()]
