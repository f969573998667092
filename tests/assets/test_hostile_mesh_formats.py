"""OBJ, STL and PLY files that are valid but unusual, or broken on purpose: each loads, or is
refused (or warned of) with a message that names the file, the field and the line; nothing
reaches the terminal (no traceback, no trimesh or numpy warning)."""

from __future__ import annotations

import struct
import warnings

import numpy as np
import pytest

from app.assets.model_loading import load_model
from app.errors import AssetError

# -- infinite coordinates -------------------------------------------------------------------------


@pytest.mark.parametrize("value", [float("inf"), float("nan")])
@pytest.mark.parametrize("binary", [True, False], ids=["binary", "ascii"])
def test_an_stl_with_a_coordinate_no_number_holds_is_refused_quietly(tmp_path, value, binary):
    corners = [(0, 0, 0), (value, 0, 0), (0, 1, 0)]
    path = tmp_path / "m.stl"
    if binary:
        path.write_bytes(b"\0" * 80 + struct.pack("<I", 2) + b"".join(
            struct.pack("<12fH", 0, 0, 1, *np.ravel(points), 0)
            for points in (corners, [(0, 0, 0), (1, 0, 0), (0, 1, 0)])))
    else:
        facets = "".join("facet normal 0 0 1\nouter loop\n" + "".join(
            f"vertex {x} {y} {z}\n" for x, y, z in points) + "endloop\nendfacet\n"
            for points in (corners, [(0, 0, 0), (1, 0, 0), (0, 1, 0)]))
        path.write_text(f"solid s\n{facets}endsolid s\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(AssetError, match="NaN or infinite vertex coordinates"):
            load_model(path)
    assert [str(warning.message) for warning in caught] == []
