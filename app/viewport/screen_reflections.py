"""What the product's parts reflect of one another, in the live view.

VTK lights a part by the environment alone: a mirror-like sphere beside a white one reflects
the studio where the still (a path tracer) and a photograph show the white sphere, and a
glossy surface under a roof reflects the sky. A frame asked for (``capture``) is drawn into one
of two framebuffers (``vtkFramebufferPass``, before tone mapping), which keeps its colour and
depth as the copy; the frame after it, of the same scene and view (``settled``), follows each
reflection through the copy (screen-space reflection) and, where it meets a surface the copy
holds, takes the colour found there, blurred by the surface's roughness, in place of the
environment's; it keeps the copy, so a view at rest draws the same frame however often it is
drawn. Frames on the move (a turn, a change) reflect the environment alone and take no copy:
on a software renderer the march costs a few plain frames. The march goes through the copy's
own camera. Nothing of it runs in Python while a frame is drawn but the binding of the copy to
each part's shader.
"""

from __future__ import annotations

import math

from vtkmodules.util.misc import calldata_type
from vtkmodules.util.vtkConstants import VTK_OBJECT
from vtkmodules.vtkCommonCore import vtkCommand
from vtkmodules.vtkCommonMath import vtkMatrix4x4
from vtkmodules.vtkRenderingCore import vtkActor, vtkRenderer
from vtkmodules.vtkRenderingOpenGL2 import vtkFramebufferPass, vtkTextureObject

STEPS = 16  # points along a reflection it is looked for at, before the hit is narrowed
THICKNESS = 0.02  # how deep, as a share of the scene's size, what the copy shows is taken to be
REFINE = 4  # halvings of the step in which it was found
AWAY_PX = 2  # a hit nearer than this to where the reflection starts is the surface itself
BLUR_TAPS = 8  # reads of the colour found, over a disc as wide as the reflection's lobe
BLUR_MOST = 24  # the disc's largest radius, in pixels

# GLSL: declarations, and the function a fragment calls with its position and reflection
# (view coordinates); it gives the colour found and how much it counts (0: the environment)
DECLARATIONS = f"""
uniform sampler2D screenColour;
uniform sampler2D screenDepth;
uniform mat4 screenFromView;
uniform vec2 screenNearFar;
uniform float screenReach;
const float THICKNESS = {THICKNESS};
uniform float screenPixelAngle;
float screenDistance(float depth)
{{
  float n = screenNearFar.x;
  float f = screenNearFar.y;
  return 2.0 * n * f / (f + n - (2.0 * depth - 1.0) * (f - n));
}}
vec3 screenPoint(vec3 p)
{{
  vec4 clip = screenFromView * vec4(p, 1.0);
  return vec3(clip.xy / clip.w * 0.5 + 0.5, clip.w);
}}
vec3 screenBlurred(vec2 uv, float radius)
{{
  if (radius < 1.0) {{ return texture(screenColour, uv).rgb; }}
  vec2 texel = 1.0 / vec2(textureSize(screenColour, 0));
  vec3 sum = vec3(0.0);
  for (int k = 0; k < {BLUR_TAPS}; k++)
  {{
    float angle = float(k) * 2.39996;
    float r = radius * sqrt((float(k) + 0.5) / {BLUR_TAPS}.0);
    sum += texture(screenColour, uv + r * vec2(cos(angle), sin(angle)) * texel).rgb;
  }}
  return sum / {BLUR_TAPS}.0;
}}
vec4 screenReflection(vec3 origin, vec3 direction, float alpha)
{{
  vec2 pixels = vec2(textureSize(screenDepth, 0));
  vec2 start = screenPoint(origin).xy;
  float before = 0.0;
  bool inFront = true;  // the last point looked at was in front of what the copy holds
  for (int i = 1; i <= {STEPS}; i++) {{
    float s = float(i) / {STEPS}.0;
    float t = screenReach * s * s;
    vec3 at = screenPoint(origin + t * direction);
    if (at.z <= 0.0 || any(lessThan(at.xy, vec2(0.0))) || any(greaterThan(at.xy, vec2(1.0))))
    {{
      return vec4(0.0);
    }}
    float depth = texture(screenDepth, at.xy).r;
    float gap = at.z - screenDistance(depth);
    float thickness = max(2.0 * (t - before), THICKNESS * screenReach);
    bool away = length((at.xy - start) * pixels) > {AWAY_PX}.0;  // not the surface itself
    if (away && inFront && depth < 1.0 && gap > 0.002 * at.z && gap < thickness)
    {{
      float a = before;
      float b = t;
      for (int j = 0; j < {REFINE}; j++)
      {{
        float m = 0.5 * (a + b);
        vec3 mid = screenPoint(origin + m * direction);
        if (mid.z > screenDistance(texture(screenDepth, mid.xy).r)) {{ b = m; }} else {{ a = m; }}
      }}
      vec3 hit = screenPoint(origin + b * direction);
      vec2 edge = min(hit.xy, 1.0 - hit.xy);
      float fade = clamp(min(edge.x, edge.y) * 20.0, 0.0, 1.0) * (1.0 - s * s);
      float footprint = min(alpha * b / (hit.z * screenPixelAngle), {BLUR_MOST}.0);
      return vec4(screenBlurred(hit.xy, footprint), fade);
    }}
    inFront = depth >= 1.0 || gap <= 0.002 * at.z;
    before = t;
  }}
  return vec4(0.0);
}}
"""


# VTK's line that weighs the environment's reflection, and what goes before it on a frame at
# rest: the reflection followed about ``{normal}``, where the surface is smooth enough and the
# reflection weighs enough (glTF's split-sum FssEss) to tell
IBL_SPECULAR = "  vec3 iblSpecular = FssEss * prefilteredSpecularColor;"
_REFLECTION = """\
  float screenWeight = (1.0 - smoothstep(0.3, 0.7, roughness))
    * smoothstep(0.05, 0.1, max(max(FssEss.r, FssEss.g), FssEss.b));
  if (screenWeight > 0.0)
  {{
    vec3 screenNormal = {normal};
    vec4 screenHit = screenReflection(vertexVC.xyz,
      normalize(dominantDirection(screenNormal, reflect(-V, screenNormal), roughness * roughness)),
      roughness * roughness);
    prefilteredSpecularColor = mix(prefilteredSpecularColor, screenHit.rgb,
      screenHit.a * screenWeight);
  }}
"""


class ScreenCopy:
    """The copy a frame of ``renderer`` at rest reflects: the frames of ``passes``
    (lighting.ToneMappedPasses) that ``capture`` asks for, drawn in turn into two framebuffers;
    ``reflect`` lets a part follow its reflections through it."""

    def __init__(self, renderer: vtkRenderer, passes) -> None:
        self.renderer = renderer
        self.passes = passes
        self.frames = [vtkFramebufferPass(), vtkFramebufferPass()]
        for frame in self.frames:
            frame.SetColorFormat(vtkTextureObject.Float16)
            frame.SetDepthFormat(vtkTextureObject.Float32)
            frame.SetDelegatePass(passes.steps)
        self.drawing = 0  # the framebuffer the frame is drawn into; the other holds the copy
        self.ready = False
        self.projection = vtkMatrix4x4()  # the copy's camera, world -> clip
        self.near_far = (0.1, 1.0)
        self.reach = 1.0
        self.size = (1, 1)
        self.generation = 0  # counts the changes to what is drawn
        self._taken = (-1, ())  # the generation and the view of the copy
        self._drawn = (-1, ())  # those of the frame being drawn
        self.settled = False  # the last frame reflected a copy of the same scene and view
        self.capturing = False  # the next frame not settled is to be copied
        self._copying = False  # the frame being drawn is
        # per part reflecting: its actor, the normal its reflections are followed about, and
        # whether its shader follows them now
        self._parts: dict[int, list] = {}
        # the renderer holds these callbacks and they hold this copy: a cycle through VTK that
        # Python's collector cannot see, broken by ``release``
        self._observed = [
            renderer.AddObserver(vtkCommand.StartEvent, lambda *_: self._start_frame()),
            renderer.AddObserver(vtkCommand.EndEvent, lambda *_: self._end_frame())]

    def changed(self) -> None:
        """What is drawn changed: the copy's colours are out of date (its shapes are kept
        until the next frame replaces it, so that nothing flickers)."""
        self.generation += 1
        self.settled = False

    def forget(self) -> None:
        """Another scene: nothing in the copy is reflected again."""
        self.changed()
        self.ready = False

    def capture(self) -> None:
        """Keep a copy of the next frame (unless it reflects one of the same scene and view
        already): the frame after it reflects it. Frames not asked for draw straight into
        the tone mapping's framebuffer, without the copy's cost."""
        self.capturing = True

    @property
    def primed(self) -> bool:
        """The copy is of the scene and view as they are: the next frame reflects it."""
        return self.ready and self._taken == (self.generation, self._view())

    def _view(self) -> tuple[float, ...]:
        camera = self.renderer.GetActiveCamera()
        view = camera.GetViewTransformMatrix()
        return (*(round(view.GetElement(i, j), 9) for i in range(4) for j in range(4)),
                round(camera.GetViewAngle(), 9), *self.renderer.GetSize())

    def _start_frame(self) -> None:
        self._drawn = (self.generation, self._view())
        self.settled = self.ready and self._taken == self._drawn
        self._copying = self.capturing and not self.settled
        self._follow(self.settled)
        self.passes.tone_mapping.SetDelegatePass(
            self.frames[self.drawing] if self._copying else self.passes.steps)

    def _end_frame(self) -> None:
        """A frame drawn into a framebuffer becomes the copy; the next copy is drawn into
        the other."""
        if not self._copying:
            return
        self.capturing = self._copying = False
        camera = self.renderer.GetActiveCamera()
        width, height = self.renderer.GetSize()
        aspect = width / max(height, 1)
        self.projection.DeepCopy(camera.GetCompositeProjectionTransformMatrix(aspect, -1, 1))
        self.near_far = camera.GetClippingRange()
        self.size = (width, height)
        x0, x1, y0, y1, z0, z1 = self.renderer.ComputeVisiblePropBounds()
        self.reach = max(math.dist((x0, y0, z0), (x1, y1, z1)), 1e-6)
        self._taken = self._drawn
        self.ready = True
        self.drawing = 1 - self.drawing

    def _copy(self) -> vtkFramebufferPass:
        return self.frames[1 - self.drawing]

    def reflect(self, actor: vtkActor, normal: str) -> None:
        """Let ``actor`` reflect the other parts about ``normal`` (GLSL, from
        ``apply_material``, which declares ``DECLARATIONS`` in its shader and is called
        again for each new material)."""
        key = id(actor)
        if key not in self._parts:
            mapper = actor.GetMapper()

            @calldata_type(VTK_OBJECT)
            def bind(_caller, _event, program) -> None:
                self._bind(program)

            def unbind(_caller, _event) -> None:
                if self.settled:
                    self._copy().GetColorTexture().Deactivate()
                    self._copy().GetDepthTexture().Deactivate()

            mapper.AddObserver(vtkCommand.UpdateShaderEvent, bind)
            mapper.AddObserver(vtkCommand.ProgressEvent, unbind)
        self._parts[key] = [actor, normal, False]

    def drop(self, actor: vtkActor) -> None:
        """``actor`` is no longer drawn."""
        self._parts.pop(id(actor), None)

    def _follow(self, marching: bool) -> None:
        """Put the march in the parts' shaders for a frame at rest, and take it out for one
        on the move: present but not taken, it still slows a software renderer's every
        fragment by a third. VTK keeps the programs it compiled, so going back and forth
        builds each shader's source again but compiles it once."""
        for part in self._parts.values():
            actor, normal, following = part
            if following == marching:
                continue
            shaders = actor.GetShaderProperty()
            if marching:
                shaders.AddFragmentShaderReplacement(
                    IBL_SPECULAR, False, _REFLECTION.format(normal=normal) + IBL_SPECULAR, True)
            else:
                shaders.ClearFragmentShaderReplacement(IBL_SPECULAR, False)
            part[2] = marching

    def _bind(self, program) -> None:
        if not self.settled:  # the shader does not follow reflections (_follow)
            return
        copy = self._copy()
        colour, depth = copy.GetColorTexture(), copy.GetDepthTexture()
        colour.SetMinificationFilter(vtkTextureObject.Linear)
        colour.SetMagnificationFilter(vtkTextureObject.Linear)
        colour.Activate()
        depth.Activate()
        program.SetUniformi("screenColour", colour.GetTextureUnit())
        program.SetUniformi("screenDepth", depth.GetTextureUnit())
        camera = self.renderer.GetActiveCamera()
        view_to_world = vtkMatrix4x4()
        vtkMatrix4x4.Invert(camera.GetViewTransformMatrix(), view_to_world)
        screen_from_view = vtkMatrix4x4()
        vtkMatrix4x4.Multiply4x4(self.projection, view_to_world, screen_from_view)
        screen_from_view.Transpose()  # GLSL reads it by columns
        program.SetUniformMatrix("screenFromView", screen_from_view)
        program.SetUniform2f("screenNearFar", list(self.near_far))
        program.SetUniformf("screenReach", self.reach)
        angle = math.radians(camera.GetViewAngle())
        program.SetUniformf("screenPixelAngle", 2.0 * math.tan(angle / 2) / max(self.size[1], 1))

    def release(self, window) -> None:
        """Free the framebuffers' GPU objects, and let go of the renderer and the parts (the
        renderer's callbacks to this copy removed)."""
        for frame in self.frames:
            frame.ReleaseGraphicsResources(window)
        for tag in self._observed:
            self.renderer.RemoveObserver(tag)
        self._observed.clear()
        self._parts.clear()
        self.ready = False
