"""One exception family for everything a user can get wrong.

Every message names the file, the path to the field and what was expected, so that a designer can
go straight to the line that needs fixing. Nothing here imports anything else of the app.
"""

from __future__ import annotations

from collections.abc import Iterable


class AppError(Exception):
    """A problem the user can fix: a bad file, a bad value, a missing asset.

    ``str(error)`` reads ``file: field: message`` with the parts that are known. An error found
    in a file that another file names (a texture of a model, a model of a product) reads
    ``file: [field: ]inner file: ...: field: message``: the file the user gave comes first.
    Where the line of the field is known (``position``, in the innermost file), the message
    ends with ``(line L, column C)``.
    """

    def __init__(self, message: str, *, file: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.field = field
        self.inner: tuple[str, ...] = ()  # between ``file`` and ``field``: the files it names
        self.position: tuple[int, int] | None = None  # (line, column) of ``field``, from 1

    def __str__(self) -> str:
        parts = [p for p in (self.file, *self.inner, self.field) if p]
        where = f" (line {self.position[0]}, column {self.position[1]})" if self.position else ""
        return ": ".join([*parts, self.message]) + where

    def within(self, file: str, field: str | None = None) -> AppError:
        """The same error seen from ``file``, which names the file it is about in ``field``.

        ``file`` becomes the first location; the file the error was about, and anything inside
        it, follow. An error already about ``file`` is left as it is.
        """
        if self.file == file:
            return self
        if self.file is None:
            self.file = file
            self.inner = tuple(p for p in (field, *self.inner) if p)
            return self
        self.inner = tuple(p for p in (field, self.file, *self.inner) if p)
        self.file = file
        return self


class ProductFileError(AppError):
    """A product file or material file that does not follow the schema."""


class AssetError(AppError):
    """A mesh, texture or other asset that cannot be used."""


class ConfigurationError(AppError):
    """A configuration (selections, personalization) that does not fit its product."""


class AppErrors(AppError):
    """Several problems found at once; ``errors`` holds each of them."""

    def __init__(self, errors: Iterable[AppError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors) or "no problems")

    def within(self, file: str, field: str | None = None) -> AppErrors:
        for error in self.errors:
            error.within(file, field)
        return self

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
