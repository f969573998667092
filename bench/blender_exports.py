"""Test models written by Blender's own glTF exporter, as a designer's files arrive: run in the
bpy virtualenv (bench/.venv-cycles, made by ``bench/reference_cycles.py --setup``).

    bench/.venv-cycles/bin/python bench/blender_exports.py [OUT_FOLDER [NAME ...]]

writes into tests/assets/blender/ (or OUT_FOLDER):
- ``textured.glb``: a bevelled cube whose base colour texture goes through a Mapping node
  (``KHR_texture_transform``) times a colour attribute (``COLOR_0``), and whose roughness and
  metallic come from a texture on a second UV map (``texCoord`` 1), with a mirrored linked
  copy (negative scale);
- ``textured_draco.glb`` and ``textured_webp.glb``: the same written Draco-compressed and with
  WebP images;
- ``morph.glb``: a sphere with a shape key ``squash`` left at 0.75 (the mesh's ``weights``);
- ``maps/cube.obj`` (with its MTL and PNGs) and ``maps/cube.glb``: one cube whose base colour
  (and alpha), roughness, metalness, normal map (strength 0.7) and glow are image textures
  linked straight to the principled BSDF, written both ways;
- ``hash_names/Chair #2.obj`` (with ``Chair #2.mtl``): two cubes whose materials are named as
  3ds Max names them (``Material #25`` red, ``Material #26`` blue), which Blender writes
  ``Material_#25`` and ``Material_#26``, its library named after the file, ``#`` and all;
- ``lit.glb``: a cube written with the scene's sun and camera (``export_lights``: Blender
  writes ``KHR_lights_punctual`` as a required extension);
- ``variants.glb``: a cube whose material is red in the variant ``Crimson`` and blue in
  ``Navy`` (Blender's KHR_materials_variants panel), no textures;
- ``normal_uv1.glb``: a gold cube whose normal map (vertical ridges) reads its second UV map,
  the first turned a quarter (``texCoord`` 1 on the normal texture);
- ``standing.stl`` and ``standing.ply``: a post 1 tall (Blender's z), its top sloping down
  to the front (-y), written by Blender's STL and PLY exporters with their own axes (Z up);
- ``skinned.glb``: a tube on a two-bone armature, its upper bone posed 70 degrees (written with
  the pose as the joints' nodes hold it), and ``skinned_posed.json``: the tube's vertices as
  Blender deforms them, in glTF's axes (y up), to hold the app's posing to.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import bpy  # the bpy wheel: this runs in bench/.venv-cycles, not the app's venv
import numpy as np

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else (
    Path(__file__).resolve().parents[1] / "tests" / "assets" / "blender")


def reset() -> None:
    bpy.ops.wm.read_factory_settings(use_empty=True)


def principled(name: str, **inputs):
    material = bpy.data.materials.new(name)
    material.use_nodes = True
    bsdf = material.node_tree.nodes["Principled BSDF"]
    for key, value in inputs.items():
        bsdf.inputs[key].default_value = value
    return material, bsdf


def image(name: str, size: int, pixels) -> bpy.types.Image:
    """A packed PNG image of ``pixels(x, y)`` (RGBA in 0..1, x and y in 0..1)."""
    made = bpy.data.images.new(name, size, size, alpha=True)
    y, x = np.mgrid[0:size, 0:size] / size
    made.pixels.foreach_set(pixels(x, y).astype(np.float32).ravel())
    made.file_format = "PNG"
    made.pack()
    return made


def checker(x, y, n: int = 8):
    c = ((np.floor(x * n) + np.floor(y * n)) % 2)[..., None]
    return np.concatenate([0.9 * c + 0.05, 0.2 + 0.6 * c, 0.1 + 0.0 * c, np.ones_like(c)], -1)


def ramp(x, y):
    """Roughness (green) from 0.15 to 0.85 across, no metal (blue)."""
    zero = np.zeros_like(x)
    return np.stack([zero, 0.15 + 0.7 * x, zero, zero + 1.0], -1)


def textured(name: str, **export) -> None:
    reset()
    bpy.ops.mesh.primitive_cube_add(size=1.0)
    cube = bpy.context.object
    bevel = cube.modifiers.new("bevel", "BEVEL")
    bevel.width, bevel.segments = 0.05, 2
    bpy.ops.object.modifier_apply(modifier="bevel")
    mesh = cube.data
    mesh.uv_layers.new(name="second")
    for corner in mesh.uv_layers["second"].data:  # the first map turned a quarter
        u, v = corner.uv
        corner.uv = (v, 1.0 - u)
    colours = mesh.color_attributes.new("Col", "BYTE_COLOR", "CORNER")
    for i, corner in enumerate(colours.data):
        corner.color = (1.0, 0.6 + 0.4 * (i % 2), 1.0, 1.0)
    material, bsdf = principled("textured")
    nodes, links = material.node_tree.nodes, material.node_tree.links
    base = nodes.new("ShaderNodeTexImage")
    base.image = image("checker", 256, checker)
    mapping = nodes.new("ShaderNodeMapping")
    mapping.inputs["Scale"].default_value = (2.0, 2.0, 1.0)
    mapping.inputs["Rotation"].default_value = (0.0, 0.0, math.radians(15))
    links.new(nodes.new("ShaderNodeTexCoord").outputs["UV"], mapping.inputs["Vector"])
    links.new(mapping.outputs["Vector"], base.inputs["Vector"])
    attribute = nodes.new("ShaderNodeVertexColor")
    attribute.layer_name = "Col"
    multiply = nodes.new("ShaderNodeMix")
    multiply.data_type, multiply.blend_type = "RGBA", "MULTIPLY"
    multiply.inputs["Factor"].default_value = 1.0
    links.new(base.outputs["Color"], multiply.inputs[6])
    links.new(attribute.outputs["Color"], multiply.inputs[7])
    links.new(multiply.outputs[2], bsdf.inputs["Base Color"])
    rough = nodes.new("ShaderNodeTexImage")
    rough.image = image("rough", 128, ramp)
    rough.image.colorspace_settings.name = "Non-Color"
    second = nodes.new("ShaderNodeUVMap")
    second.uv_map = "second"
    links.new(second.outputs["UV"], rough.inputs["Vector"])
    split = nodes.new("ShaderNodeSeparateColor")
    links.new(rough.outputs["Color"], split.inputs["Color"])
    links.new(split.outputs["Green"], bsdf.inputs["Roughness"])
    links.new(split.outputs["Blue"], bsdf.inputs["Metallic"])
    cube.data.materials.append(material)
    bpy.ops.object.duplicate(linked=True)
    mirrored = bpy.context.object
    mirrored.location, mirrored.scale = (1.5, 0.0, 0.0), (-1.0, 1.0, 1.0)
    bpy.ops.export_scene.gltf(filepath=str(OUT / name), export_format="GLB", **export)


def morph() -> None:
    reset()
    bpy.ops.mesh.primitive_uv_sphere_add(segments=32, ring_count=16, radius=0.5)
    sphere = bpy.context.object
    bpy.ops.object.shade_smooth()
    sphere.shape_key_add(name="Basis")
    squash = sphere.shape_key_add(name="squash")
    for point in squash.data:
        x, y, z = point.co
        point.co = (x * 1.6, y * 1.6, z * 0.4)
    squash.value = 0.75
    material, _ = principled("red", **{"Base Color": (0.8, 0.1, 0.1, 1.0)})
    sphere.data.materials.append(material)
    bpy.ops.export_scene.gltf(filepath=str(OUT / "morph.glb"), export_format="GLB")


def maps() -> None:
    reset()
    folder = OUT / "maps"
    folder.mkdir(parents=True, exist_ok=True)
    bpy.ops.mesh.primitive_cube_add(size=1.0)
    cube = bpy.context.object
    material, bsdf = principled("direct")
    nodes, links = material.node_tree.nodes, material.node_tree.links

    def texture(name: str, pixels, colour: bool = True):
        made = bpy.data.images.new(name, 64, 64, alpha=True)
        y, x = np.mgrid[0:64, 0:64] / 64
        made.pixels.foreach_set(pixels(x, y).astype(np.float32).ravel())
        made.filepath_raw, made.file_format = str(folder / f"{name}.png"), "PNG"
        made.save()
        if not colour:
            made.colorspace_settings.name = "Non-Color"
        node = nodes.new("ShaderNodeTexImage")
        node.image = made
        return node

    def grey(values):
        return np.stack([values, values, values, np.ones_like(values)], -1)

    base = texture("base", lambda x, y: np.stack([x, y, 0.5 + 0 * x, 1 + 0 * x], -1))
    links.new(base.outputs["Color"], bsdf.inputs["Base Color"])
    links.new(base.outputs["Alpha"], bsdf.inputs["Alpha"])
    links.new(texture("rough", lambda x, y: grey(x), False).outputs["Color"],
              bsdf.inputs["Roughness"])
    links.new(texture("metal", lambda x, y: grey(y), False).outputs["Color"],
              bsdf.inputs["Metallic"])
    bumps = texture("normal", lambda x, y: np.stack(
        [0.5 + 0.3 * np.sin(x * 20), 0.5 + 0 * y, 0.9 + 0 * x, 1 + 0 * x], -1), False)
    normal_map = nodes.new("ShaderNodeNormalMap")
    normal_map.inputs["Strength"].default_value = 0.7
    links.new(bumps.outputs["Color"], normal_map.inputs["Color"])
    links.new(normal_map.outputs["Normal"], bsdf.inputs["Normal"])
    glow = texture("emit", lambda x, y: np.stack([(x > 0.8) * 1.0, 0 * x, 0 * x, 1 + 0 * x], -1))
    links.new(glow.outputs["Color"], bsdf.inputs["Emission Color"])
    bsdf.inputs["Emission Strength"].default_value = 1.0
    cube.data.materials.append(material)
    bpy.ops.wm.obj_export(filepath=str(folder / "cube.obj"), export_pbr_extensions=True,
                          path_mode="RELATIVE")
    bpy.ops.export_scene.gltf(filepath=str(folder / "cube.glb"), export_format="GLB")


def skinned() -> None:
    reset()
    bpy.ops.mesh.primitive_cylinder_add(vertices=16, radius=0.1, depth=2.0, location=(0, 0, 1))
    tube = bpy.context.object
    bpy.ops.object.mode_set(mode="EDIT")
    bpy.ops.mesh.select_all(action="SELECT")
    bpy.ops.mesh.subdivide(number_cuts=7)
    bpy.ops.object.mode_set(mode="OBJECT")
    bpy.ops.object.armature_add(location=(0, 0, 0))
    armature = bpy.context.object
    bpy.ops.object.mode_set(mode="EDIT")
    lower = armature.data.edit_bones[0]
    lower.head, lower.tail = (0, 0, 0), (0, 0, 1)
    upper = armature.data.edit_bones.new("upper")
    upper.head, upper.tail, upper.parent = (0, 0, 1), (0, 0, 2), lower
    bpy.ops.object.mode_set(mode="OBJECT")
    tube.select_set(True)
    armature.select_set(True)
    bpy.context.view_layer.objects.active = armature
    bpy.ops.object.parent_set(type="ARMATURE_AUTO")
    pose = armature.pose.bones["upper"]
    pose.rotation_mode = "XYZ"
    pose.rotation_euler = (math.radians(70), 0, 0)
    material, _ = principled("white", **{"Base Color": (0.8, 0.8, 0.8, 1.0)})
    tube.data.materials.append(material)
    bpy.ops.export_scene.gltf(filepath=str(OUT / "skinned.glb"), export_format="GLB",
                              export_animations=False, export_rest_position_armature=False)
    deformed = tube.evaluated_get(bpy.context.evaluated_depsgraph_get()).to_mesh()
    points = [tube.matrix_world @ v.co for v in deformed.vertices]
    # Blender's z up is glTF's y up, its y glTF's -z
    (OUT / "skinned_posed.json").write_text(json.dumps(
        [[round(p.x, 6), round(p.z, 6), round(-p.y, 6)] for p in points]))


def hash_names() -> None:
    reset()
    folder = OUT / "hash_names"
    folder.mkdir(parents=True, exist_ok=True)
    for i, (name, colour) in enumerate((("Material #25", (0.8, 0.05, 0.05, 1.0)),
                                        ("Material #26", (0.05, 0.05, 0.8, 1.0)))):
        bpy.ops.mesh.primitive_cube_add(size=1.0, location=(1.5 * i, 0.0, 0.0))
        material, _ = principled(name, **{"Base Color": colour})
        bpy.context.object.data.materials.append(material)
    bpy.ops.wm.obj_export(filepath=str(folder / "Chair #2.obj"), export_materials=True)


def lit() -> None:
    reset()
    bpy.ops.mesh.primitive_cube_add(size=1.0)
    material, _ = principled("teal", **{"Base Color": (0.05, 0.6, 0.6, 1.0)})
    bpy.context.object.data.materials.append(material)
    bpy.ops.object.light_add(type="SUN", location=(0.0, 0.0, 3.0))
    bpy.ops.object.camera_add(location=(1.0, -4.0, 1.0))
    bpy.ops.export_scene.gltf(filepath=str(OUT / "lit.glb"), export_format="GLB",
                              export_lights=True, export_cameras=True)


def variants() -> None:
    reset()
    bpy.context.preferences.addons["io_scene_gltf2"].preferences.KHR_materials_variants_ui = True
    bpy.ops.mesh.primitive_cube_add(size=1.0)
    cube = bpy.context.object
    red, _ = principled("red", **{"Base Color": (0.8, 0.05, 0.05, 1.0)})
    blue, _ = principled("blue", **{"Base Color": (0.05, 0.05, 0.8, 1.0)})
    cube.data.materials.append(red)
    for name in ("Crimson", "Navy"):
        bpy.context.scene.gltf2_KHR_materials_variants_variants.add().name = name
    for index, material in enumerate((red, blue)):
        mapping = cube.data.gltf2_variant_mesh_data.add()
        mapping.material_slot_index = 0
        mapping.material = material
        mapping.variants.add().variant.variant_idx = index
    bpy.ops.export_scene.gltf(filepath=str(OUT / "variants.glb"), export_format="GLB")


def normal_uv1() -> None:
    reset()
    bpy.ops.mesh.primitive_cube_add(size=1.0, rotation=(0.4, 0.3, 0.5))
    cube = bpy.context.object
    first = cube.data.uv_layers[0]
    second = cube.data.uv_layers.new(name="UVMap.001")
    for a, b in zip(first.data, second.data, strict=True):
        b.uv = (a.uv[1], 1.0 - a.uv[0])
    material, bsdf = principled("ridged", **{"Base Color": (0.7, 0.5, 0.2, 1.0),
                                             "Metallic": 1.0, "Roughness": 0.3})
    nodes, links = material.node_tree.nodes, material.node_tree.links
    ridges = image("ridges", 128, lambda x, y: np.stack(
        [0.5 + 0.35 * np.sin(x * 6 * np.pi), 0.5 + 0 * y, 0.85 + 0 * x, 1 + 0 * x], -1))
    ridges.colorspace_settings.name = "Non-Color"
    texture = nodes.new("ShaderNodeTexImage")
    texture.image = ridges
    uv_map = nodes.new("ShaderNodeUVMap")
    uv_map.uv_map = "UVMap.001"
    normal_map = nodes.new("ShaderNodeNormalMap")
    normal_map.uv_map = "UVMap.001"
    links.new(uv_map.outputs["UV"], texture.inputs["Vector"])
    links.new(texture.outputs["Color"], normal_map.inputs["Color"])
    links.new(normal_map.outputs["Normal"], bsdf.inputs["Normal"])
    cube.data.materials.append(material)
    bpy.ops.export_scene.gltf(filepath=str(OUT / "normal_uv1.glb"), export_format="GLB")


def standing() -> None:
    """A post 0.2 wide and deep and 1 tall (Blender's z), its top bevelled towards -y (the
    front), exported as STL and as PLY with Blender's own axes (Z up, Y forward)."""
    reset()
    bpy.ops.mesh.primitive_cube_add(size=1.0, location=(0.0, 0.0, 0.5), scale=(0.2, 0.2, 1.0))
    post = bpy.context.object
    bpy.ops.object.transform_apply(scale=True)
    for vertex in post.data.vertices:
        if vertex.co.z > 0.9 and vertex.co.y < 0:
            vertex.co.z = 0.8  # the front top edge lowered: the top slopes down to the front
    bpy.ops.wm.stl_export(filepath=str(OUT / "standing.stl"))
    bpy.ops.wm.ply_export(filepath=str(OUT / "standing.ply"), export_normals=False,
                          export_uv=False, export_colors="NONE")


WRITERS = {"textured": lambda: textured("textured.glb"),
           "textured_draco": lambda: textured("textured_draco.glb",
                                              export_draco_mesh_compression_enable=True),
           "textured_webp": lambda: textured("textured_webp.glb", export_image_format="WEBP"),
           "morph": morph, "maps": maps, "skinned": skinned, "hash_names": hash_names,
           "lit": lit, "variants": variants,
           "normal_uv1": normal_uv1, "standing": standing}

if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name in sys.argv[2:] or WRITERS:  # after OUT_FOLDER, the models to write (all)
        WRITERS[name]()
    print(f"wrote {OUT}")
