"""The Blender half of bench/reference_cycles.py: runs in bench/.venv-cycles (the ``bpy`` wheel,
which pins numpy<2 and so cannot share the app's virtualenv), never in the app's own.

    bench/.venv-cycles/bin/python bench/cycles_blender.py JOB.json

JOB.json (written by reference_cycles.py, every coordinate in the app's frame: metres, Y up):
  model        the model file, imported with Blender's own importer (glTF, OBJ, STL, PLY; an
               OBJ's data maps then read as data, ``data_maps_as_data``)
  to_app       4x4 row-major matrix from the file's coordinates (Y up, as glTF) to the app's
               world, i.e. what the app's loader and scene put on top of the file's own nodes
  camera       position, target, up, fov_deg (vertical; horizontal in a portrait frame),
               near, far
  environment  hdr (file), rotation_deg (about the vertical), intensity; null: no world light
  see_through  optional: a grey level; a path from the camera that met nothing but glass
               (transmission, any roughness) and a camera ray meet a world of that radiance
               instead of the environment (``see_through_world``); with film_transparent_glass
               off, two renders (0 and 1) give the share glass passes on in each channel
  size, spp, max_depth, denoise, seed, threads, exr (where to write the linear image)
  ladder       optional: [[spp, exr], ...] rendered one after another in this session after a
               1-sample warm-up, with persistent data (the scene synced once, as our renderer
               keeps a loaded model), each timed on its own
  adaptive     optional: Cycles' adaptive sampling (default off: the same samples as ours)
  distribution optional: the microfacet model of every Principled BSDF ("GGX", single
               scattering like Mitsuba's principled BSDF; Blender's importer sets "MULTI_GGX")
  thin_films   optional: {material name: {ior, min, max, texture, texcoord}}, glTF's
               KHR_materials_iridescence read by reference_cycles.py (``gltf_thin_film``)

Writes a linear, premultiplied RGBA OpenEXR (float32, Blender's scene-linear Rec.709, no view
transform: the app applies its own tone curve) and prints one JSON line with timings.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import bpy
from mathutils import Matrix, Vector

# glTF/app coordinates (x, y, z), Y up  ->  Blender's (x, -z, y), Z up: what Blender's glTF
# importer applies to every file it reads.
Y_UP_TO_Z_UP = Matrix(((1, 0, 0, 0), (0, 0, -1, 0), (0, 1, 0, 0), (0, 0, 0, 1)))


def to_blender(point) -> Vector:
    x, y, z = (float(v) for v in point)
    return Vector((x, -z, y))


def clear_scene() -> None:
    bpy.ops.wm.read_factory_settings(use_empty=True)


def import_model(path: Path) -> list:
    suffix = path.suffix.lower()
    before = set(bpy.data.objects)
    if suffix in (".gltf", ".glb"):
        bpy.ops.import_scene.gltf(filepath=str(path))
    elif suffix == ".obj":
        # OBJ has no axis convention; the app reads it as Y up, like glTF
        bpy.ops.wm.obj_import(filepath=str(path), forward_axis="NEGATIVE_Z", up_axis="Y")
        data_maps_as_data()
    elif suffix == ".stl":
        bpy.ops.wm.stl_import(filepath=str(path), forward_axis="NEGATIVE_Z", up_axis="Y")
    elif suffix == ".ply":
        bpy.ops.wm.ply_import(filepath=str(path), forward_axis="NEGATIVE_Z", up_axis="Y")
    else:
        raise SystemExit(f"{path}: no Blender importer for {suffix}")
    new = [o for o in bpy.data.objects if o not in before]
    # the app draws the file's meshes only: no lights or cameras that the file carries
    for obj in [o for o in new if o.type in ("LIGHT", "CAMERA")]:
        bpy.data.objects.remove(obj, do_unlink=True)
    return [o for o in bpy.data.objects if o in set(new)]


# Principled BSDF inputs whose texture holds numbers, not colours
DATA_SOCKETS = frozenset({"Metallic", "Roughness", "Specular IOR Level", "Coat Weight",
                          "Coat Roughness", "Sheen Weight", "Sheen Roughness", "Anisotropic",
                          "Anisotropic Rotation", "Transmission Weight", "IOR"})


def data_maps_as_data() -> int:
    """Every image that Blender's OBJ importer (5.0) hangs on a data input (metallic,
    roughness, ... and a normal map's colour) read as Non-Color, as the MTL means them and as
    Blender's own exporter wrote them: the importer leaves them sRGB, which draws an MTL's
    roughness map glossier and bends its normal map. An image also used as a colour is left
    as it is. How many images were changed."""
    as_data, as_colour = set(), set()
    for material in bpy.data.materials:
        tree = material.node_tree if material.use_nodes else None
        for link in tree.links if tree else ():
            if link.from_node.type != "TEX_IMAGE" or link.from_node.image is None:
                continue
            data = (link.to_socket.name in DATA_SOCKETS
                    or link.to_node.type == "NORMAL_MAP" and link.to_socket.name == "Color")
            if link.from_socket.name == "Color":
                (as_data if data else as_colour).add(link.from_node.image)
    for image in as_data - as_colour:
        image.colorspace_settings.name = "Non-Color"
    return len(as_data - as_colour)


def place(objects: list, to_app: list[list[float]]) -> None:
    """Put the app's transform (given in Y-up coordinates) on top of the imported roots."""
    matrix = Y_UP_TO_Z_UP @ Matrix(to_app) @ Y_UP_TO_Z_UP.inverted()
    for obj in objects:
        if obj.parent is None:
            obj.matrix_world = matrix @ obj.matrix_world


def add_camera(camera: dict, size: tuple[int, int]):
    position = to_blender(camera["position"])
    forward = (to_blender(camera["target"]) - position).normalized()
    up = to_blender(camera["up"])
    right = forward.cross(up).normalized()
    true_up = right.cross(forward)
    rotation = Matrix((right, true_up, -forward)).transposed()  # columns: x, y, -view
    data = bpy.data.cameras.new("reference")
    data.lens_unit = "FOV"
    data.sensor_fit = "VERTICAL" if size[0] >= size[1] else "HORIZONTAL"
    data.angle = math.radians(float(camera["fov_deg"]))
    data.clip_start = float(camera["near"])
    data.clip_end = float(camera["far"])
    obj = bpy.data.objects.new("reference", data)
    obj.matrix_world = Matrix.Translation(position) @ rotation.to_4x4()
    bpy.context.scene.collection.objects.link(obj)
    bpy.context.scene.camera = obj
    return obj


def add_world(environment: dict | None) -> None:
    world = bpy.data.worlds.new("reference")
    bpy.context.scene.world = world
    world.use_nodes = True
    nodes, links = world.node_tree.nodes, world.node_tree.links
    nodes.clear()
    out = nodes.new("ShaderNodeOutputWorld")
    background = nodes.new("ShaderNodeBackground")
    links.new(background.outputs["Background"], out.inputs["Surface"])
    if environment is None:
        background.inputs["Strength"].default_value = 0.0
        return
    coords = nodes.new("ShaderNodeTexCoord")
    mapping = nodes.new("ShaderNodeMapping")
    mapping.vector_type = "VECTOR"
    # Blender's equirectangular map puts its centre column at +X (Blender) and turns the other
    # way round the vertical from Mitsuba's; with the app's 90 degree base turn of Mitsuba's
    # map (app/photoreal/scene_build.py) the two agree when Blender turns by -rotation.
    # bench/reference_cycles.py --check-environment measures this on the bare environment.
    mapping.inputs["Rotation"].default_value = (0.0, 0.0,
                                                math.radians(-float(environment["rotation_deg"])))
    texture = nodes.new("ShaderNodeTexEnvironment")
    texture.image = bpy.data.images.load(environment["hdr"])
    texture.interpolation = "Linear"
    links.new(coords.outputs["Generated"], mapping.inputs["Vector"])
    links.new(mapping.outputs["Vector"], texture.inputs["Vector"])
    links.new(texture.outputs["Color"], background.inputs["Color"])
    background.inputs["Strength"].default_value = float(environment["intensity"])


def see_through_world(level: float) -> None:
    """The world's radiance is ``level`` (grey) for a camera ray and for a ray that has crossed
    only transmissive surfaces since the camera; other rays (and light sampled from any
    surface) keep the environment. Cycles' Light Path node says so: such a ray is a
    transmission ray whose ray depth (one more than its bounces, at the background) is one more
    than its transmission depth; light sampling evaluates the world with neither flag."""
    tree = bpy.context.scene.world.node_tree
    nodes, links = tree.nodes, tree.links
    out = next(n for n in nodes if n.type == "OUTPUT_WORLD")
    environment = out.inputs["Surface"].links[0].from_socket
    flat = nodes.new("ShaderNodeBackground")
    flat.inputs["Color"].default_value = (level, level, level, 1.0)
    flat.inputs["Strength"].default_value = 1.0
    path = nodes.new("ShaderNodeLightPath")

    def math_node(operation: str, *values) -> bpy.types.NodeSocket:
        node = nodes.new("ShaderNodeMath")
        node.operation = operation
        for socket, value in zip(node.inputs, values, strict=False):
            if isinstance(value, bpy.types.NodeSocket):
                links.new(value, socket)
            else:
                socket.default_value = value
        return node.outputs[0]

    # the compare's third input is its tolerance: depths are whole numbers
    only_glass = math_node("MULTIPLY", path.outputs["Is Transmission Ray"], math_node(
        "COMPARE", path.outputs["Ray Depth"],
        math_node("ADD", path.outputs["Transmission Depth"], 1.0), 0.5))
    seen = math_node("MAXIMUM", path.outputs["Is Camera Ray"], only_glass)
    mix = nodes.new("ShaderNodeMixShader")
    links.new(seen, mix.inputs["Fac"])
    links.new(environment, mix.inputs[1])
    links.new(flat.outputs["Background"], mix.inputs[2])
    links.new(mix.outputs["Shader"], out.inputs["Surface"])


def cull_see_through_back_faces() -> int:
    """glTF culls a single-sided material's back faces; Blender's importer marks such a
    material (``use_backface_culling``), which only its rasterisers honour. For the see-through
    ones (a Principled BSDF whose alpha is below 1 or comes from a texture), as our renderers
    draw them, Cycles is given the same: a transparent BSDF where the face is seen from
    behind. How many materials were changed."""
    count = 0
    for material in bpy.data.materials:
        tree = material.node_tree if material.use_nodes else None
        if tree is None or not material.use_backface_culling:
            continue
        principled = [n for n in tree.nodes if n.type == "BSDF_PRINCIPLED"]
        outputs = [n for n in tree.nodes if n.type == "OUTPUT_MATERIAL"]
        alpha = principled[0].inputs["Alpha"] if principled else None
        if not outputs or alpha is None or (not alpha.is_linked and alpha.default_value >= 1):
            continue
        surface = outputs[0].inputs["Surface"]
        if not surface.is_linked:
            continue
        shader = surface.links[0].from_socket
        mix = tree.nodes.new("ShaderNodeMixShader")
        behind = tree.nodes.new("ShaderNodeNewGeometry")
        clear = tree.nodes.new("ShaderNodeBsdfTransparent")
        tree.links.new(behind.outputs["Backfacing"], mix.inputs["Fac"])
        tree.links.new(shader, mix.inputs[1])
        tree.links.new(clear.outputs["BSDF"], mix.inputs[2])
        tree.links.new(mix.outputs["Shader"], surface)
        count += 1
    return count


def feed(tree, socket, into) -> None:
    """What feeds ``socket`` (a link, or its own value) feeds ``into`` too."""
    if socket.is_linked:
        tree.links.new(socket.links[0].from_socket, into)
    else:
        into.default_value = socket.default_value


def cut_out(tree, bsdf, shader):
    """``shader`` where the Principled BSDF's alpha (a MASK's cut, a BLEND's coverage) says
    there is surface, nothing (a transparent BSDF) where it says there is none; the BSDF's own
    alpha is then 1. What ``bsdf`` applied to itself alone now covers the whole of ``shader``."""
    alpha = bsdf.inputs["Alpha"]
    if not alpha.is_linked and alpha.default_value >= 1:
        return shader
    cut = tree.nodes.new("ShaderNodeMixShader")
    feed(tree, alpha, cut.inputs["Fac"])
    if alpha.is_linked:
        tree.links.remove(alpha.links[0])
    alpha.default_value = 1.0
    hole = tree.nodes.new("ShaderNodeBsdfTransparent")
    tree.links.new(hole.outputs["BSDF"], cut.inputs[1])
    tree.links.new(shader, cut.inputs[2])
    return cut.outputs["Shader"]


def thin_walled_glass() -> int:
    """glTF draws a transmissive material without KHR_materials_volume as thin-walled: light
    crosses each surface straight, tinted by the base colour, as through a sheet of glass (a
    watch's crystal modelled as one surface). Blender's Principled BSDF always refracts into
    a solid, and a ray that entered such a single surface never left it (total internal
    reflection on the way out): the dial under the crystal came out grey. Cycles is given the
    thin wall: the transmitted share a mix, by the Fresnel of the material's IOR, of a
    transparent BSDF in the base colour and a glossy BSDF of its roughness; the rest the
    Principled BSDF without transmission; and the whole cut out where the material's alpha
    says (``cut_out``). How many materials were changed."""
    count = 0
    for material in bpy.data.materials:
        tree = material.node_tree if material.use_nodes else None
        if tree is None:
            continue
        principled = [n for n in tree.nodes if n.type == "BSDF_PRINCIPLED"]
        outputs = [n for n in tree.nodes if n.type == "OUTPUT_MATERIAL"]
        if len(principled) != 1 or not outputs or outputs[0].inputs["Volume"].is_linked:
            continue
        bsdf = principled[0]
        weight = bsdf.inputs["Transmission Weight"]
        if not weight.is_linked and weight.default_value <= 0:
            continue
        surface = outputs[0].inputs["Surface"]
        if not surface.is_linked or surface.links[0].from_node != bsdf:
            continue

        # the Fresnel node takes a back face as the inside of a solid (the IOR inverted, total
        # reflection past the critical angle): a sheet has no inside, its back faces are given
        # the inverse so that both sides reflect alike
        ior = float(bsdf.inputs["IOR"].default_value)
        side = tree.nodes.new("ShaderNodeNewGeometry")
        either = tree.nodes.new("ShaderNodeMix")
        either.data_type = "FLOAT"
        tree.links.new(side.outputs["Backfacing"], either.inputs["Factor"])
        either.inputs["A"].default_value = ior
        either.inputs["B"].default_value = 1.0 / ior
        fresnel = tree.nodes.new("ShaderNodeFresnel")
        tree.links.new(either.outputs["Result"], fresnel.inputs["IOR"])
        clear = tree.nodes.new("ShaderNodeBsdfTransparent")
        feed(tree, bsdf.inputs["Base Color"], clear.inputs["Color"])
        glossy = tree.nodes.new("ShaderNodeBsdfGlossy")
        glossy.distribution = "GGX"
        feed(tree, bsdf.inputs["Roughness"], glossy.inputs["Roughness"])
        sheet = tree.nodes.new("ShaderNodeMixShader")
        tree.links.new(fresnel.outputs["Fac"], sheet.inputs["Fac"])
        tree.links.new(clear.outputs["BSDF"], sheet.inputs[1])
        tree.links.new(glossy.outputs["BSDF"], sheet.inputs[2])
        mix = tree.nodes.new("ShaderNodeMixShader")
        feed(tree, weight, mix.inputs["Fac"])
        if weight.is_linked:
            tree.links.remove(weight.links[0])
        weight.default_value = 0.0
        tree.links.new(bsdf.outputs["BSDF"], mix.inputs[1])
        tree.links.new(sheet.outputs["Shader"], mix.inputs[2])
        tree.links.new(cut_out(tree, bsdf, mix.outputs["Shader"]), surface)
        count += 1
    return count


class NodeMath:
    """Arithmetic on a node tree's values: numbers stay numbers, a linked input becomes a Math
    node. ``value`` reads what feeds a socket (its link, or its number); ``into`` feeds one."""

    FOLD = {"ADD": lambda a, b: a + b, "SUBTRACT": lambda a, b: a - b,
            "MULTIPLY": lambda a, b: a * b, "DIVIDE": lambda a, b: a / b,
            "MAXIMUM": max, "MINIMUM": min, "POWER": lambda a, b: a ** b,
            "SQRT": lambda a, _: math.sqrt(a)}

    def __init__(self, tree):
        self.tree = tree

    @staticmethod
    def value(socket):
        return socket.links[0].from_socket if socket.is_linked else float(socket.default_value)

    def op(self, operation: str, a, b=0.0):
        if isinstance(a, float) and isinstance(b, float):
            return float(self.FOLD[operation](a, b))
        node = self.tree.nodes.new("ShaderNodeMath")
        node.operation = operation
        for socket, x in zip(node.inputs, (a, b), strict=False):  # a third input unused
            if isinstance(x, float):
                socket.default_value = x
            else:
                self.tree.links.new(x, socket)
        return node.outputs[0]

    def into(self, x, socket) -> None:
        """``x`` feeds ``socket`` through a Value node when it is a number, so that a socket's
        soft range does not clamp it."""
        if isinstance(x, float):
            node = self.tree.nodes.new("ShaderNodeValue")
            node.outputs[0].default_value = x
            x = node.outputs[0]
        if socket.is_linked:
            self.tree.links.remove(socket.links[0])
        self.tree.links.new(x, socket)


# as in app/scene/material_looks.py: the narrowest GGX alpha ours draws, Disney's aspect
NARROWEST_ALPHA = 0.001
DISNEY_ASPECT_PER_ANISOTROPIC = 0.9
CYCLES_NARROWEST_RATIO = 1.0 - DISNEY_ASPECT_PER_ANISOTROPIC  # Cycles saturates anisotropic


def uv_mapped(material) -> bool:
    """Every mesh that wears ``material`` has the first UV map Blender's importer makes."""
    meshes = [o.data for o in bpy.data.objects
              if o.type == "MESH" and any(s.material == material for s in o.material_slots)]
    return bool(meshes) and all("UVMap" in mesh.uv_layers for mesh in meshes)


def bare_metal(bsdf) -> bool:
    """A Principled BSDF that is all metal: nothing but its metallic lobe (and no cut-outs)."""
    inputs = bsdf.inputs

    def constant(name: str, value: float) -> bool:
        return not inputs[name].is_linked and abs(inputs[name].default_value - value) < 1e-6

    return (constant("Metallic", 1.0) and constant("Coat Weight", 0.0)
            and constant("Sheen Weight", 0.0) and constant("Alpha", 1.0)
            and (constant("Emission Strength", 0.0)
                 or (not inputs["Emission Color"].is_linked
                     and max(inputs["Emission Color"].default_value[:3]) <= 0)))


def stretched_metal(tree, bsdf, roughness, anisotropy) -> None:
    """The metal ``bsdf`` draws, as Glossy BSDFs (alpha r^2 / (1 + a) along the tangent, r^2
    (1 + a) across it, a down to -0.99) of the base colour, whitening towards grazing angles by
    Schlick's weight (1 - cos)^5 as a metal's Fresnel does, with its normal, tangent and
    rotation."""
    m = NodeMath(tree)
    lobes = []
    for colour in (bsdf.inputs["Base Color"], None):
        glossy = tree.nodes.new("ShaderNodeBsdfGlossy")
        glossy.distribution = bsdf.distribution
        if colour is None:
            glossy.inputs["Color"].default_value = (1.0, 1.0, 1.0, 1.0)
        else:
            feed(tree, colour, glossy.inputs["Color"])
        m.into(roughness, glossy.inputs["Roughness"])
        m.into(anisotropy, glossy.inputs["Anisotropy"])
        for name, into in (("Anisotropic Rotation", "Rotation"), ("Normal", "Normal"),
                           ("Tangent", "Tangent")):
            if bsdf.inputs[name].is_linked or name == "Anisotropic Rotation":
                feed(tree, bsdf.inputs[name], glossy.inputs[into])
        lobes.append(glossy.outputs[0])
    facing = tree.nodes.new("ShaderNodeLayerWeight")  # Facing at blend 0.5: 1 - |cos|
    if bsdf.inputs["Normal"].is_linked:
        feed(tree, bsdf.inputs["Normal"], facing.inputs["Normal"])
    mix = tree.nodes.new("ShaderNodeMixShader")
    tree.links.new(m.op("POWER", facing.outputs["Facing"], 5.0), mix.inputs["Fac"])
    tree.links.new(lobes[0], mix.inputs[1])
    tree.links.new(lobes[1], mix.inputs[2])
    surface = bsdf.outputs["BSDF"].links[0].to_socket
    tree.links.new(mix.outputs["Shader"], surface)


def gltf_anisotropy() -> int:
    """KHR_materials_anisotropy's lobe in Cycles' terms. Blender's importer puts glTF's
    strength straight into the Principled BSDF's Anisotropic and links its Tangent only when
    the material has an anisotropy texture. But Cycles stretches Disney's way (alphas r^2/a
    along the tangent and r^2 a across it, a = sqrt(1 - 0.9 anisotropic)), round a tangent
    that, unlinked, circles the object's Z axis; glTF stretches alpha_t = mix(r^2, 1, s^2)
    along the UV map's tangent and keeps alpha_b = r^2 across it. Each such BSDF gets glTF's
    alphas and the first UV map's tangent. The Principled BSDF takes them as Disney's roughness
    and anisotropic (what app/scene/material_looks.py ``disney_anisotropy`` gives our still,
    here as math nodes), but it stops at a ratio of 10:1 (where the alphas keep glTF's product);
    a bare metal, whose whole look is the stretched lobe, is drawn by Glossy BSDFs, which
    stretch as far as glTF does (``stretched_metal``). How many were changed."""
    count = 0
    for material in bpy.data.materials:
        tree = material.node_tree if material.use_nodes else None
        for bsdf in [n for n in tree.nodes if n.type == "BSDF_PRINCIPLED"] if tree else ():
            strength_socket = bsdf.inputs["Anisotropic"]
            if not strength_socket.is_linked and strength_socket.default_value <= 0:
                continue
            m = NodeMath(tree)
            r = m.value(bsdf.inputs["Roughness"])
            s = m.value(strength_socket)
            across = m.op("MAXIMUM", m.op("MULTIPLY", r, r), NARROWEST_ALPHA)
            stretch = m.op("MULTIPLY", m.op("SUBTRACT", 1.0, across), m.op("MULTIPLY", s, s))
            along = m.op("ADD", across, stretch)
            ratio = m.op("DIVIDE", across, along)
            roughness = m.op("SQRT", m.op("SQRT", m.op("MULTIPLY", along, across)))
            tangent = bsdf.inputs["Tangent"]
            if not tangent.is_linked and uv_mapped(material):
                uv_tangent = tree.nodes.new("ShaderNodeTangent")
                uv_tangent.direction_type = "UV_MAP"
                uv_tangent.uv_map = "UVMap"
                tree.links.new(uv_tangent.outputs["Tangent"], tangent)
            if bare_metal(bsdf):
                stretched_metal(tree, bsdf, roughness, m.op("SUBTRACT", m.op("SQRT", ratio), 1.0))
            else:
                capped = m.op("MAXIMUM", ratio, CYCLES_NARROWEST_RATIO)
                m.into(m.op("DIVIDE", m.op("SUBTRACT", 1.0, capped),
                            DISNEY_ASPECT_PER_ANISOTROPIC), strength_socket)
                m.into(roughness, bsdf.inputs["Roughness"])
            count += 1
    return count


def gltf_attenuation() -> int:
    """KHR_materials_volume's absorption in Cycles' terms. Blender's importer gives a Volume
    Absorption node the attenuation colour c and the density 1 / d; Cycles absorbs
    (1 - c) x density per metre, glTF -ln(c) / d (what remains of the light after d is c).
    Each such node gets a colour and density whose product is glTF's: the density of the
    channel that absorbs most, the colour 1 - the share each channel takes of it. How many
    nodes were changed."""
    count = 0
    for material in bpy.data.materials:
        tree = material.node_tree if material.use_nodes else None
        for node in [n for n in tree.nodes if n.type == "VOLUME_ABSORPTION"] if tree else ():
            colour, density = node.inputs["Color"], node.inputs["Density"]
            if colour.is_linked or density.is_linked or density.default_value <= 0:
                continue
            sigma = [-math.log(max(c, 1e-6)) * density.default_value
                     for c in colour.default_value[:3]]
            most = max(sigma)
            if most <= 0:
                continue
            colour.default_value = (*(1.0 - s / most for s in sigma), 1.0)
            density.default_value = most
            count += 1
    return count


UV_MAPS = ("UVMap", "UVMap.001")  # Blender's importer's names of TEXCOORD_0 and _1


def gltf_thin_film(films: dict) -> int:
    """KHR_materials_iridescence as Cycles' thin film on the materials ``films`` names
    (Blender's importer reads none of it; reference_cycles.py ``with_thin_films`` reads it
    from the file): its IOR, and its thickness in nanometres, the maximum, or from the minimum
    to the maximum by the thickness texture's green on its UV map. How many Principled BSDFs
    got one."""
    count = 0
    for name, film in films.items():
        material = bpy.data.materials.get(name)
        tree = material.node_tree if material is not None and material.use_nodes else None
        for bsdf in [n for n in tree.nodes if n.type == "BSDF_PRINCIPLED"] if tree else ():
            bsdf.inputs["Thin Film IOR"].default_value = film["ior"]
            thickness = bsdf.inputs["Thin Film Thickness"]
            thickness.default_value = film["max"]
            if film["texture"]:
                image = tree.nodes.new("ShaderNodeTexImage")
                image.image = bpy.data.images.load(film["texture"], check_existing=True)
                image.image.colorspace_settings.name = "Non-Color"
                uv = tree.nodes.new("ShaderNodeUVMap")
                uv.uv_map = UV_MAPS[film["texcoord"]]
                tree.links.new(uv.outputs["UV"], image.inputs["Vector"])
                channels = tree.nodes.new("ShaderNodeSeparateColor")
                tree.links.new(image.outputs["Color"], channels.inputs["Color"])
                span = tree.nodes.new("ShaderNodeMapRange")
                span.inputs["To Min"].default_value = film["min"]
                span.inputs["To Max"].default_value = film["max"]
                tree.links.new(channels.outputs["Green"], span.inputs["Value"])
                tree.links.new(span.outputs["Result"], thickness)
            count += 1
    return count


def set_distribution(name: str) -> int:
    """Every Principled (and Glossy) BSDF's microfacet distribution set to ``name``; how many
    there were."""
    count = 0
    for material in bpy.data.materials:
        for node in material.node_tree.nodes if material.node_tree else ():
            if node.type in ("BSDF_PRINCIPLED", "BSDF_GLOSSY", "BSDF_ANISOTROPIC"):
                node.distribution = name
                count += 1
    return count


def configure(job: dict) -> None:
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    cycles = scene.cycles
    cycles.device = "CPU"
    cycles.samples = int(job["spp"])
    cycles.use_adaptive_sampling = bool(job.get("adaptive", False))  # off: exactly spp
    cycles.seed = int(job.get("seed", 0))
    cycles.use_denoising = bool(job["denoise"])
    if job["denoise"]:
        cycles.denoiser = "OPENIMAGEDENOISE"
        cycles.denoising_input_passes = "RGB_ALBEDO_NORMAL"
        cycles.denoising_prefilter = "ACCURATE"
    depth = int(job["max_depth"])
    cycles.max_bounces = depth
    cycles.diffuse_bounces = depth
    cycles.glossy_bounces = depth
    cycles.transmission_bounces = depth
    cycles.volume_bounces = depth
    cycles.transparent_max_bounces = max(depth, 8)
    cycles.sample_clamp_direct = 0.0  # a reference: no clamping, caustics on (the defaults
    cycles.sample_clamp_indirect = 0.0  # clamp indirect light at 10)
    # nor Filter Glossy, which roughens glossy and glass surfaces met after a diffuse bounce
    # to cut noise (default 1): a white ball inside a clear glass shell lost a quarter of its
    # light by it (display 208 where unblurred paths give 235; ours 234)
    cycles.blur_glossy = 0.0
    cycles.pixel_filter_type = "BOX"  # Mitsuba's film uses a one-pixel box too
    cycles.filter_width = 1.0
    scene.render.film_transparent = bool(job["transparent"])
    # glass over a transparent film lets the background through, as our still does
    # (app/photoreal/see_through.py): at any roughness, the share a path passes on through
    # glass alone is transparency
    cycles.film_transparent_glass = bool(job["transparent"]) and job.get("see_through") is None
    cycles.film_transparent_roughness = 1.0
    width, height = job["size"]
    scene.render.resolution_x, scene.render.resolution_y = int(width), int(height)
    scene.render.resolution_percentage = 100
    if job.get("threads"):
        scene.render.threads_mode = "FIXED"
        scene.render.threads = int(job["threads"])
    scene.view_settings.view_transform = "Standard"
    scene.view_settings.look = "None"
    scene.view_settings.exposure = 0.0
    scene.view_settings.gamma = 1.0
    settings = scene.render.image_settings
    settings.file_format = "OPEN_EXR"
    settings.color_mode = "RGBA"
    settings.color_depth = "32"
    settings.exr_codec = "ZIP"
    scene.render.filepath = str(job["exr"])


def main(job_path: str) -> int:
    job = json.loads(Path(job_path).read_text())
    started = time.perf_counter()
    clear_scene()
    objects = import_model(Path(job["model"])) if job.get("model") else []
    place(objects, job["to_app"])
    culled = cull_see_through_back_faces()
    thin = thin_walled_glass()
    anisotropic = gltf_anisotropy()
    absorbing = gltf_attenuation()
    films = gltf_thin_film(job.get("thin_films") or {})
    if job.get("distribution"):
        set_distribution(job["distribution"])
    add_camera(job["camera"], tuple(job["size"]))
    add_world(job["environment"])
    if job.get("see_through") is not None:
        see_through_world(float(job["see_through"]))
    configure(job)
    loaded = time.perf_counter()
    meshes = [o for o in objects if o.type == "MESH"]
    report = {"load_s": loaded - started, "meshes": len(meshes), "culled_materials": culled,
              "thin_walled_materials": thin, "anisotropic_materials": anisotropic,
              "absorbing_volumes": absorbing, "thin_films": films,
              "blender": bpy.app.version_string}
    if job.get("ladder"):
        report["renders"] = render_ladder(job["ladder"])
    else:
        bpy.ops.render.render(write_still=True)
        report["render_s"] = time.perf_counter() - loaded
    print(json.dumps(report))
    return 0


def render_ladder(ladder: list) -> list[dict]:
    scene = bpy.context.scene
    scene.render.use_persistent_data = True
    final = scene.render.filepath
    scene.cycles.samples = 1
    scene.render.filepath = str(Path(final).with_name("warm_up.exr"))
    started = time.perf_counter()
    bpy.ops.render.render(write_still=True)
    renders = [{"spp": 0, "render_s": time.perf_counter() - started}]
    for spp, exr in ladder:
        scene.cycles.samples = int(spp)
        scene.render.filepath = str(exr)
        started = time.perf_counter()
        bpy.ops.render.render(write_still=True)
        renders.append({"spp": int(spp), "render_s": time.perf_counter() - started})
    return renders


if __name__ == "__main__":
    sys.exit(main(sys.argv[-1]))
