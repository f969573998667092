"""KTX2 textures (glTF's KHR_texture_basisu: Basis Universal ETC1S or UASTC) read by Pillow.

Importing this module registers a Pillow format for KTX2 files, so every place that opens a
texture with Pillow (the app's texture checks and decoding, and trimesh's glTF reader) opens
them too. Opening reads the header and checks it with the transcoder (Binomial's own, carried
by ``opengl_basisu``): its width and height are then held to the texture limits like any
image's, before a pixel is made. Loading transcodes level 0 to 8-bit RGBA (RGB where the file
has no alpha); the values are as stored, sRGB for colour textures as in a PNG. A KTX2 file that
is not one 2D image of a Basis Universal codec, or that the transcoder refuses, raises
``ValueError`` with its reason.
"""

from __future__ import annotations

import struct

import numpy as np
from PIL import Image, ImageFile

KTX2_IDENTIFIER = b"\xabKTX 20\xbb\r\n\x1a\n"
FORMAT = "KTX2"
_HEADER = struct.Struct("<12sIIIIIIII")  # identifier, vkFormat, typeSize, width, height,
#                                          depth, layers, faces, levels


def is_ktx2(prefix: bytes) -> bool:
    return prefix[:12] == KTX2_IDENTIFIER


class Ktx2ImageFile(ImageFile.ImageFile):
    format = FORMAT
    format_description = "KTX 2 texture (Basis Universal)"

    def _open(self) -> None:
        import opengl_basisu

        data = self.fp.read()
        if len(data) < _HEADER.size or not is_ktx2(data):
            raise SyntaxError("not a KTX2 file")
        _, _, _, width, height, depth, layers, faces, _ = _HEADER.unpack_from(data)
        if depth > 0 or layers > 0 or faces != 1:
            raise ValueError(f"the KTX2 header declares depth {depth}, {layers} layers and "
                             f"{faces} faces; a texture is one 2D image (depth 0, no layers, "
                             "1 face)")
        try:
            texture = opengl_basisu.Texture(data)
        except opengl_basisu.BasisuError as error:  # a ValueError, with the transcoder's reason
            raise ValueError(f"the KTX2 file cannot be read: {error}") from None
        if (texture.width, texture.height) != (width, height):
            raise ValueError(f"the KTX2 header says {width}x{height}, its image "
                             f"{texture.width}x{texture.height}")
        if texture.codec.is_hdr:
            raise ValueError(f"the KTX2 image is of the high dynamic range codec "
                             f"{texture.codec.name}, which is no texture glTF allows")
        self._size = (width, height)
        self._mode = "RGBA" if texture.has_alpha else "RGB"
        # the decoder is handed the parsed texture as its argument
        self.tile = [ImageFile._Tile(FORMAT, (0, 0, width, height), 0, (texture,))]


class Ktx2Decoder(ImageFile.PyDecoder):
    """Level 0 of the opened file's texture, transcoded to RGBA, given to Pillow whole."""

    _pulls_fd = True

    def decode(self, buffer: bytes | Image.SupportsArrayInterface) -> tuple[int, int]:
        import opengl_basisu

        (texture,) = self.args
        try:
            image = texture.transcode(opengl_basisu.Target.RGBA8, level=0)
        except opengl_basisu.BasisuError as error:
            raise ValueError(f"the KTX2 image cannot be decoded: {error}") from None
        pixels = np.ascontiguousarray(image.data).reshape(image.height, image.width, 4)
        if self.mode == "RGB":
            pixels = np.ascontiguousarray(pixels[..., :3])
        self.set_as_raw(pixels.tobytes(), self.mode)
        return -1, 0


def _register() -> None:
    Image.register_open(FORMAT, Ktx2ImageFile, is_ktx2)
    Image.register_extensions(FORMAT, [".ktx2"])
    Image.register_mime(FORMAT, "image/ktx2")
    Image.register_decoder(FORMAT, Ktx2Decoder)


_register()
