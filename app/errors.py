"""One exception family for everything a user can get wrong.

Every message names the file, the path to the field and what was expected, so that a designer can
go straight to the line that needs fixing. Nothing here imports anything else of the app.
"""

from __future__ import annotations

from collections.abc import Iterable


class AppError(Exception):
    """A problem the user can fix: a bad file, a bad value, a missing asset.

    ``str(error)`` reads ``file: field: message`` with the parts that are known.
    """

    def __init__(self, message: str, *, file: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.field = field

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.field) if p]
        return ": ".join([*parts, self.message])

    def with_file(self, file: str) -> AppError:
        """The same error attributed to ``file`` (when it names none yet)."""
        if self.file is None:
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

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
