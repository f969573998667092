"""Pictures on the kiosk's part choices (a handle, a strap): the product with that choice, framed
on the part it puts on, rendered once and kept in the user's cache folder.

A picture's name is a hash of what it shows: the product's look and asset files and the code that
draws them (the batch renderer's ``asset_fingerprint``), the group and choice, and the picture
size; a changed file, or a new look, gets new pictures, an unchanged one never renders again.
Missing pictures are rendered in a separate process (VTK off the GUI thread, and a crash there
costs only the pictures), all those of one product as one job; the window polls for the result
and shows each picture once it is there. A product that cannot be drawn keeps its plain
buttons; the reason goes to the log.
"""

from __future__ import annotations

import hashlib
import io
import logging
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QPixmap

from app.batch.jobs import asset_fingerprint
from app.domain.product import OptionKind, Product
from app.files import read_plain_file, write_bytes_atomically
from app.project import Project
from app.ui.kiosk.error_log import LOGGER_NAME
from app.ui.options_panel import OptionsPanel
from app.user_dirs import user_cache_folder

THUMBNAIL_PX = 192
CACHE_FOLDER = "choice-thumbnails"
POLL_MS = 100
MAX_PICTURE_BYTES = 4_000_000
_KEY_VERSION = b"choice-thumbnail-2"
log = logging.getLogger(LOGGER_NAME)


def part_choices(product: Product) -> list[tuple[str, str]]:
    """(group id, choice id) of every choice that swaps parts: the ones a picture explains."""
    return [(group.id, choice.id) for group in product.options
            if group.kind is OptionKind.part_swap for choice in group.choices]


def thumbnail_key(assets: str, product_id: str, group_id: str, choice_id: str,
                  px: int = THUMBNAIL_PX) -> str:
    """The name of a choice's picture: a hash of everything it shows (``assets``: the
    product's ``asset_fingerprint``)."""
    digest = hashlib.sha256(_KEY_VERSION)
    for part in (assets, product_id, group_id, choice_id, str(px)):
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()


def render_choice_pictures(root: str, product_id: str, jobs: list[tuple[str, str, str]],
                           px: int) -> list[tuple[str, str, str]]:
    """In the worker process: each (group, choice, PNG path) of ``jobs`` rendered and saved
    atomically; the ones written."""
    from app.domain.configuration import default_configuration  # noqa: PLC0415 (worker only)
    from app.project import open_project  # noqa: PLC0415
    from app.ui.thumbnails import choice_thumbnail_scene  # noqa: PLC0415
    from app.viewport.still_renderer import StillRenderer  # noqa: PLC0415

    project = open_project(Path(root))
    product = project.catalog.product(product_id)
    context = project.scene_context()
    configuration = default_configuration(product)
    written = []
    with StillRenderer(project.assets, size=(px, px)) as renderer:
        for group_id, choice_id, target in jobs:
            scene = choice_thumbnail_scene(product, configuration, group_id, choice_id, context)
            buffer = io.BytesIO()
            renderer.render(scene, camera_id="choice").save(buffer, format="PNG")
            write_bytes_atomically(target, buffer.getvalue(), create_folder=True)
            written.append((group_id, choice_id, target))
    return written


def load_picture(path: Path) -> QPixmap | None:
    """A cached picture, or None when it is not there or not a picture."""
    try:
        data = read_plain_file(path, MAX_PICTURE_BYTES)
    except OSError:
        return None
    pixmap = QPixmap()
    return pixmap if pixmap.loadFromData(data, "PNG") and not pixmap.isNull() else None


class ChoiceThumbnails(QObject):
    """Shows the pictures of one product's part choices on ``options``, from the cache in
    ``folder`` (None: the user's cache) or, for the missing ones, from a worker process."""

    def __init__(self, folder: Path | None = None, px: int = THUMBNAIL_PX,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.folder = Path(folder) if folder is not None else user_cache_folder() / CACHE_FOLDER
        self.px = px
        self._executor: ProcessPoolExecutor | None = None
        self._pending: dict[Future, tuple[str, OptionsPanel]] = {}
        self._product_id = ""
        self.rendered = 0  # pictures the worker made (tests, the log)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def show(self, project: Project, product: Product, options: OptionsPanel) -> None:
        """The pictures of ``product``'s part choices on ``options``: cached ones at once,
        the others once rendered (unless another product is shown by then)."""
        self._product_id = product.id
        missing = []
        assets = asset_fingerprint(project, product)
        for group_id, choice_id in part_choices(product):
            key = thumbnail_key(assets, product.id, group_id, choice_id, self.px)
            path = self.folder / f"{key}.png"
            pixmap = load_picture(path)
            if pixmap is not None:
                options.set_thumbnail(group_id, choice_id, pixmap)
            else:
                missing.append((group_id, choice_id, str(path)))
        if not missing or any(p == product.id for p, _ in self._pending.values()):
            return
        try:
            future = self._pool().submit(render_choice_pictures, str(project.root), product.id,
                                         missing, self.px)
        except Exception as exc:  # noqa: BLE001 (logged; the buttons stay plain)
            log.error("cannot render choice pictures of %s: %s", product.id, exc)
            return
        self._pending[future] = (product.id, options)
        self._timer.start()

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return self._executor

    def _poll(self) -> None:
        for future in [f for f in self._pending if f.done()]:
            product_id, options = self._pending.pop(future)
            try:
                written = future.result()
            except Exception as exc:  # noqa: BLE001 (logged; the buttons stay plain)
                log.error("cannot render choice pictures of %s: %s", product_id, exc)
                continue
            self.rendered += len(written)
            if product_id != self._product_id:
                continue
            for group_id, choice_id, path in written:
                pixmap = load_picture(Path(path))
                if pixmap is not None:
                    options.set_thumbnail(group_id, choice_id, pixmap)
        if not self._pending:
            self._timer.stop()

    def close(self) -> None:
        self._timer.stop()
        self._pending.clear()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
