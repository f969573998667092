"""Textures Mitsuba does not ship: ``product``, two textures multiplied (a base colour texture
or colour times the mesh's ``vertex_color`` attribute, as glTF's COLOR_0 multiplies the base
colour); ``frontonly``, a texture that is 0 where the surface is seen from behind (the opacity
of a single-sided see-through material: glTF culls its back faces); ``axiswrap``, a bitmap
wrapped its own way along each axis (glTF's sampler has a wrapS and a wrapT, Mitsuba's bitmap
one wrap mode for both); ``otheruvset``, a texture read at a UV set the mesh holds as an
attribute (a glTF texture whose ``texCoord`` is not the set the shape carries as its texture
coordinates)."""

from __future__ import annotations

from app.photoreal.plugins import as_texture, once_per_variant

PRODUCT = "product"
VERTEX_COLOR = "vertex_color"  # the mesh attribute (Mitsuba names them vertex_* / face_*)
FRONT_ONLY = "frontonly"
AXIS_WRAP = "axiswrap"
OTHER_UV_SET = "otheruvset"
UV_ATTRIBUTE = "vertex_uv"  # and the set's number: the mesh attribute of a UV set
REPEAT, MIRRORED_REPEAT = 0, 1  # TextureSampler.wrap_codes



@once_per_variant
def register_textures(mi) -> None:
    """Make ``product``, ``frontonly``, ``axiswrap`` and ``otheruvset`` loadable in the active
    variant (once per variant)."""
    import drjit as dr

    class ProductTexture(mi.Texture):
        def __init__(self, props):
            mi.Texture.__init__(self, props)
            self.a = as_texture(mi, props["a"])  # a plain colour arrives as a colour
            self.b = as_texture(mi, props["b"])

        def eval(self, si, active=True):
            return self.a.eval(si, active) * self.b.eval(si, active)

        def eval_1(self, si, active=True):
            return self.a.eval_1(si, active) * self.b.eval_1(si, active)

        def mean(self):
            return self.a.mean() * self.b.mean()

        def is_spatially_varying(self):
            return True

        def traverse(self, callback):
            callback.put_object("a", self.a, mi.ParamFlags.Differentiable)
            callback.put_object("b", self.b, mi.ParamFlags.Differentiable)

        def to_string(self):
            return f"ProductTexture[a={self.a}, b={self.b}]"

    mi.register_texture(PRODUCT, lambda props: ProductTexture(props))

    class FrontOnly(mi.Texture):
        """``texture`` where the surface is seen from the side its normal points to; 0 behind."""

        def __init__(self, props):
            mi.Texture.__init__(self, props)
            self.texture = as_texture(mi, props["texture"])

        @staticmethod
        def _front(si):
            """Seen from the side the geometric normal points to (the interpolated normal may
            lean away from the viewer at a silhouette)."""
            return dr.dot(si.n, si.to_world(si.wi)) > 0.0

        def eval(self, si, active=True):
            return dr.select(self._front(si), self.texture.eval(si, active), 0.0)

        def eval_1(self, si, active=True):
            return dr.select(self._front(si), self.texture.eval_1(si, active), 0.0)

        def mean(self):
            return self.texture.mean()

        def is_spatially_varying(self):
            return True

        def traverse(self, callback):
            callback.put_object("texture", self.texture, mi.ParamFlags.Differentiable)

        def to_string(self):
            return f"FrontOnly[texture={self.texture}]"

    mi.register_texture(FRONT_ONLY, lambda props: FrontOnly(props))

    class ReadElsewhere(mi.Texture):
        """``texture`` read at other coordinates than the surface's own: a subclass's
        ``_at(si, active)`` gives the interaction to read it at."""

        def __init__(self, props):
            mi.Texture.__init__(self, props)
            self.texture = props["texture"]

        def eval(self, si, active=True):
            return self.texture.eval(self._at(si, active), active)

        def eval_1(self, si, active=True):
            return self.texture.eval_1(self._at(si, active), active)

        def eval_3(self, si, active=True):
            return self.texture.eval_3(self._at(si, active), active)

        def mean(self):
            return self.texture.mean()

        def resolution(self):
            return self.texture.resolution()

        def is_spatially_varying(self):
            return True

        def traverse(self, callback):
            callback.put_object("texture", self.texture, mi.ParamFlags.Differentiable)

    class AxisWrap(ReadElsewhere):
        """``texture`` (a bitmap that repeats, read at coordinates already transformed) read at
        ``to_uv``'s transform of the surface's coordinates, wrapped along u by ``wrap_s`` and
        along v by ``wrap_t`` (``TextureSampler.wrap_codes``): a clamped or mirrored axis is
        kept half a texel inside the image, so that the bitmap's filter never reaches across
        its edge."""

        def __init__(self, props):
            ReadElsewhere.__init__(self, props)
            self.wrap_s, self.wrap_t = int(props["wrap_s"]), int(props["wrap_t"])
            self.to_uv = props["to_uv"] if "to_uv" in props else None
            width, height = self.texture.resolution()
            self.half_texel = mi.ScalarVector2f(0.5 / max(int(width), 1),
                                                0.5 / max(int(height), 1))

        @staticmethod
        def _axis(x, mode, half):
            if mode == REPEAT:
                return x
            if mode == MIRRORED_REPEAT:
                period = x - 2.0 * dr.floor(0.5 * x)
                x = dr.select(period > 1.0, 2.0 - period, period)
            return dr.clip(x, half, 1.0 - half)

        def _at(self, si, active):
            uv = si.uv if self.to_uv is None else self.to_uv.transform_affine(
                mi.Point2f(si.uv))
            moved = mi.SurfaceInteraction3f(si)
            moved.uv = mi.Point2f(self._axis(uv.x, self.wrap_s, self.half_texel.x),
                                  self._axis(uv.y, self.wrap_t, self.half_texel.y))
            return moved

        def to_string(self):
            return f"AxisWrap[texture={self.texture}, s={self.wrap_s}, t={self.wrap_t}]"

    mi.register_texture(AXIS_WRAP, lambda props: AxisWrap(props))

    class OtherUvSet(ReadElsewhere):
        """``texture`` read at the coordinates ``uv`` gives (a ``mesh_attribute`` of the UV set
        as u, v, 0) instead of the shape's own texture coordinates."""

        def __init__(self, props):
            ReadElsewhere.__init__(self, props)
            self.uv = props["uv"]

        def _at(self, si, active):
            uvw = self.uv.eval(si, active)
            moved = mi.SurfaceInteraction3f(si)
            moved.uv = mi.Point2f(uvw[0], uvw[1])
            return moved

        def to_string(self):
            return f"OtherUvSet[texture={self.texture}]"

    mi.register_texture(OTHER_UV_SET, lambda props: OtherUvSet(props))


def uv_attribute(texcoord: int) -> str:
    """The mesh attribute that holds UV set ``texcoord`` (u, v, 0 per vertex) where the shape's
    texture coordinates are another set."""
    return f"{UV_ATTRIBUTE}{texcoord}"


def read_at_uv_set(texture: dict, texcoord: int) -> dict:
    """``texture`` (a texture dictionary) read at UV set ``texcoord`` (``uv_attribute``)."""
    return {"type": OTHER_UV_SET, "texture": texture,
            "uv": {"type": "mesh_attribute", "name": uv_attribute(texcoord)}}


def uv_set_read(texture: dict, shape_texcoord: int) -> tuple[dict, int]:
    """The texture inside ``read_at_uv_set`` and the UV set it reads (``texture`` itself and
    ``shape_texcoord`` for a texture that reads the shape's own coordinates)."""
    if texture.get("type") != OTHER_UV_SET:
        return texture, shape_texcoord
    return texture["texture"], int(texture["uv"]["name"].removeprefix(UV_ATTRIBUTE))


def front_faces_only(texture: dict) -> dict:
    """``texture`` (a texture dictionary) on the surface's front faces, 0 on its back faces."""
    return {"type": FRONT_ONLY, "texture": texture}


def times_vertex_colour(texture: dict) -> dict:
    """``texture`` (a texture dictionary) times the mesh's vertex colours."""
    return {"type": PRODUCT, "a": texture,
            "b": {"type": "mesh_attribute", "name": VERTEX_COLOR}}
