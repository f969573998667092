"""Textures Mitsuba does not ship: ``product``, two textures multiplied (a base colour texture
or colour times the mesh's ``vertex_color`` attribute, as glTF's COLOR_0 multiplies the base
colour)."""

from __future__ import annotations

from app.photoreal.plugins import once_per_variant

PRODUCT = "product"
VERTEX_COLOR = "vertex_color"  # the mesh attribute (Mitsuba names them vertex_* / face_*)



@once_per_variant
def register_textures(mi) -> None:
    """Make ``product`` loadable in the active variant (once per variant)."""

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


def times_vertex_colour(texture: dict) -> dict:
    """``texture`` (a texture dictionary) times the mesh's vertex colours."""
    return {"type": PRODUCT, "a": texture,
            "b": {"type": "mesh_attribute", "name": VERTEX_COLOR}}
