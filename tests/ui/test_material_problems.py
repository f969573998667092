"""A material file with a bad value: one problem, at its cause, and the products that use it stay
on screen at their last good version."""

import yaml


def test_a_broken_material_is_one_problem_and_its_products_stay(qtbot, window):
    material = window.test_root / "assets" / "materials" / "ceramic_gloss.yaml"
    good = material.read_text(encoding="utf-8")
    data = yaml.safe_load(good)
    data["roughness"] = 1.8
    try:
        written = yaml.safe_dump(data)
        material.write_text(written, encoding="utf-8")
        line = written.splitlines().index("roughness: 1.8") + 1
        window.reload_catalog()
        assert window.problems.messages() == [
            "assets/materials/ceramic_gloss.yaml: roughness: Input should be less than or "
            f"equal to 1, got 1.8 (line {line}, column 1)"]
        assert f"where: line {line}, column 1" in window.problems.list.item(0).toolTip()
        assert {"mug", "tumbler"} <= set(window.session.catalog.products)
        assert window.session.product.id == "mug"
    finally:
        material.write_text(good, encoding="utf-8")
        window.reload_catalog()
    assert window.problems.messages() == []
