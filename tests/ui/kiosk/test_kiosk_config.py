import io
from pathlib import Path

import pytest
import yaml

from app.catalog.catalog import load_catalog
from app.catalog.kiosk_config import PinHash, hash_pin, load_kiosk_config, pin_hash_yaml
from app.cli.main import main
from app.errors import AppError, AppErrors

REPO = Path(__file__).resolve().parents[3] / "app" / "builtin"  # the built-in project


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "kiosk.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _good(**changes) -> dict:
    pin = yaml.safe_load(pin_hash_yaml(hash_pin("2468")))
    return {"products": ["mug"], **pin, **changes}


def test_the_example_kiosk_file_loads_and_its_pin_is_2468():
    config = load_kiosk_config(REPO / "configs/kiosk.yaml", {"mug", "watch", "guitar"}, REPO)
    assert config.products == ["mug", "watch"]
    assert config.admin_pin.matches("2468")
    assert not config.admin_pin.matches("2469")


def test_the_catalog_does_not_read_kiosk_yaml_as_a_product(tmp_path):
    catalog = load_catalog(REPO)
    assert not [p for p in catalog.problems if "kiosk" in str(p)]
    assert "kiosk" not in catalog.products


def test_bad_fields_are_named_with_the_file(tmp_path):
    path = _write(tmp_path, _good(timings={"idle": -5}, show_price=True))
    with pytest.raises(AppErrors) as caught:
        load_kiosk_config(path, {"mug"}, tmp_path)
    messages = [str(e) for e in caught.value.errors]
    assert any(m.startswith("kiosk.yaml: timings.idle: ") for m in messages), messages
    assert "kiosk.yaml: show_price: unknown field (did you mean 'show_prices'?)" in messages


def test_unknown_products_and_a_missing_pin_are_refused(tmp_path):
    path = _write(tmp_path, _good(products=["mug", "sofa"]))
    with pytest.raises(AppErrors) as caught:
        load_kiosk_config(path, {"mug"}, tmp_path)
    assert str(caught.value) == "kiosk.yaml: products[1]: unknown product 'sofa' (known: mug)"
    path = _write(tmp_path, {"products": ["mug"]})
    with pytest.raises(AppErrors, match="admin_pin: missing required field"):
        load_kiosk_config(path, {"mug"}, tmp_path)


def test_share_url_needs_a_place_for_the_code(tmp_path):
    path = _write(tmp_path, _good(share_url="https://shop.example/c"))
    with pytest.raises(AppErrors, match=r"share_url: expected a URL with \{code\}"):
        load_kiosk_config(path, {"mug"}, tmp_path)


def test_the_share_server_is_off_by_default_and_its_fields_are_checked(tmp_path):
    assert load_kiosk_config(REPO / "configs/kiosk.yaml", None, REPO).share_server is None
    good = {"host": "127.0.0.1", "port": 0, "minutes": 5}
    config = load_kiosk_config(_write(tmp_path, _good(share_server=good)), {"mug"}, tmp_path)
    assert config.share_server.port == 0 and config.share_server.public_host is None
    broken = {"host": "127.0.0.1", "port": 70000, "minutes": 0, "publc_host": "shop"}
    with pytest.raises(AppErrors) as caught:
        load_kiosk_config(_write(tmp_path, _good(share_server=broken)), {"mug"}, tmp_path)
    messages = [str(e) for e in caught.value.errors]
    assert any(m.startswith("kiosk.yaml: share_server.port: ") for m in messages), messages
    assert any(m.startswith("kiosk.yaml: share_server.minutes: ") for m in messages), messages
    assert ("kiosk.yaml: share_server.publc_host: unknown field (did you mean 'public_host'?)"
            in messages)
    with pytest.raises(AppErrors, match=r"share_server\.port: .*valid integer"):
        load_kiosk_config(_write(tmp_path, _good(share_server={"port": "8765"})), {"mug"},
                          tmp_path)


@pytest.mark.parametrize("algorithm", ["pbkdf2_sha256", "scrypt"])
def test_pin_hashes_are_salted_and_check_the_pin(algorithm):
    first, second = hash_pin("97531", algorithm), hash_pin("97531", algorithm)
    assert first.salt != second.salt and first.hash != second.hash
    assert first.matches("97531") and second.matches("97531")
    assert not first.matches("97530")
    assert "97531" not in pin_hash_yaml(first)


def test_short_or_non_digit_pins_are_refused():
    with pytest.raises(AppError, match="expected at least 4 digits"):
        hash_pin("123")
    with pytest.raises(AppError):
        hash_pin("12a4")


def test_app_kiosk_hash_pin_prints_a_block_to_paste(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("864208\n"))
    assert main(["kiosk", "--hash-pin"]) == 0
    block = yaml.safe_load(capsys.readouterr().out)
    pin_hash = PinHash(**block["admin_pin"])
    assert pin_hash.matches("864208") and not pin_hash.matches("864209")
