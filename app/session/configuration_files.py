"""Configurations on disk: atomic writes, and reading a file back against the catalog."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from app.domain.configuration import Configuration, complete, configuration_problems
from app.domain.product import Product
from app.errors import AppErrors, ConfigurationError
from app.files import write_text_atomically
from app.limits import MAX_CONFIGURATION_BYTES, read_limited
from app.personalize.picture_store import (
    OldPictureReport,
    PictureStore,
    old_picture_importer,
)


def save_configuration(configuration: Configuration, path: Path) -> Path:
    """Write ``configuration`` as JSON, atomically: a crash keeps the previous file. An existing
    file keeps its mode; a path that is a symbolic link writes the file it points to. Temporaries
    that interrupted saves left in that folder are removed first."""
    if not Path(path).parent.is_dir():
        raise ConfigurationError("expected an existing folder to save into", file=str(path))
    try:
        return write_text_atomically(path, configuration.to_json(), remove_leftovers=True)
    except OSError as exc:
        raise ConfigurationError(f"cannot save: {exc.strerror}", file=str(path)) from None


def read_configuration(path: Path, products: Mapping[str, Product],
                       pictures: PictureStore | None = None,
                       old_pictures: OldPictureReport | None = None) -> Configuration:
    """The configuration in ``path``, completed and checked against its product.

    ConfigurationError (or AppErrors) naming the file when it cannot be read, is not a
    configuration, is for a product the catalog lacks, or does not fit its product, or names a
    picture that ``pictures`` (None: the user's picture store) does not hold.

    A file saved before the picture store names its pictures by path: each is checked and
    imported into the store; one that cannot be read leaves its zone empty, with a message in
    ``old_pictures``, and the rest of the configuration opens.
    """
    source = str(path)
    pictures = pictures if pictures is not None else PictureStore.default()
    data = read_limited(Path(path), MAX_CONFIGURATION_BYTES, source=source,
                        error=ConfigurationError)
    report = old_pictures if old_pictures is not None else OldPictureReport()
    importer = old_picture_importer(pictures, Path(path).parent, source, report)
    configuration = Configuration.from_json(data, source=source, old_pictures=importer)
    product = products.get(configuration.product_id)
    if product is None:
        known = ", ".join(sorted(products)) or "none"
        raise ConfigurationError(
            f"this configuration is for product '{configuration.product_id}', which is not in "
            f"the catalog (known: {known})", file=source, field="product_id")
    configuration = complete(configuration, product)
    problems = configuration_problems(configuration, product) + pictures.missing(configuration)
    if problems:
        raise AppErrors(p.within(source) for p in problems)
    return configuration
