"""Textures Mitsuba does not ship: ``product``, two textures multiplied (a base colour texture
or colour times the mesh's ``vertex_color`` attribute, as glTF's COLOR_0 multiplies the base
colour); ``frontonly``, a texture that is 0 where the surface is seen from behind (the opacity
of a single-sided see-through material: glTF culls its back faces)."""

from __future__ import annotations

from app.photoreal.plugins import as_texture, once_per_variant

PRODUCT = "product"
VERTEX_COLOR = "vertex_color"  # the mesh attribute (Mitsuba names them vertex_* / face_*)
FRONT_ONLY = "frontonly"



@once_per_variant
def register_textures(mi) -> None:
    """Make ``product`` and ``frontonly`` loadable in the active variant (once per variant)."""
    import drjit as dr

    class ProductTexture(mi.Texture):
        def __init__(self, props):
            mi.Texture.__init__(self, props)
            self.a = props["a"]
            self.b = props["b"]

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

        def eval(self, si, active=True):
            return dr.select(mi.Frame3f.cos_theta(si.wi) > 0.0, self.texture.eval(si, active),
                             0.0)

        def eval_1(self, si, active=True):
            return dr.select(mi.Frame3f.cos_theta(si.wi) > 0.0,
                             self.texture.eval_1(si, active), 0.0)

        def mean(self):
            return self.texture.mean()

        def is_spatially_varying(self):
            return True

        def traverse(self, callback):
            callback.put_object("texture", self.texture, mi.ParamFlags.Differentiable)

        def to_string(self):
            return f"FrontOnly[texture={self.texture}]"

    mi.register_texture(FRONT_ONLY, lambda props: FrontOnly(props))


def front_faces_only(texture: dict) -> dict:
    """``texture`` (a texture dictionary) on the surface's front faces, 0 on its back faces."""
    return {"type": FRONT_ONLY, "texture": texture}


def times_vertex_colour(texture: dict) -> dict:
    """``texture`` (a texture dictionary) times the mesh's vertex colours."""
    return {"type": PRODUCT, "a": texture,
            "b": {"type": "mesh_attribute", "name": VERTEX_COLOR}}
