"""The picture store: every picture a customer uploads, kept under its content hash.

An upload passes the checks of ``app.personalize.images`` (format by content, size, pixels,
damage) and is re-encoded from the pixels those checks decoded: upright, in sRGB, with no
metadata (no EXIF position, no comments) and nothing after the image. It is written once as
``<folder>/<sha256>.png`` (lossless, so what is read back is exactly what was stored).
Configurations, share codes and order files name it ``sha256:<64 hex digits>``, never by a
path. The hash is of the pixels (size and RGBA bytes), not of the PNG's bytes: the same picture
has the same id whatever zlib compressed it.

Reading a picture back looks only in the store's folder, at a name made of the 64 hex digits of
a validated id; a link there is not followed, and the decoded pixels must hash to their name. A
picture the store does not hold is refused with one message, whatever the id or path was, so a
code from outside learns nothing about the machine's files.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from app.domain.configuration import (
    UNKNOWN_PICTURE,
    Configuration,
    ImageValue,
    OldPictures,
    picture_digest,
    picture_id,
)
from app.errors import ConfigurationError
from app.files import read_plain_file, write_bytes_atomically
from app.limits import MAX_STORED_PICTURE_BYTES, MAX_UPLOAD_PIXELS
from app.personalize.images import Upload, load_upload, picture_from_bytes
from app.user_dirs import user_data_folder

PICTURES_FOLDER = "pictures"
STORED_SUFFIXES = (".png",)
PNG_COMPRESS_LEVEL = 1  # an upload is stored while the customer waits; zip compresses later
FOLDER_MODE = 0o700  # customers' photos: the user's own
_DECODED_KEPT = 4


class PictureStore:
    """Pictures by content hash in ``folder``; ``PictureStore.default()`` is the user's own."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._decoded: OrderedDict[str, Upload] = OrderedDict()

    @classmethod
    def default(cls) -> PictureStore:
        """The store in the user's data folder (``~/.local/share/showcraft/pictures``)."""
        return cls(user_data_folder() / PICTURES_FOLDER)

    def __repr__(self) -> str:
        return f"PictureStore({str(self.folder)!r})"

    # adding ---------------------------------------------------------------------------------

    def add_file(self, path: Path) -> str:
        """Check the user's picture file, store it, and return its id; ConfigurationError naming
        the file when it is not a picture the app accepts."""
        return self.add_upload(load_upload(Path(path)))

    def add_upload(self, upload: Upload) -> str:
        """Store a checked picture (re-encoded) and return its id; storing it again is a no-op."""
        data, suffix = stored_bytes(upload)
        digest = pixel_digest(upload.rgba)
        target = self.folder / f"{digest}{suffix}"
        if self._intact(digest) is None:
            self.folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
            write_bytes_atomically(target, data)
        return picture_id(digest)

    def remove(self, picture: str) -> bool:
        """Delete the stored copy of ``picture`` (a customer's data erased); whether there
        was one."""
        try:
            found = self._find(picture_digest(picture))
        except ValueError:
            return False
        if found is None:
            return False
        found.unlink()
        self._decoded.pop(picture, None)
        return True

    # reading --------------------------------------------------------------------------------

    def has(self, picture: str) -> bool:
        """Whether the store holds ``picture`` (anything but a valid id: False)."""
        try:
            return self._find(picture_digest(picture)) is not None
        except ValueError:
            return False

    def path(self, picture: str, *, field: str = "image") -> Path:
        """The stored file of ``picture``; ConfigurationError(UNKNOWN_PICTURE) otherwise."""
        try:
            found = self._find(picture_digest(picture))
        except ValueError:
            found = None
        if found is None:
            raise ConfigurationError(UNKNOWN_PICTURE, field=field)
        return found

    def read(self, picture: str, *, field: str = "image") -> bytes:
        """The stored bytes of ``picture``, checked against its hash."""
        path = self.path(picture, field=field)
        data = _read_regular_file(path, MAX_STORED_PICTURE_BYTES)
        if data is None:
            raise ConfigurationError(UNKNOWN_PICTURE, field=field)
        if _stored_digest(data) != picture_digest(picture):
            raise ConfigurationError("the stored copy of this picture is damaged; upload it "
                                     "again", file=str(path), field=field)
        return data

    def upload(self, picture: str, *, field: str = "image") -> Upload:
        """The stored picture decoded (the upload checks again); the last few are kept."""
        found = self._decoded.get(picture)
        if found is not None:
            self._decoded.move_to_end(picture)
            return found
        data = self.read(picture, field=field)
        decoded = picture_from_bytes(data, path=self.path(picture, field=field),
                                     source=picture, max_pixels=MAX_UPLOAD_PIXELS)
        self._decoded[picture] = decoded
        while len(self._decoded) > _DECODED_KEPT:
            self._decoded.popitem(last=False)
        return decoded

    def missing(self, configuration: Configuration) -> list[ConfigurationError]:
        """One error per picture of ``configuration`` that the store does not hold."""
        return [ConfigurationError(UNKNOWN_PICTURE, field=f"personalization.{zone_id}")
                for zone_id, value in configuration.personalization.items()
                if isinstance(value, ImageValue) and not self.has(value.image)]

    def _find(self, digest: str) -> Path | None:
        """The stored file named ``digest`` (validated hex), a regular file and not a link."""
        for suffix in STORED_SUFFIXES:
            candidate = self.folder / f"{digest}{suffix}"
            try:
                info = os.lstat(candidate)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                return candidate
        return None

    def _intact(self, digest: str) -> Path | None:
        found = self._find(digest)
        if found is None:
            return None
        data = _read_regular_file(found, MAX_STORED_PICTURE_BYTES)
        if data is None or _stored_digest(data) != digest:
            return None
        return found


def stored_bytes(upload: Upload) -> tuple[bytes, str]:
    """The bytes the store keeps of a checked picture, and their file suffix: a PNG, with alpha
    when the picture has any."""
    opaque = not upload.has_transparency
    pixels = np.ascontiguousarray(upload.rgba[..., :3] if opaque else upload.rgba)
    image = Image.fromarray(pixels, "RGB" if opaque else "RGBA")
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return out.getvalue(), ".png"


def pixel_digest(rgba: np.ndarray) -> str:
    """The picture's content hash: SHA-256 of its size and its RGBA bytes (encoder-free)."""
    height, width = rgba.shape[:2]
    digest = hashlib.sha256(f"rgba8 {width}x{height}\n".encode("ascii"))
    digest.update(np.ascontiguousarray(rgba, dtype=np.uint8).tobytes())
    return digest.hexdigest()


def _stored_digest(data: bytes) -> str | None:
    """The pixel hash of a stored PNG, None when it is not one the store could have written."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG" or image.width * image.height > MAX_UPLOAD_PIXELS:
                return None
            rgba = np.asarray(image.convert("RGBA"))
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return pixel_digest(rgba)


def _read_regular_file(path: Path, max_bytes: int) -> bytes | None:
    """The bytes of ``path`` when it is a regular file (a link is not followed) of at most
    ``max_bytes``; None otherwise."""
    try:
        return read_plain_file(path, max_bytes)
    except OSError:
        return None


@dataclass
class OldPictureReport:
    """What opening a file saved before the picture store did with its pictures: the zones
    whose picture was imported, and a message for each that could not be."""

    imported: list[str] = field(default_factory=list)
    problems: list[ConfigurationError] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the configuration now differs from what the file says."""
        return bool(self.imported or self.problems)


def old_picture_importer(store: PictureStore, folder: Path, source: str,
                         report: OldPictureReport) -> OldPictures:
    """For ``Configuration.from_json``: a picture that a configuration file saved before the
    picture store names by path (relative paths from ``folder``, the file's own folder) is
    checked and imported into ``store``; one that cannot be read is left out, with a message in
    ``report``. Only for the user's own files, opened on their desktop or command line."""

    def import_picture(zone_id: str, reference: str) -> str | None:
        path = Path(reference).expanduser()
        if not path.is_absolute():
            path = Path(folder) / path
        try:
            picture = store.add_file(path)
        except (ConfigurationError, OSError) as exc:
            reason = exc.message if isinstance(exc, ConfigurationError) else exc.strerror
            report.problems.append(ConfigurationError(
                f"the picture {reference!r} could not be imported ({reason}); the zone is left "
                "empty", file=source, field=f"personalization.{zone_id}"))
            return None
        report.imported.append(zone_id)
        return picture

    return import_picture
