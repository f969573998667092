"""Labels that come from product files, shown as written: '&' stays '&' (Qt would take it for a
keyboard mnemonic), long labels wrap between words and, when still too long, end in an
ellipsis at a word boundary (the caller shows the whole label as a tooltip). Colours get a
name a person reads."""

from __future__ import annotations

from collections.abc import Callable

from app.domain.colour import hex_to_hsl

ELLIPSIS = "\u2026"


def literal(text: str) -> str:
    """``text`` for a widget that reads '&' as a mnemonic (buttons, group boxes, tabs)."""
    return text.replace("&", "&&")


def wrap_words(text: str, width: float, measure: Callable[[str], float],
               max_lines: int = 2) -> tuple[list[str], bool]:
    """``text`` in at most ``max_lines`` lines no wider than ``width`` (as ``measure`` says),
    broken only between words; (lines, whether words had to be left out). A single word wider
    than a line is kept whole (the button grows) rather than cut."""
    words = text.split()
    lines: list[str] = []
    current = ""
    rest = list(words)
    while rest and len(lines) < max_lines:
        word = rest[0]
        trial = f"{current} {word}" if current else word
        if not current or measure(trial) <= width:
            current = trial
            rest.pop(0)
            continue
        lines.append(current)
        current = ""
    if current:
        if len(lines) < max_lines:
            lines.append(current)
        else:
            rest.insert(0, current)
    if not rest:
        return lines, False
    last = lines[-1].split()
    while len(last) > 1 and measure(" ".join(last) + ELLIPSIS) > width:
        last.pop()
    lines[-1] = " ".join(last) + ELLIPSIS
    return lines, True


NAMED_COLOURS = {
    "#000000": "Black", "#1d1d1f": "Black", "#ffffff": "White", "#808080": "Grey",
    "#c0c0c0": "Silver", "#b3262e": "Red", "#ff0000": "Red", "#e07b00": "Orange",
    "#f2c200": "Yellow", "#c9a227": "Gold", "#2e7d32": "Green", "#00897b": "Teal",
    "#2a5d9f": "Blue", "#0000ff": "Blue", "#1b2a4a": "Navy", "#6a3d9a": "Purple",
    "#e91e63": "Pink", "#6d4c41": "Brown", "#f5f0e1": "Cream",
}


def colour_name(colour: str) -> str:
    """A readable name for a '#rrggbb' colour: its own when known, else the nearest common
    colour's (in hue, saturation and lightness)."""
    colour = colour.lower()
    if colour in NAMED_COLOURS:
        return NAMED_COLOURS[colour]
    h, s, lightness = hex_to_hsl(colour)

    def distance(named: str) -> float:
        nh, ns, nl = hex_to_hsl(named)
        hue = min(abs(h - nh), 360 - abs(h - nh)) / 180.0 * min(s, ns)
        return hue ** 2 + (s - ns) ** 2 * 0.5 + (lightness - nl) ** 2 * 2

    return NAMED_COLOURS[min(NAMED_COLOURS, key=distance)]
