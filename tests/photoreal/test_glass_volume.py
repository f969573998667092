"""Glass with a volume (glTF thickness > 0) on a closed mesh is a solid the still refracts
through, and the light in it is absorbed over the length it travels (Beer-Lambert, glTF's
attenuation colour and distance): a blue glass is bluer where it is thicker and never black.
On an open mesh each surface is a thin wall."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from app.photoreal.material_inputs import volume_absorption
from app.photoreal.render import lit_integrator, render_photoreal
from app.photoreal.scene_build import WorldMesh
from app.photoreal.shape_look import ShapeLook
from app.scene.description import ResolvedMaterial
from app.scene.material_looks import refracts_as_solid
from tests.viewport.scenes import (
    FakeSource,
    drawable,
    scene_of,
    sphere_mesh,
    studio_environment,
    vase_mesh,
    write_radiance_hdr,
)

SIZE = (80, 60)


def glass(name: str, *, thickness: float, colour=(0.3, 0.7, 1.0),
          distance: float = 1.0) -> ResolvedMaterial:
    return ResolvedMaterial(id=name, base_color=(1.0, 1.0, 1.0), metallic=0.0, roughness=0.0,
                            transmission=1.0, ior=1.5, thickness=thickness,
                            attenuation_color=colour, attenuation_distance=distance)


def test_absorption_is_beer_lambert_and_only_for_a_solid_glass():
    absorption = volume_absorption(glass("blue", thickness=0.2, distance=0.5))
    assert absorption == pytest.approx((-math.log(0.3) / 0.5, -math.log(0.7) / 0.5, 0.0),
                                       abs=1e-3)
    assert absorption[2] > 0  # a channel absorbing nothing lost half its light in the still
    assert volume_absorption(glass("thin", thickness=0.0)) is None
    assert volume_absorption(glass("clear", thickness=0.2, distance=math.inf)) is None


def middle_rgb(tmp_path, material: ResolvedMaterial, radius: float = 0.5) -> np.ndarray:
    hdr = write_radiance_hdr(tmp_path / "studio.hdr", studio_environment())
    scene = scene_of([drawable("sphere", material)], str(hdr))
    image = render_photoreal(scene, FakeSource({"sphere": sphere_mesh(radius)}), size=SIZE,
                             spp=32).linear
    h, w = image.shape[:2]
    return image[h // 2 - 5:h // 2 + 5, w // 2 - 5:w // 2 + 5, :3].reshape(-1, 3).mean(axis=0)


def test_a_blue_glass_solid_is_blue_and_lets_the_blue_through(tmp_path):
    clear = middle_rgb(tmp_path, glass("clear", thickness=1.0, colour=(1.0, 1.0, 1.0)))
    blue = middle_rgb(tmp_path, glass("blue", thickness=1.0))
    # one metre of it keeps 0.3 of the red, 0.7 of the green and all of the blue
    assert blue[2] > 1.8 * blue[0]
    assert blue[2] == pytest.approx(clear[2], rel=0.1)  # not black (it was, on volpath)
    assert blue[1] == pytest.approx(0.7 * clear[1], rel=0.1)
    assert blue[0] == pytest.approx(0.3 * clear[0], rel=0.2)


def test_the_still_traces_an_absorbing_glass_with_spectral_mis():
    def mesh(look):
        return WorldMesh("m", np.zeros((3, 3), np.float32), np.zeros((1, 3), np.uint32), None,
                         None, look)

    assert lit_integrator([mesh(ShapeLook({"type": "principled"}))]) == "path"
    assert lit_integrator([mesh(ShapeLook({"type": "principled"},
                                          absorption=(1.0, 0.5, 0.0)))]) == "volpathmis"


def test_a_clear_glass_with_a_thickness_is_a_solid_where_its_mesh_is_closed(tmp_path):
    """glTF's thickness says a transmissive material bounds a volume, whether or not it
    absorbs: light refracts into a closed mesh of it and leaves by a second surface, each
    passing the square root of the base colour (a grey solid passes it once); through an
    open mesh it would never leave, so each of its surfaces is a thin wall (passing it at
    each). The share passed shows as the transparent background's alpha at the middle."""
    hdr = write_radiance_hdr(tmp_path / "studio.hdr", studio_environment())
    sphere = sphere_mesh()

    def passed(material: ResolvedMaterial, mesh) -> float:
        image = render_photoreal(scene_of([drawable("sphere", material)], str(hdr)),
                                 FakeSource({"sphere": mesh}), size=SIZE, spp=32,
                                 transparent=True).display
        h, w = image.shape[:2]
        return 1.0 - float(image[h // 2 - 4:h // 2 + 4, w // 2 - 4:w // 2 + 4, 3].mean())

    grey = ResolvedMaterial("grey glass", base_color=(0.25, 0.25, 0.25), roughness=0.05,
                            transmission=1.0, ior=1.5)
    solid = dataclasses.replace(grey, thickness=0.01)
    vase = vase_mesh()
    assert sphere.closed and not vase.closed
    # less what each surface reflects head on (4 %)
    assert passed(solid, sphere) == pytest.approx(0.25 * 0.96 ** 2, abs=0.03)
    assert passed(grey, sphere) == pytest.approx(0.25 ** 2 * 0.96 ** 2, abs=0.02)
    assert passed(solid, vase) == pytest.approx(0.25 ** 2 * 0.96 ** 2, abs=0.02)


def test_only_glass_with_a_thickness_asks_whether_its_mesh_is_closed():
    """Whether a mesh closes a solid takes a pass over all its triangles: no opaque part and
    no thin glass is measured for it."""
    class Unasked:
        @property
        def closed(self) -> bool:
            raise AssertionError("a mesh that cannot be a solid was measured")

    class Closed:
        closed = True

    assert not refracts_as_solid(ResolvedMaterial("paint"), Unasked())
    assert not refracts_as_solid(glass("thin", thickness=0.0), Unasked())
    assert refracts_as_solid(glass("solid", thickness=0.1), Closed())
