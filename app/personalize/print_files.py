"""Files for the factory: vector text as SVG in millimetres, pictures as PNG with DPI set."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np
from PIL import Image

from app.files import write_atomically
from app.personalize.font_face import font_face
from app.personalize.text import TextLayout


def _num(v: float) -> str:
    return f"{v:.4f}".rstrip("0").rstrip(".") or "0"


def layout_svg(layout: TextLayout, colour: str, *, title: str = "") -> str:
    """The laid-out text as an SVG document at physical size (width/height in mm, viewBox in
    mm); each glyph is a filled outline path, so no font is needed to print it."""
    face = font_face(layout.font_path)
    unit = 1.0 / face.units_per_em
    w, h = layout.width_mm, layout.height_mm
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_num(w)}mm" '
        f'height="{_num(h)}mm" viewBox="0 0 {_num(w)} {_num(h)}">',
    ]
    if title:
        out.append(f"<title>{_escape(title)}</title>")
    out.append(f"<g fill={quoteattr(colour)} stroke=\"none\">")
    for g in layout.glyphs:
        d = face.svg_path(g.char)
        if not d:
            continue
        s = g.em_mm * unit
        rotate = f" rotate({_num(g.angle_deg)})" if g.angle_deg else ""
        out.append(f'<path transform="translate({_num(g.x_mm)} {_num(g.y_mm)}){rotate} '
                   f'scale({s:.8g} {-s:.8g})" d="{d}"/>')
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_svg(path: Path, svg: str) -> Path:
    return write_atomically(path, lambda tmp: tmp.write_text(svg, encoding="utf-8"),
                            create_folder=True)


def write_png(path: Path, rgba: np.ndarray, ppi: float) -> Path:
    """``rgba`` as a PNG whose pHYs chunk says ``ppi`` pixels per inch."""
    image = Image.fromarray(np.ascontiguousarray(rgba), "RGBA")
    return write_atomically(path, lambda tmp: image.save(tmp, format="PNG", dpi=(ppi, ppi)),
                            create_folder=True)
