"""A part's tangents (the frame its normal map and anisotropy are read in) are made from the
UV set its material's normal texture reads, and made again when a material on another set is
applied to the same part (a variant), with the handedness of that set."""

import dataclasses

import numpy as np
import vtkmodules.vtkRenderingOpenGL2  # noqa: F401 (OpenGL actors, with shader properties)
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from app.viewport.material_shaders import mirrored_uvs_turn_the_bitangent
from app.viewport.polydata import HANDEDNESS, mesh_to_polydata, tangents_from_uv_set
from tests.viewport.scenes import card_mesh


def _actor(mesh) -> vtkActor:
    mapper = vtkPolyDataMapper()
    mapper.SetInputData(mesh_to_polydata(mesh))
    actor = vtkActor()
    actor.SetMapper(mapper)
    return actor


def _tangents(actor: vtkActor) -> np.ndarray:
    return vtk_to_numpy(actor.GetMapper().GetInput().GetPointData().GetTangents())


def _handedness(actor: vtkActor) -> np.ndarray:
    return vtk_to_numpy(actor.GetMapper().GetInput().GetPointData().GetArray(HANDEDNESS))


def test_the_tangents_follow_the_uv_set_and_come_back():
    card = card_mesh()
    turned = np.stack([card.uv[:, 1], 1.0 - card.uv[:, 0]], axis=1).astype(np.float32)
    mesh = dataclasses.replace(card, uv1=turned)
    actor = _actor(mesh)
    along_first = _tangents(actor).copy()
    along_second = _tangents(_actor(dataclasses.replace(card, uv=turned)))
    # the card's u runs along x; the turned set's u along y: the frames differ by a quarter
    assert np.allclose(np.abs(along_first[:, 0]), 1.0, atol=1e-4)
    assert np.allclose(np.abs(along_second[:, 1]), 1.0, atol=1e-4)

    assert tangents_from_uv_set(actor, mesh, 1)
    assert np.allclose(_tangents(actor), along_second, atol=1e-5)
    assert tangents_from_uv_set(actor, mesh, 0)
    assert np.allclose(_tangents(actor), along_first, atol=1e-5)


def test_a_part_without_the_set_keeps_its_tangents():
    mesh = card_mesh()
    actor = _actor(mesh)
    before = _tangents(actor).copy()
    assert not tangents_from_uv_set(actor, mesh, 1)
    assert np.allclose(_tangents(actor), before)


def test_the_handedness_is_the_normal_textures_set():
    card = card_mesh()
    mirrored = np.stack([1.0 - card.uv[:, 0], card.uv[:, 1]], axis=1).astype(np.float32)
    mesh = dataclasses.replace(card, uv1=mirrored)
    actor = _actor(mesh)
    mirrored_uvs_turn_the_bitangent(actor, mesh, 0)
    assert (_handedness(actor) == 1.0).all()
    mirrored_uvs_turn_the_bitangent(actor, mesh, 1)
    assert (_handedness(actor) == -1.0).all()
    mirrored_uvs_turn_the_bitangent(actor, mesh, 0)
    assert (_handedness(actor) == 1.0).all()
