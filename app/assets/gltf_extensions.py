"""Which glTF extensions the app draws, and what it does with a file that names others.

A file that *requires* an extension the app cannot draw is refused: drawing it without would
show something else than the file means (compressed geometry as nothing, a texture it cannot
decode as white). One that only *uses* such an extension is drawn without it, and the loader
says so in ``Model.warnings``. The extensions the app leaves out on purpose (``LEFT_OUT``: a
scene's lights, which Blender's exporter writes as *required* whenever it exports lights) are
no part of how a product looks here, lit by the app's studio: a file that requires one is
drawn, with the same warning.
"""

from __future__ import annotations

from app.assets.gltf_document import GltfDocument
from app.errors import AssetError

SUPPORTED_EXTENSIONS = frozenset({
    "KHR_draco_mesh_compression",  # decoded before trimesh reads the file (app.assets.draco)
    "EXT_meshopt_compression",  # decoded before anything reads the views (app.assets.meshopt)
    "KHR_mesh_quantization",  # integer attributes, which trimesh reads
    "EXT_mesh_gpu_instancing",  # each instance a mesh of its own (app.assets.gpu_instancing)
    "KHR_materials_emissive_strength",
    # material extensions: factors drawn (app.assets.material_extensions), textures noted
    "KHR_materials_unlit",
    "KHR_materials_clearcoat",
    "KHR_materials_ior",
    "KHR_materials_specular",
    "KHR_materials_transmission",
    "KHR_materials_volume",
    "KHR_materials_sheen",
    "KHR_materials_anisotropy",
    "KHR_materials_iridescence",
    "KHR_materials_pbrSpecularGlossiness",  # converted to metallic-roughness at load
    "KHR_materials_variants",  # the default materials are drawn; `app import-gltf` reads all
    "KHR_texture_transform",  # per texture slot, in the live view, the still and exports
    "EXT_texture_webp",  # decoded with Pillow (app.assets.texture_sources)
    "KHR_texture_basisu",  # the PNG/JPEG fallback drawn, else the KTX2 (app.assets.ktx2)
    # metadata (authors, licences): nothing in them is drawn, so nothing is left out
    "KHR_xmp",
    "KHR_xmp_json_ld",
    # the triangles as they are: it records that they fan out of n-gons, for tools that
    # rebuild them (assimp writes it)
    "FB_ngon_encoding",
})
# extensions left out on purpose, and what is drawn instead (a used one is named so)
LEFT_OUT = {
    "KHR_lights_punctual": "its lights are not used: every product is lit by the app's studio "
                           "environment, in the live view and the still alike",
    "EXT_lights_image_based": "its environment light is not used: every product is lit by the "
                              "app's studio environment, in the live view and the still alike",
    "KHR_animation_pointer": "its animations are not played: the file's still pose is drawn",
}


# what to do with a file that requires an extension the app cannot draw, where there is a way
WHAT_TO_DO = {
    "KHR_meshopt_compression": "write it with EXT_meshopt_compression instead (gltfpack -ce "
                               "ext), which the app decodes: the meshopt decoder here predates "
                               "the KHR version's codec and its COLOR filter",
}


def _names(document: GltfDocument, key: str) -> list[str]:
    names = document.header.get(key, [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise AssetError("expected a list of extension names", file=str(document.path),
                         field=key)
    return names


def check_extensions(document: GltfDocument) -> list[str]:
    """Refuse a required extension the app cannot draw; warnings for used ones it leaves out
    (those it leaves out on purpose whether or not they are required)."""
    required = _names(document, "extensionsRequired")
    for name in required:
        if name not in SUPPORTED_EXTENSIONS and name not in LEFT_OUT:
            advice = f": {WHAT_TO_DO[name]}" if name in WHAT_TO_DO else ""
            raise AssetError(f"requires the glTF extension {name!r}, which this app cannot "
                             f"draw{advice}", file=str(document.path),
                             field="extensionsRequired")
    return [f"{document.path}: uses the glTF extension {name!r}: {LEFT_OUT[name]}"
            if name in LEFT_OUT else
            f"{document.path}: uses the glTF extension {name!r}, which this app does not "
            "support; drawn without it"
            for name in dict.fromkeys([*_names(document, "extensionsUsed"), *required])
            if name not in SUPPORTED_EXTENSIONS]
