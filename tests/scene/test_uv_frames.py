"""Which way a UV set runs along a surface: per triangle, and per vertex smoothed."""

from __future__ import annotations

import numpy as np

from app.scene.uv_frames import triangle_tangents, vertex_tangents


def test_a_triangle_s_tangents_follow_u_and_against_v():
    corners = np.array([[[0, 0, 0], [2, 0, 0], [0, 3, 0]]], np.float64)
    uv = np.array([[[0, 1], [1, 1], [0, 0]]], np.float64)  # v runs down the image (-Y here)
    along_u, against_v = triangle_tangents(corners, uv)
    np.testing.assert_allclose(along_u[0], [1, 0, 0], atol=1e-12)
    np.testing.assert_allclose(against_v[0], [0, 1, 0], atol=1e-12)


def latitude_longitude_sphere(rows: int = 16, columns: int = 32):
    """A unit sphere about Z with u along the longitude (its seam's vertices doubled, as a
    UV-mapped model has them) and v from pole to pole: (vertices, faces, uv)."""
    u, v = np.meshgrid(np.linspace(0, 1, columns + 1), np.linspace(0, 1, rows + 1))
    phi, theta = 2 * np.pi * u.ravel(), np.pi * v.ravel()
    vertices = np.stack([np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi),
                         np.cos(theta)], axis=1)
    index = np.arange((rows + 1) * (columns + 1)).reshape(rows + 1, columns + 1)
    a, b = index[:-1, :-1].ravel(), index[:-1, 1:].ravel()
    c, d = index[1:, 1:].ravel(), index[1:, :-1].ravel()
    faces = np.concatenate([np.stack([a, d, c], 1), np.stack([a, c, b], 1)])
    return vertices, faces, np.stack([u.ravel(), v.ravel()], axis=1)


def test_a_sphere_s_vertex_tangents_run_along_its_latitudes():
    v, faces, uv = latitude_longitude_sphere()
    tangents = vertex_tangents(v, faces, uv, v)
    np.testing.assert_allclose(np.linalg.norm(tangents, axis=1), 1.0, atol=1e-9)
    latitude = np.cross([0.0, 0.0, 1.0], v)
    away_from_poles = np.linalg.norm(latitude, axis=1) > 0.2
    latitude = latitude[away_from_poles] / np.linalg.norm(latitude[away_from_poles], axis=1,
                                                          keepdims=True)
    cosines = np.einsum("ij,ij->i", tangents[away_from_poles], latitude)
    assert cosines.min() > 0.99  # and all the same way round


def test_vertex_tangents_are_the_triangles_blended_and_square_to_the_normal():
    # two triangles of a flat square whose UVs turn by 90 degrees from one to the other
    vertices = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]], np.float64)
    faces = np.array([[0, 1, 2], [0, 2, 3]])
    uv = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float64)
    per_triangle, _ = triangle_tangents(vertices[faces], uv[faces])
    np.testing.assert_allclose(per_triangle, [[1, 0, 0], [1, 0, 0]], atol=1e-12)
    normals = np.tile([[0.0, 0.0, 1.0]], (4, 1))
    tangents = vertex_tangents(vertices, faces, uv, normals)
    np.testing.assert_allclose(tangents, np.tile([[1.0, 0.0, 0.0]], (4, 1)), atol=1e-12)
    # a tilted normal: the tangent is made square to it
    tilted = np.tile([[0.6, 0.0, 0.8]], (4, 1))
    tangents = vertex_tangents(vertices, faces, uv, tilted)
    np.testing.assert_allclose(np.einsum("ij,ij->i", tangents, tilted), 0.0, atol=1e-12)
    np.testing.assert_allclose(tangents, np.tile([[0.8, 0.0, -0.6]], (4, 1)), atol=1e-12)


def test_uvs_that_span_no_area_give_a_unit_tangent_square_to_the_normal():
    vertices = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0]], np.float64)
    faces = np.array([[0, 1, 2]])
    uv = np.zeros((3, 2))
    normals = np.tile([[0.0, 0.0, 1.0]], (3, 1))
    tangents = vertex_tangents(vertices, faces, uv, normals)
    assert np.isfinite(tangents).all()
    np.testing.assert_allclose(np.linalg.norm(tangents, axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(tangents[:, 2], 0.0, atol=1e-12)
