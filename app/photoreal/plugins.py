"""Mitsuba plugins written here (textures, BSDFs) are registered once per variant: a plugin's
class is made from the variant's types when it is registered."""

from __future__ import annotations

import functools
from collections.abc import Callable


def once_per_variant(register: Callable) -> Callable:
    """``register(mi)`` run the first time for each Mitsuba variant, and not again."""
    done: set[str] = set()

    @functools.wraps(register)
    def wrapper(mi) -> None:
        variant = mi.variant()
        if variant not in done:
            register(mi)
            done.add(variant)

    return wrapper
