"""A GLB's material variants honour the product: a customer (or model-viewer, or Blender) who
applies any of them gets a configuration the rules allow, each changes something that shows, and
no image is stored twice."""

import io

import numpy as np
import pytest
from PIL import Image

from app.assets.gltf_document import read_gltf_document
from app.domain.configuration import default_configuration
from app.domain.rules import violations
from app.export.glb import VARIANTS, export_glb
from app.project import open_project
from tests.gltf_compare import split_glb


@pytest.fixture(scope="module")
def project():
    return open_project()


def exported(project, product_id, tmp_path, **choices):
    product = project.catalog.product(product_id)
    configuration = default_configuration(product)
    for group_id, choice_id in choices.items():
        configuration = configuration.with_choice(group_id, choice_id)
    assert violations(product, configuration.selections) == []
    path = tmp_path / f"{product_id}.glb"
    export_glb(product, configuration, project, path)
    return product, configuration, read_gltf_document(path).header, path


def variant_choices(product, header) -> list[tuple[str, str]]:
    """(group id, choice id) of each declared variant, by its "<group>: <choice>" name (or the
    choice's alone, when one group has variants)."""
    names = {f"{g.label}: {c.label}": (g.id, c.id) for g in product.options for c in g.choices}
    names |= {c.label: (g.id, c.id) for g in product.options for c in g.choices}
    declared = header.get("extensions", {}).get(VARIANTS, {}).get("variants", [])
    return [names[v["name"]] for v in declared]


def mapped_variants(header) -> set[int]:
    return {index for mesh in header["meshes"] for primitive in mesh["primitives"]
            for mapping in primitive.get("extensions", {}).get(VARIANTS, {}).get("mappings", [])
            for index in mapping["variants"]}


CASES = [("guitar", {"finish": "candy_red"}), ("guitar", {}), ("watch", {"strap": "bracelet"}),
         ("watch", {}), ("mug", {}), ("golf_cart", {})]


@pytest.mark.parametrize("product_id, choices", CASES,
                         ids=[f"{p}-{'-'.join(c.values()) or 'default'}" for p, c in CASES])
def test_every_variant_is_allowed_and_changes_something(project, tmp_path, product_id, choices):
    product, configuration, header, _ = exported(project, product_id, tmp_path, **choices)
    declared = variant_choices(product, header)
    assert declared, "a configurable product offers variants"
    for group_id, choice_id in declared:
        applied = configuration.with_choice(group_id, choice_id)
        assert violations(product, applied.selections) == [], (group_id, choice_id)
    assert mapped_variants(header) == set(range(len(declared)))


def test_a_red_guitar_offers_no_gold_hardware(project, tmp_path):
    product, _, header, _ = exported(project, "guitar", tmp_path, finish="candy_red")
    assert ("hardware", "gold") not in variant_choices(product, header)
    _, _, header, _ = exported(project, "guitar", tmp_path, finish="sunburst")
    assert ("hardware", "gold") in variant_choices(product, header)


def test_a_watch_on_its_bracelet_declares_no_leather_colours(project, tmp_path):
    product, _, header, _ = exported(project, "watch", tmp_path, strap="bracelet")
    assert not [c for c in variant_choices(product, header) if c[0] == "strap_colour"]
    _, _, header, _ = exported(project, "watch", tmp_path, strap="leather")
    assert [c for c in variant_choices(product, header) if c[0] == "strap_colour"]


@pytest.mark.parametrize("product_id", ["guitar", "watch", "mug", "golf_cart"])
def test_no_image_is_stored_twice(project, tmp_path, product_id):
    _, _, header, path = exported(project, product_id, tmp_path)
    _, binary = split_glb(path.read_bytes())
    pictures = []
    for image in header.get("images", []):
        view = header["bufferViews"][image["bufferView"]]
        start = view.get("byteOffset", 0)
        blob = binary[start:start + view["byteLength"]]
        pictures.append(np.asarray(Image.open(io.BytesIO(blob))).tobytes())
    assert len(pictures) == len(set(pictures))
