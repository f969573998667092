"""The directions a UV set runs along a mesh's surface: per triangle, and per vertex smoothed
over the triangles that share it (the tangent an anisotropic highlight is stretched along, as
VTK's ``vtkPolyDataTangents`` gives the live view); and the tangent both renderers give a
surface without UVs (``normal_basis_tangents``)."""

from __future__ import annotations

import numpy as np


def _unit(v: np.ndarray) -> np.ndarray:
    length = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(length > 0, length, 1.0)


def _frames(corners: np.ndarray, uv: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per triangle: unit +X (along u), unit +Y (against v), and twice the signed area of its
    UVs (0: they span none, and the directions are the edges' alone)."""
    e1, e2 = corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]
    du1, dv1 = uv[:, 1, 0] - uv[:, 0, 0], uv[:, 1, 1] - uv[:, 0, 1]
    du2, dv2 = uv[:, 2, 0] - uv[:, 0, 0], uv[:, 2, 1] - uv[:, 0, 1]
    det = du1 * dv2 - du2 * dv1
    safe = np.where(np.abs(det) > 1e-20, det, 1.0)[:, None]
    along_u = (e1 * dv2[:, None] - e2 * dv1[:, None]) / safe
    along_v = (e2 * du1[:, None] - e1 * du2[:, None]) / safe
    return _unit(along_u), _unit(-along_v), det


def triangle_tangents(corners: np.ndarray, uv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per triangle ((M, 3, 3) corners, (M, 3, 2) UVs), unit +X (along u) and +Y (against v)
    of the UV set on its surface."""
    along_u, against_v, _ = _frames(corners, uv)
    return along_u, against_v


def vertex_tangents(vertices: np.ndarray, faces: np.ndarray, uv: np.ndarray,
                    normals: np.ndarray | None = None) -> np.ndarray:
    """(N, 3) unit tangents (along u) per vertex: the tangents of the triangles round it,
    weighted by their areas, made square to the vertex normal where there is one. A vertex
    whose triangles give no direction gets any direction square to its normal."""
    v = np.asarray(vertices, dtype=np.float64)
    f = np.asarray(faces, dtype=np.int64).reshape(-1, 3)
    t = np.asarray(uv, dtype=np.float64)
    along_u, _, det = _frames(v[f], t[f])
    mapped = np.abs(det) > 1e-20  # UVs that span an area give a direction
    area = mapped * np.linalg.norm(np.cross(v[f[:, 1]] - v[f[:, 0]], v[f[:, 2]] - v[f[:, 0]]),
                                   axis=1)
    summed = np.zeros_like(v)
    for corner in range(3):
        np.add.at(summed, f[:, corner], along_u * area[:, None])
    if normals is not None:
        n = _unit(np.asarray(normals, dtype=np.float64))
        summed -= n * np.einsum("ij,ij->i", summed, n)[:, None]
        lost = np.linalg.norm(summed, axis=1) < 1e-12
        if lost.any():  # any direction in the tangent plane
            helper = np.where(np.abs(n[lost, :1]) < 0.9, [[1.0, 0.0, 0.0]], [[0.0, 1.0, 0.0]])
            summed[lost] = np.cross(n[lost], helper)
    return _unit(summed)


def vertex_handedness(vertices: np.ndarray, faces: np.ndarray, uv: np.ndarray,
                      normals: np.ndarray) -> np.ndarray:
    """Per vertex, +1 where the UV set ``uv`` runs as a normal map expects (v down the image,
    glTF's: cross(normal, tangent) points up the image, against v), -1 where it is mirrored:
    glTF's tangent.w. By a vote of the triangles round the vertex (float32, (N,))."""
    v = np.asarray(vertices, dtype=np.float64)
    f = np.asarray(faces, dtype=np.int64).reshape(-1, 3)
    t = np.asarray(uv, dtype=np.float64)
    n = np.asarray(normals, dtype=np.float64)
    _, _, area_in_uv = _frames(v[f], t[f])
    facing = np.einsum("ij,ij->i", n[f].sum(axis=1),
                       np.cross(v[f[:, 1]] - v[f[:, 0]], v[f[:, 2]] - v[f[:, 0]]))
    per_face = -np.sign(area_in_uv * facing)
    votes = np.bincount(f.ravel(), weights=np.repeat(per_face, 3), minlength=len(v))
    return np.where(votes < 0.0, -1.0, 1.0).astype(np.float32)


def normal_basis_tangents(normals: np.ndarray) -> np.ndarray:
    """(N, 3) unit tangents for a surface without UVs, which glTF gives no tangent: per normal,
    the first axis of the orthonormal basis of Duff et al. (2017), as Mitsuba builds its own
    frame about a normal (``coordinate_system``). Both renderers stretch an anisotropic
    highlight along it."""
    n = _unit(np.asarray(normals, dtype=np.float64))
    sign = np.where(n[:, 2] >= 0.0, 1.0, -1.0)
    a = -1.0 / (sign + n[:, 2])
    b = n[:, 0] * n[:, 1] * a
    return np.stack([1.0 + sign * n[:, 0] ** 2 * a, sign * b, -sign * n[:, 0]], axis=1)
