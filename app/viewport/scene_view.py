"""SceneDescription -> VTK actors in a render window, and scene changes applied to them in place."""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np
from vtkmodules.vtkCommonMath import vtkMatrix4x4
from vtkmodules.vtkRenderingCore import vtkActor, vtkLight, vtkPolyDataMapper

from app.assets.mesh import MeshData
from app.scene.changes import (
    DecalAdded,
    DecalChanged,
    DecalRemoved,
    DrawableAdded,
    DrawableRemoved,
    MaterialChanged,
    SceneChange,
    TransformChanged,
    VisibilityChanged,
)
from app.scene.description import (
    OVERHEAD_SOFTBOX,
    Camera,
    Decal,
    Drawable,
    Environment,
    Matrix4,
    ResolvedMaterial,
    SceneDescription,
)
from app.scene.diff import diff
from app.scene.environment import seen_from_below
from app.scene.framing import half_view_tangents
from app.scene.geometry_source import GeometrySource
from app.scene.glow_lights import GlowLight, glow_light
from app.scene.material_looks import refracts_as_solid
from app.viewport import environment_occlusion
from app.viewport.decals import DrawnDecal, build_decal_actor, update_decal_actor
from app.viewport.glass_tint import drawn_thickness, set_tint, tint_actor, transmitted_colour
from app.viewport.ground_shadow import GroundShadow, ShadowCaster
from app.viewport.lighting import (
    ToneMappedPasses,
    environment_key,
    load_environment_texture,
    use_environment,
)
from app.viewport.materials import apply_material
from app.viewport.pixels import read_pixels
from app.viewport.polydata import COLORS, mesh_to_polydata
from app.viewport.screen_reflections import ScreenCopy
from app.viewport.vtk_textures import TextureCache


@dataclass
class DrawnPart:
    """One drawable on screen: its actor and what it was built from."""

    actor: vtkActor
    mesh: MeshData
    drawable: Drawable
    tint: vtkActor | None = None  # glass: tints what is seen through it (glass_tint)
    shade: np.ndarray | None = None  # the studio's light other parts let through, per vertex


def vtk_matrix(transform: Matrix4) -> vtkMatrix4x4:
    matrix = vtkMatrix4x4()
    matrix.DeepCopy([float(v) for row in transform for v in row])
    return matrix


class SceneView:
    """Draws a SceneDescription on ``window``: anything with a ``renderer`` and the render window
    it draws in, ``ren_win`` (an ``OffScreenWindow``, the live view's widget).

    Lighting is image-based, tone mapped with PBR Neutral, and each glowing part lights what
    is around it as a point light (``app.scene.glow_lights``); ``fxaa`` smooths edges for the
    live view (stills supersample instead).
    """

    def __init__(
        self, window, source: GeometrySource, *, exposure: float = 1.0, fxaa: bool = True
    ):
        self.ren_win = window.ren_win
        self.renderer = window.renderer
        self.source = source
        self.ren_win.SetMultiSamples(0)
        self.passes = ToneMappedPasses(exposure=exposure, fxaa=fxaa)
        self.passes.install(self.renderer)
        self.textures = TextureCache(source.texture)
        self.parts: dict[str, DrawnPart] = {}
        self.decals: dict[str, DrawnDecal] = {}
        # per glowing part shown: the drawable its light was worked out for, the light, VTK's
        self.glow_lights: dict[str, tuple[Drawable, GlowLight, vtkLight]] = {}
        self.screen = ScreenCopy(self.renderer, self.passes)
        self.ground = GroundShadow()
        self.renderer.AddActor(self.ground.actor)
        self.environment: Environment | None = None
        self.scene: SceneDescription | None = None  # the scene shown last, all of it
        self._environment_key: tuple[str, float] | None = None
        self._environment_texture = None
        self._turned_over = False  # the studio turned over for a camera below the ground
        # what the parts hide of the studio from one another (environment_occlusion): the
        # scene it was worked out for, and the last few worked out, by scene
        self._occlusion_shown: tuple | None = None
        self._occlusion_kept: OrderedDict[tuple, dict[str, np.ndarray]] = OrderedDict()
        self._part_points: dict[str, tuple] = {}  # per part: its place, its vertices' tree
        self.shades_parts = True  # whether a snapshot shows what parts hide from one another
        self.camera_fov_deg = self.renderer.GetActiveCamera().GetViewAngle()  # as placed

    @property
    def actors(self) -> dict[str, vtkActor]:
        return {drawable_id: part.actor for drawable_id, part in self.parts.items()}

    # building -------------------------------------------------------------------------------

    def present(self, scene: SceneDescription) -> list[SceneChange] | None:
        """Show ``scene``: another product's is built whole (None), the same product's only
        changes what differs from the scene shown last (the changes applied)."""
        last = self.scene
        if last is None or last.product_id != scene.product_id:
            self.show(scene)
            return None
        changes = diff(last, scene)
        self.apply(changes)
        if scene.environment != last.environment:
            self.set_environment(scene.environment)
        self.scene = scene
        return changes

    def show(self, scene: SceneDescription) -> None:
        """Replace whatever is shown by ``scene`` (one actor per drawable)."""
        self.screen.forget()
        self._part_points.clear()
        for drawable_id in list(self.parts):
            self._remove(drawable_id)
        for drawable in scene.drawables:
            self._add(drawable)
        for decal_id in list(self.decals):
            self._remove_decal(decal_id)
        for decal in scene.decals:
            self._add_decal(decal)
        self.set_environment(scene.environment)
        self._update_ground(new_scene=True)
        self._update_glow_lights()
        self.scene = scene

    def set_environment(self, environment: Environment) -> None:
        """Background colour, ground on/off, and the IBL texture (made again only when the
        file or intensity changes)."""
        self.screen.changed()
        key = environment_key(environment)
        if key != self._environment_key:
            self._environment_texture = load_environment_texture(
                environment.hdr_path, environment.intensity
            )
            self._environment_key = key
        use_environment(self.renderer, self._environment_texture, environment.rotation_deg,
                        turned_over=self._turned_over)
        self.renderer.SetBackground(*environment.background)
        light_changed = (self.environment is not None
                         and self.environment.shadow_light != environment.shadow_light)
        self.environment = environment
        if light_changed:
            self._update_ground()
        self.ground.actor.SetVisibility(environment.ground and self.ground.shadow is not None)

    def _add(self, drawable: Drawable) -> None:
        if drawable.id in self.parts:
            self._remove(drawable.id)
        mesh = self.source.mesh(drawable.geometry)
        mapper = vtkPolyDataMapper()
        mapper.SetInputData(mesh_to_polydata(mesh))
        mapper.SetScalarModeToUsePointFieldData()
        mapper.SelectColorArray(COLORS)
        mapper.SetColorModeToDirectScalars()
        mapper.ScalarVisibilityOff()
        actor = vtkActor()
        actor.SetMapper(mapper)
        part = DrawnPart(actor, mesh, drawable)
        self.parts[drawable.id] = part
        self._occlusion_shown = None  # a new actor, not shaded yet
        actor.SetUserMatrix(vtk_matrix(drawable.transform))
        actor.SetVisibility(drawable.visible)
        self._set_material(part, drawable.material)
        self.renderer.AddActor(actor)

    def _add_decal(self, decal: Decal) -> None:
        if decal.id in self.decals:
            self._remove_decal(decal.id)
        drawn = build_decal_actor(decal)
        self.decals[decal.id] = drawn
        self._shade_decal(drawn)
        self.renderer.AddActor(drawn.actor)

    def _remove_decal(self, decal_id: str) -> None:
        drawn = self.decals.pop(decal_id)
        self.renderer.RemoveActor(drawn.actor)

    def _remove(self, drawable_id: str) -> None:
        part = self.parts.pop(drawable_id)
        self.screen.drop(part.actor)
        self.renderer.RemoveActor(part.actor)
        if part.tint is not None:
            self.renderer.RemoveActor(part.tint)

    def _set_material(self, part: DrawnPart, material: ResolvedMaterial) -> None:
        self.screen.reflect(part.actor,
                            apply_material(part.actor, material, self.textures, part.mesh))
        if part.shade is not None:  # apply_material cleared it
            environment_occlusion.shade(part.actor, part.shade)
        thickness = drawn_thickness(material, part.mesh.thickness, len(part.mesh.vertices))
        colour = transmitted_colour(material, per_vertex=thickness is not None)
        if colour is None:
            if part.tint is not None:
                self.renderer.RemoveActor(part.tint)
                part.tint = None
        elif part.tint is not None:
            set_tint(part.tint, part.actor, material, colour, thickness,
                     solid=refracts_as_solid(material, part.mesh))
        else:
            part.tint = tint_actor(part.actor, material, colour, self.ren_win.GetState,
                                   thickness, solid=refracts_as_solid(material, part.mesh))
            # drawn just before the part (props are drawn in the order they were added)
            shown = self.renderer.GetActors().IsItemPresent(part.actor)
            if shown:
                self.renderer.RemoveActor(part.actor)
            self.renderer.AddActor(part.tint)
            if shown:
                self.renderer.AddActor(part.actor)

    # changes --------------------------------------------------------------------------------

    def apply(self, changes: Iterable[SceneChange]) -> None:
        """Mutate the existing actors; only DrawableAdded builds a new one."""
        self.screen.changed()
        ground_moved = False
        parts_changed = False
        for change in changes:
            parts_changed |= not isinstance(change, (DecalAdded, DecalChanged, DecalRemoved))
            if isinstance(change, DrawableAdded):
                self._add(change.drawable)
                ground_moved = True
                continue
            if isinstance(change, DecalAdded):
                self._add_decal(change.decal)
                continue
            if isinstance(change, DecalChanged):
                drawn = self.decals[change.decal_id]
                new_mesh = drawn.decal.geometry_key != change.decal.geometry_key
                update_decal_actor(drawn, change.decal)
                if new_mesh:
                    self._shade_decal(drawn)
                continue
            if isinstance(change, DecalRemoved):
                self._remove_decal(change.decal_id)
                continue
            part = self._part(change.drawable_id)
            if isinstance(change, MaterialChanged):
                self._set_material(part, change.material)
                part.drawable = replace(part.drawable, material=change.material)
            elif isinstance(change, VisibilityChanged):
                part.actor.SetVisibility(change.visible)
                if part.tint is not None:
                    part.tint.SetVisibility(change.visible)
                part.drawable = replace(part.drawable, visible=change.visible)
                ground_moved = True
            elif isinstance(change, TransformChanged):
                part.actor.GetUserMatrix().DeepCopy(vtk_matrix(change.transform))
                part.actor.Modified()
                if part.tint is not None:  # the same matrix object
                    part.tint.Modified()
                part.drawable = replace(part.drawable, transform=change.transform)
                ground_moved = True
            elif isinstance(change, DrawableRemoved):
                self._remove(change.drawable_id)
                ground_moved = True
            else:
                raise TypeError(f"unknown scene change {change!r}")
        if ground_moved:  # what is drawn takes other room: the ground and the depth range follow
            self._update_ground()
            self.renderer.ResetCameraClippingRange()
        if parts_changed:
            self._update_glow_lights()

    def _update_glow_lights(self) -> None:
        """One point light per glowing part shown, worked out again only for a part whose
        drawable changed (a click replaces the drawables it changes, and no others)."""
        wanted: dict[str, tuple[Drawable, GlowLight]] = {}
        for drawable_id, part in self.parts.items():
            kept = self.glow_lights.get(drawable_id)
            if kept is not None and kept[0] is part.drawable:
                wanted[drawable_id] = kept[:2]
                continue
            light = glow_light(part.drawable, part.mesh, self.textures.mean_colour)
            if light is not None:
                wanted[drawable_id] = (part.drawable, light)
        for drawable_id in list(self.glow_lights):
            _, light, vtk_light = self.glow_lights[drawable_id]
            if drawable_id not in wanted or wanted[drawable_id][1] != light:
                self.renderer.RemoveLight(vtk_light)
                del self.glow_lights[drawable_id]
        for drawable_id, (drawable, light) in wanted.items():
            if drawable_id in self.glow_lights:
                self.glow_lights[drawable_id] = (drawable, light, self.glow_lights[drawable_id][2])
            else:
                vtk_light = point_light(light)
                self.renderer.AddLight(vtk_light)
                self.glow_lights[drawable_id] = (drawable, light, vtk_light)

    def _part(self, drawable_id: str) -> DrawnPart:
        try:
            return self.parts[drawable_id]
        except KeyError:
            known = ", ".join(sorted(self.parts)) or "none"
            raise KeyError(f"no drawable '{drawable_id}' on screen (shown: {known})") from None

    # what the parts hide of the studio from one another ------------------------------------

    OCCLUSIONS_KEPT = 4

    def _occlusion_key(self) -> tuple | None:
        """What the occlusion depends on: the opaque and glass parts shown, which of them are
        glass, where they are, and the studio as it is turned (not their colours:
        environment_occlusion.PASSED_ON)."""
        if self.environment is None:
            return None
        parts = tuple(
            (drawable_id, part.drawable.geometry, part.drawable.transform,
             environment_occlusion.lets_light_through(part.drawable))
            for drawable_id, part in sorted(self.parts.items())
            if environment_occlusion.shaded(part.drawable))
        return (parts, self.environment.hdr_path, self.environment.rotation_deg,
                self._turned_over)

    @property
    def occlusion_up_to_date(self) -> bool:
        """Whether the occlusion shown is the scene's as it is (or there is none to show)."""
        return self._occlusion_key() in (None, self._occlusion_shown)

    def occlusion_job(self, threads: int | None = None
                      ) -> tuple[tuple, Callable[[], dict[str, np.ndarray]]] | None:
        """What the parts hide of the studio from one another, for the scene as it is: None
        when that is shown already, else the scene's key and a function that works it out
        (or hands back what was worked out lately for the same key), whose result
        ``show_occlusion`` takes. The function touches no VTK object, so it may run on a
        worker thread; its rays are cast on ``threads`` threads (None: one per core)."""
        key = self._occlusion_key()
        if key is None or key == self._occlusion_shown:
            return None
        kept = self._occlusion_kept.get(key)
        if kept is not None:
            return key, lambda: kept
        meshes = [(part.drawable, part.mesh) for _, part in sorted(self.parts.items())
                  if environment_occlusion.shaded(part.drawable)]
        studio = (self.environment.hdr_path, self.environment.rotation_deg, self._turned_over)

        def work() -> dict[str, np.ndarray]:
            occluders = [environment_occlusion.occluder(drawable, mesh.vertices, mesh.normals,
                                                        mesh.faces)
                         for drawable, mesh in meshes]
            return environment_occlusion.occlusion(
                occluders, environment_occlusion.studio_samples(*studio), threads=threads)

        return key, work

    def show_occlusion(self, key: tuple, shades: dict[str, np.ndarray]) -> bool:
        """Shade the parts by ``shades`` (``occlusion_job``'s result for ``key``); False, and
        nothing shaded, when the scene has changed since."""
        if key != self._occlusion_key():
            return False
        self._occlusion_kept[key] = shades
        self._occlusion_kept.move_to_end(key)
        while len(self._occlusion_kept) > self.OCCLUSIONS_KEPT:
            self._occlusion_kept.popitem(last=False)
        for drawable_id, part in self.parts.items():
            values = shades.get(drawable_id)
            if values is not None:
                environment_occlusion.shade(part.actor, values)
            elif part.shade is not None:
                environment_occlusion.unshade(part.actor)
            part.shade = values
        for drawn in self.decals.values():
            self._shade_decal(drawn)
        self._occlusion_shown = key
        self.screen.changed()
        return True

    def _shade_decal(self, drawn: DrawnDecal) -> None:
        """A decal is shaded as the part it lies on, at the part's nearest vertex."""
        part = self.parts.get(drawn.decal.drawable_id)
        if part is None or part.shade is None or not len(drawn.decal.vertices):
            if drawn.shaded:
                environment_occlusion.unshade(drawn.actor)
                drawn.shaded = False
            return
        key = (part.drawable.geometry, part.drawable.transform)
        found = self._part_points.get(part.drawable.id)
        if found is None or found[0] != key:
            from scipy.spatial import cKDTree

            world = environment_occlusion.in_world(part.drawable, part.mesh.vertices)
            found = self._part_points[part.drawable.id] = (key, cKDTree(world))
        _, nearest = found[1].query(np.asarray(drawn.decal.vertices, np.float64))
        environment_occlusion.shade(drawn.actor, part.shade[nearest])
        drawn.shaded = True

    def update_occlusion(self) -> None:
        """Work out and show the occlusion now, where the scene has changed."""
        job = self.occlusion_job()
        if job is not None:
            key, work = job
            self.show_occlusion(key, work())

    # ground, camera, output -----------------------------------------------------------------

    def shadow_casters(self, *, visible_only: bool = True) -> list[ShadowCaster]:
        """The drawn meshes as the ground shadow sees them."""
        return [
            ShadowCaster(f"{drawable_id}@{part.drawable.geometry}", part.mesh.vertices,
                         part.mesh.faces, part.drawable.transform)
            for drawable_id, part in self.parts.items()
            if part.drawable.visible or not visible_only
        ]

    def _update_ground(self, *, new_scene: bool = False) -> None:
        if new_scene:
            self.ground.reset(self.shadow_casters(visible_only=False))
        light = OVERHEAD_SOFTBOX if self.environment is None else self.environment.shadow_light
        self.ground.update(self.shadow_casters(), light)
        wanted = self.environment is None or self.environment.ground
        self.ground.actor.SetVisibility(wanted and self.ground.shadow is not None)

    def set_camera(self, camera: Camera, aspect: float | None = None) -> None:
        """Place the camera; ``fov_deg`` is vertical, except in a portrait view (``aspect`` =
        width / height < 1), where it is kept horizontal so the product still fits."""
        vtk_camera = self.renderer.GetActiveCamera()
        vtk_camera.SetPosition(*camera.position)
        vtk_camera.SetFocalPoint(*camera.target)
        vtk_camera.SetViewUp(*camera.up)
        self.camera_fov_deg = camera.fov_deg
        self.fit_aspect(aspect)
        vtk_camera.OrthogonalizeViewUp()
        self.renderer.ResetCameraClippingRange()
        self.follow_camera()

    def follow_camera(self) -> None:
        """Turn the studio over while the camera is below the ground, and back when it is not
        (``seen_from_below``; the still does the same)."""
        if self.scene is None or self.environment is None:
            return
        below = seen_from_below(self.scene, self.renderer.GetActiveCamera().GetPosition())
        if below != self._turned_over:
            self._turned_over = below
            use_environment(self.renderer, self._environment_texture,
                            self.environment.rotation_deg, turned_over=below)

    def fit_aspect(self, aspect: float | None) -> None:
        """Keep the camera's field of view on the frame's shorter side at a new ``aspect``
        (the view resized, say from landscape to portrait when a panel opens)."""
        angle = self.camera_fov_deg  # VTK's view angle is the vertical one
        if aspect is not None and aspect > 0:
            angle = math.degrees(2 * math.atan(half_view_tangents(angle, aspect)[1]))
        self.renderer.GetActiveCamera().SetViewAngle(angle)

    def snapshot(self, transparent: bool = False) -> np.ndarray:
        """Render and read back (H, W, 3) uint8, or (H, W, 4) with a transparent background.

        With transparency, colours of partly covered pixels (shadow, edges) are separated from
        the background colour VTK blended them with, so the image composites cleanly.

        Parts reflect one another through a copy of an earlier frame (ScreenCopy): a snapshot
        draws a frame to copy and then the frame that reflects it, so that what it shows does
        not hang on the frames before it. It shows what the parts hide of the studio from one
        another (``update_occlusion``), worked out first where the scene has changed, unless
        ``shades_parts`` is off.
        """
        self.renderer.ResetCameraClippingRange()
        if self.shades_parts:
            self.update_occlusion()
        self.screen.forget()
        self.screen.capture()
        self.ren_win.Render()  # the copy
        self.ren_win.Render()
        image = read_pixels(self.ren_win, alpha=transparent)
        if not transparent:
            return image
        return unblend_background(image, self.renderer.GetBackground())

    def close(self) -> None:
        """Release the render passes' GPU objects and let go of the window; call before closing
        the window."""
        if self.ren_win is not None:
            # the parts' tint actors call back to the window (their blend factors): taken out
            # of the renderer, nothing in VTK holds the window through them any longer. All at
            # once: one by one, each removal searches the renderer's list (3,000 parts: 0.9 s)
            self.renderer.RemoveAllViewProps()
            self.parts.clear()
            self.decals.clear()
            self.screen.release(self.ren_win)
            self.passes.release(self.ren_win)
            self.ren_win = None


def point_light(light: GlowLight) -> vtkLight:
    """A VTK scene light for ``light``: positional, all round (a cone of 90 degrees or more
    is no spot light in VTK's shaders), falling off as 1 / (r^2 + d^2)."""
    vtk_light = vtkLight()
    vtk_light.SetLightTypeToSceneLight()
    vtk_light.SetPositional(True)
    vtk_light.SetConeAngle(180.0)
    vtk_light.SetPosition(*light.position)
    x, y, z = light.position
    vtk_light.SetFocalPoint(x, y - 1.0, z)
    strongest = max(light.intensity)
    vtk_light.SetColor(*(c / strongest for c in light.intensity))
    vtk_light.SetIntensity(strongest)
    vtk_light.SetAttenuationValues(light.radius ** 2, 0.0, 1.0)
    return vtk_light


def unblend_background(rgba: np.ndarray, background: tuple[float, float, float]) -> np.ndarray:
    """Undo ``c = a * colour + (1 - a) * background`` for pixels with 0 < alpha < 255."""
    out = rgba.astype(np.float64)
    alpha = out[..., 3:4] / 255.0
    bg = np.asarray(background, dtype=float) * 255.0
    partial = (alpha > 0) & (alpha < 1)
    safe = np.where(alpha > 0, alpha, 1.0)
    straight = (out[..., :3] - (1 - alpha) * bg) / safe
    out[..., :3] = np.where(partial, straight, out[..., :3])
    return np.clip(np.round(out), 0, 255).astype(np.uint8)
