"""Every limit on what the app reads from outside, in one place (README: "Limits").

Files come from designers, codes from the public: each reader checks its input against these
numbers before it parses, so no file or code can hang the app or take its memory. The numbers are
far above anything a real product needs.
"""

from __future__ import annotations

import json
import re
import stat
import sys
from pathlib import Path
from typing import Any

from app.errors import AppError

# product, material and kiosk files (YAML)
MAX_YAML_BYTES = 1_000_000  # the sample products are 5-12 kB
MAX_YAML_ALIASES = 64  # anchors may be reused a little; a billion-laughs file needs thousands
# values a YAML file stands for with its aliases written out: 31 levels of two aliases each
# (62 aliases) stand for two billion
MAX_YAML_VALUES = 500_000
MAX_NESTING = 32  # mappings and lists inside each other, in YAML and JSON alike

# configuration files, share-code payloads, a glTF's JSON
MAX_CONFIGURATION_BYTES = 2_000_000
MAX_GLTF_JSON_BYTES = 64_000_000

# model files and what they name
MAX_FILE_BYTES = 1_000_000_000  # one model, buffer or texture file
MAX_TEXTURE_PIXELS = 64_000_000  # 8000 x 8000: far above any product texture, far below a bomb
# all the images of one model file together (each decoded is 3-4 bytes a pixel, and the still
# holds them again): eight 8000-pixel textures, or thirty 4096-pixel ones
MAX_MODEL_TEXTURE_PIXELS = 512_000_000
MAX_TRIANGLES = 20_000_000  # one model file, all meshes
# what a refusal for too many triangles tells the designer to do
FEWER_TRIANGLES = ("reduce them in the modelling tool (a decimate modifier, or a coarser "
                   "tessellation in the CAD export)")
MAX_MODEL_REFERENCES = 10_000  # buffers and images of one glTF
MAX_MODEL_PARTS = 4096  # meshes drawn apart (each a part); past it those of a material are joined
MAX_PLACED_MESHES = 50_000  # meshes one file places (a glTF's nodes, an STL's solids)
# what a refusal for too many meshes tells the designer to do
JOIN_PARTS = ("join the parts that never change apart (bolts, a housing's pieces) into one mesh "
              "in the modelling tool")
# corners of one polygon of an OBJ or PLY file, drawn as a fan of as many triangles: real polygons
# have tens of corners, a finely divided circle's cap a few thousand; one face of 500,000
# corners (a 1 MB file) became 500,000 slivers that took the live view 3 GB
MAX_POLYGON_VERTICES = 10_000
# a glTF's accessors with no data of their own (zeros, or sparse values over zeros), all of
# them together: a few bytes of JSON may declare billions of such values
MAX_ZERO_FILLED_BYTES = 256_000_000
# a glow (emissiveFactor times emissiveStrength) at most a million times as bright as a white
# surface in the light that shows it: past any lamp a product carries, and below the
# brightness at which the still's float32 light sums and its denoiser break down (1e10 and up)
MAX_EMISSIVE = 1e6

# personalization
MAX_ZONE_TEXT_CHARS = 500  # whatever a zone allows, text beyond this is refused unread
MAX_UPLOAD_BYTES = 20_000_000  # one uploaded picture file (PNG, JPEG or WebP)
MAX_UPLOAD_PIXELS = 40_000_000  # its width x height, checked from its header before decoding
# a picture in the picture store, as the app re-encoded it (a 40-megapixel PNG with alpha)
MAX_STORED_PICTURE_BYTES = 200_000_000

# a price in a product file (base price, a choice's, a zone's), in its currency: far above any
# product, within the store's money columns (10 digits before the point), and small enough that
# a price's sums keep their cents in Decimal's 28 digits (a larger one could not be shown)
MAX_PRICE = 1_000_000_000


def check_file_size(path: Path, max_bytes: int, *, file: str | None = None,
                    field: str | None = None, error: type[AppError] = AppError) -> int:
    """The size of ``path``; ``error`` when it is over ``max_bytes``."""
    size = Path(path).stat().st_size
    if size > max_bytes:
        raise error(f"{size} bytes is over the limit of {max_bytes} bytes",
                    file=file or str(path), field=field)
    return size


# a JSON string, or one left open to the end of the text: every match attempt succeeds, so a
# text of many unclosed quotes is read once (a pattern that had to find the closing quote read
# the rest of the text again from each of them: a 2 MB file took hours)
_STRING = re.compile(r'"(?:[^"\\]|\\.)*(?:"|\\?\Z)', re.S)
_TOKENS = re.compile(_STRING.pattern + r"|[\[\]{}]", re.S)


def json_nesting(text: str) -> int:
    """How deeply the arrays and objects of JSON ``text`` nest (strings skipped), without
    parsing it (Python's parser recurses, so a deep file would end in RecursionError), in one
    pass over the text."""
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in ("]", "}"):
            depth -= 1
    return deepest


def load_json(data: str | bytes, *, source: str, max_bytes: int,
              max_nesting: int = MAX_NESTING, error: type[AppError] = AppError) -> Any:
    """JSON from outside: size, encoding and nesting checked first, then parsed; every problem
    is ``error`` naming ``source`` (and the line and column of a syntax error)."""
    if len(data) > max_bytes:
        raise error(f"{len(data)} bytes is over the limit of {max_bytes} bytes", file=source)
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise error(f"not a text file: byte {exc.start} is not UTF-8", file=source) from None
    depth = json_nesting(data)
    if depth > max_nesting:
        raise error(f"nested {depth} levels deep; the limit is {max_nesting}", file=source)
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise error(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
                    file=source) from None
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits)
        raise error(_long_integer(data), file=source) from None


_INTEGER = re.compile(r"(?<![\w.+-])-?(\d+)(?![\w.])")


def _long_integer(text: str) -> str:
    """What is wrong with JSON ``text`` that Python could not turn into numbers: its first
    integer that has more digits than Python converts, and where it is."""
    limit = sys.get_int_max_str_digits()
    blanked = _STRING.sub(lambda match: " " * len(match.group()), text)  # strings hold no digits
    for match in _INTEGER.finditer(blanked):
        if len(match.group(1)) > limit:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - text.rfind("\n", 0, match.start())
            return (f"a number of {len(match.group(1))} digits at line {line} column {column} "
                    f"is over the limit of {limit} digits")
    return f"a number has more digits than the limit of {limit}"


def read_limited(path: Path, max_bytes: int, *, source: str,
                 error: type[AppError] = AppError) -> bytes:
    """The bytes of a file from outside, refused unread when it is larger than ``max_bytes``
    or is no regular file (a pipe would block the reader until something wrote to it)."""
    try:
        if not stat.S_ISREG(Path(path).stat().st_mode) and not Path(path).is_dir():
            raise error("expected a file, got a pipe or a device", file=source)
        with Path(path).open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except FileNotFoundError:
        raise error("file not found", file=source) from None
    except IsADirectoryError:
        raise error("expected a file, got a folder", file=source) from None
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror}", file=source) from None
    if len(data) > max_bytes:
        raise error(f"the file is over the limit of {max_bytes} bytes", file=source)
    return data
