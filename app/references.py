"""One resolver for every file that a user's file names: a glTF's buffers and images, an OBJ's
material library and its texture maps, a PLY's texture, a product's models and a material's
textures.

A reference is resolved against the folders it may use, symlinks followed, and refused before
anything is opened when it lands outside them: ``../`` escapes, absolute paths elsewhere,
percent-encoded escapes in URIs (``..%2f..%2fx.png``), links that point out, and URIs with a
scheme (``file:``, ``http:``). The refusal names the user's file, the field and the reference.
Only ``Path.resolve`` (which reads links, never file contents) runs before the check.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from app.errors import AssetError
from app.limits import MAX_FILE_BYTES, check_file_size

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
PROJECT_ASSETS = "the project's asset folders"
MODEL_FOLDER = "the model's folder (--asset-root DIR allows another)"


def inside_folders(path: Path, folders: Sequence[Path]) -> bool:
    """Whether ``path``, links followed, lies in one of ``folders`` (their links followed too)."""
    real = Path(path).resolve()
    return any(real.is_relative_to(Path(folder).resolve()) for folder in folders)


@dataclass(frozen=True)
class ReferenceResolver:
    """Resolves the references of ``user_file`` inside ``allowed`` folders.

    ``user_file`` is how the file is named in messages; ``base`` is the folder that relative
    references start from (the referring file's own folder), ``allowed`` the folders they may
    reach. ``allowed_label`` says what those folders are, for the message.
    """

    user_file: str
    base: Path
    allowed: tuple[Path, ...]
    allowed_label: str = PROJECT_ASSETS

    @classmethod
    def for_file(cls, path: Path, allowed: Sequence[Path] | None = None, *,
                 user_file: str | None = None,
                 allowed_label: str | None = None) -> ReferenceResolver:
        """References of the file at ``path``, allowed in ``allowed`` (default: its folder)."""
        folders = tuple(Path(f).resolve() for f in (allowed or [path.parent]))
        label = allowed_label or (MODEL_FOLDER if allowed is None else PROJECT_ASSETS)
        return cls(user_file=user_file or str(path), base=Path(path).parent, allowed=folders,
                   allowed_label=label)

    def inside(self, path: Path) -> bool:
        return inside_folders(path, self.allowed)

    def resolve(self, reference: str, *, field: str, uri: bool = False,
                bases: Sequence[Path] | None = None, must_exist: bool = True) -> Path:
        """The real path of the file ``reference`` names.

        ``uri``: the reference is a URI reference (glTF): a scheme is refused and
        percent-encoding is decoded; the name as written is tried too, for a file literally
        named ``a%20b.png``. ``bases``: folders to try relative references in, in order (default:
        the referring file's folder).
        """
        if not isinstance(reference, str) or not reference.strip():
            raise AssetError("expected a file name, got an empty string", file=self.user_file,
                             field=field)
        text = reference.strip()
        names = [text]
        if uri:
            if text.startswith("data:"):
                raise AssetError("a data: URI is not a file name", file=self.user_file,
                                 field=field)
            if _SCHEME.match(text):
                raise AssetError(f"{reference!r} is a URL: only files in {self.allowed_label} "
                                 "are read", file=self.user_file, field=field)
            decoded = unquote(text)
            if decoded != text:
                names = [decoded, text]
        if any("\x00" in name for name in names):
            raise AssetError(f"{reference!r} is not a valid file name", file=self.user_file,
                             field=field)
        try:
            return self._resolved(reference, names, field=field, uri=uri, bases=bases,
                                  must_exist=must_exist)
        except (OSError, RuntimeError) as exc:  # a name too long, a loop of symbolic links
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise AssetError(f"{_shown(reference)!r} cannot be looked up: {reason}",
                             file=self.user_file, field=field) from None

    def _resolved(self, reference: str, names: list[str], *, field: str, uri: bool,
                  bases: Sequence[Path] | None, must_exist: bool) -> Path:
        candidates: list[Path] = []
        for name in names:
            path = Path(name).expanduser() if not uri else Path(name)
            if path.is_absolute():
                candidates.append(path)
            else:
                candidates += [Path(b) / path for b in (bases or [self.base])]
        resolved = [c.resolve() for c in candidates]
        inside = [r for r in resolved if self.inside(r)]
        # a URI comes from a file made elsewhere: any reading of it that escapes is refused,
        # whether or not something is there
        if not inside or (uri and len(inside) < len(resolved)):
            raise AssetError(f"{_shown(reference)!r} leaves {self.allowed_label}",
                             file=self.user_file, field=field)
        for path in inside:
            if path.is_file():
                return path
        for path in inside:
            if must_exist and path.exists():
                raise AssetError(f"{_shown(reference)!r} is no regular file (a folder, a "
                                 "device or a pipe)", file=self.user_file, field=field)
        if any(r.is_file() for r in resolved if r not in inside):
            raise AssetError(f"{_shown(reference)!r} leaves {self.allowed_label}",
                             file=self.user_file, field=field)
        if not must_exist:
            return inside[0]
        raise AssetError(f"file not found: {_shown(reference)!r}", file=self.user_file, field=field)

    def read_bytes(self, reference: str, *, field: str, uri: bool = False,
                   max_bytes: int = MAX_FILE_BYTES) -> bytes:
        """The bytes of the file ``reference`` names (refused first when it is outside, then
        when it is larger than ``max_bytes``)."""
        path = self.resolve(reference, field=field, uri=uri)
        check_file_size(path, max_bytes, file=self.user_file, field=field, error=AssetError)
        return path.read_bytes()


def _shown(reference: str, most: int = 200) -> str:
    """``reference`` as a message quotes it: a name of a hundred megabytes cut short."""
    return reference if len(reference) <= most else f"{reference[:most]}..."


def decode_data_uri(uri: str, *, user_file: str, field: str,
                    max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The payload of a base64 ``data:`` URI; AssetError naming the file and field otherwise."""
    head, comma, payload = uri.partition(",")
    if not comma or not head.startswith("data:") or not head.endswith(";base64"):
        raise AssetError("expected a base64 data: URI", file=user_file, field=field)
    if len(payload) * 3 // 4 > max_bytes:
        raise AssetError(f"embedded data of about {len(payload) * 3 // 4} bytes is over the "
                         f"limit of {max_bytes} bytes", file=user_file, field=field)
    try:
        return base64.b64decode(payload)
    except (binascii.Error, ValueError):
        raise AssetError("its data: URI does not decode as base64", file=user_file,
                         field=field) from None


def resolve_asset_path(reference: str, *, base_dir: Path, allowed_roots: Sequence[Path],
                       file_label: str, field: str) -> Path:
    """A product or material file's reference: the existing file it names relative to
    ``base_dir`` (the referring file's folder) or, failing that, to the first allowed root (the
    project's assets folder), inside the allowed roots."""
    roots = tuple(Path(r).resolve() for r in allowed_roots)
    if not roots:
        raise AssetError("no asset folders are allowed", file=file_label, field=field)
    resolver = ReferenceResolver(user_file=file_label, base=Path(base_dir), allowed=roots)
    return resolver.resolve(reference, field=field, bases=[Path(base_dir), roots[0]])
