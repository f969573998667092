"""Configurations on disk: atomic writes, and reading a file back against the catalog."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from app.domain.configuration import Configuration, complete, configuration_problems
from app.domain.product import Product
from app.errors import AppErrors, ConfigurationError


def write_atomically(path: Path, text: str) -> Path:
    """Write ``text`` to a temporary file beside ``path``, flush it to disk, then rename it over
    ``path``: a crash leaves either the old file or the new one, never half of one."""
    path = Path(path)
    if not path.parent.is_dir():
        raise ConfigurationError("expected an existing folder to save into", file=str(path))
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def save_configuration(configuration: Configuration, path: Path) -> Path:
    try:
        return write_atomically(path, configuration.to_json())
    except OSError as exc:
        raise ConfigurationError(f"cannot save: {exc.strerror}", file=str(path)) from None


def read_configuration(path: Path, products: Mapping[str, Product]) -> Configuration:
    """The configuration in ``path``, completed and checked against its product.

    ConfigurationError (or AppErrors) naming the file when it cannot be read, is not a
    configuration, is for a product the catalog lacks, or does not fit its product.
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigurationError("not a configuration file: not UTF-8 text", file=source
                                 ) from None
    except OSError as exc:
        raise ConfigurationError(f"cannot read: {exc.strerror}", file=source) from None
    configuration = Configuration.from_json(text, source=source)
    product = products.get(configuration.product_id)
    if product is None:
        known = ", ".join(sorted(products)) or "none"
        raise ConfigurationError(
            f"this configuration is for product '{configuration.product_id}', which is not in "
            f"the catalog (known: {known})", file=source, field="product_id")
    configuration = complete(configuration, product)
    problems = configuration_problems(configuration, product)
    if problems:
        raise AppErrors(p.with_file(source) for p in problems)
    return configuration
