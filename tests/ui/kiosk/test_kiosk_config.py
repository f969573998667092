import functools
import hashlib
import io
from pathlib import Path

import pytest
import yaml

from app.catalog.catalog import load_catalog
from app.catalog.kiosk_config import (
    SCRYPT_MAXMEM,
    PinHash,
    hash_pin,
    load_kiosk_config,
    pin_hash_yaml,
    scrypt_memory,
)
from app.cli.main import main
from app.errors import AppError, AppErrors

REPO = Path(__file__).resolve().parents[3] / "app" / "builtin"  # the built-in project


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "kiosk.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@functools.cache
def _pin_block(algorithm: str = "pbkdf2_sha256") -> str:
    return pin_hash_yaml(hash_pin("386051", algorithm))


def _good(**changes) -> dict:
    pin = yaml.safe_load(_pin_block())
    return {"products": ["mug"], **pin, **changes}


def _with_pin(**fields) -> dict:
    pin = yaml.safe_load(_pin_block(fields.pop("algorithm", "pbkdf2_sha256")))["admin_pin"]
    return _good(admin_pin={**pin, **fields})


def test_the_example_kiosk_file_loads_and_its_pin_is_386051():
    config = load_kiosk_config(REPO / "configs/kiosk.yaml", {"mug", "watch", "guitar"}, REPO)
    assert config.products == ["mug", "watch"]
    assert config.admin_pin.digits == 6
    assert config.admin_pin.matches("386051")
    assert not config.admin_pin.matches("386052")
    assert not config.admin_pin.matches("2468")  # the old example PIN


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
    assert ("kiosk.yaml: show_price: unknown field (did you mean 'show_prices'?) "
            "(line 9, column 1)") in messages


def test_unknown_products_and_a_missing_pin_are_refused(tmp_path):
    path = _write(tmp_path, _good(products=["mug", "sofa"]))
    with pytest.raises(AppErrors) as caught:
        load_kiosk_config(path, {"mug"}, tmp_path)
    assert str(caught.value) == ("kiosk.yaml: products[1]: unknown product 'sofa' (known: mug)"
                                 " (line 9, column 3)")
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
            " (line 13, column 3)" in messages)
    with pytest.raises(AppErrors, match=r"share_server\.port: .*valid integer"):
        load_kiosk_config(_write(tmp_path, _good(share_server={"port": "8765"})), {"mug"},
                          tmp_path)


@pytest.mark.parametrize("algorithm", ["pbkdf2_sha256", "scrypt"])
def test_pin_hashes_are_salted_and_check_the_pin(algorithm):
    first, second = hash_pin("975310", algorithm), hash_pin("975310", algorithm)
    assert first.salt != second.salt and first.hash != second.hash
    assert first.matches("975310") and second.matches("975310")
    assert not first.matches("975311")
    assert "975310" not in pin_hash_yaml(first)


def test_short_or_non_digit_pins_are_refused():
    for pin in ("2468", "12345", "", "12a456", "\u0661\u0662\u0663\u0664\u0665\u0666",
                "1" * 13):
        with pytest.raises(AppError, match="expected at least 6 digits"):
            hash_pin(pin)
    assert hash_pin("000000").digits == 6 and hash_pin("1" * 12).digits == 12


def test_app_kiosk_hash_pin_refuses_a_four_digit_pin(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("2468\n"))
    assert main(["kiosk", "--hash-pin"]) != 0
    captured = capsys.readouterr()
    assert "at least 6 digits" in captured.err and "admin_pin" not in captured.out


def test_a_kiosk_file_cannot_let_a_short_pin_in(tmp_path):
    salt = "00112233445566778899aabbccddeeff"
    short = hashlib.pbkdf2_hmac("sha256", b"2468", bytes.fromhex(salt), 100_000).hex()
    block = {"salt": salt, "hash": short, "iterations": 100_000}
    with pytest.raises(AppErrors) as caught:
        load_kiosk_config(_write(tmp_path, _good(admin_pin={**block, "digits": 4})), None,
                          tmp_path)
    assert str(caught.value).startswith("kiosk.yaml: admin_pin.digits: ")
    assert "greater than or equal to 6" in str(caught.value)
    with pytest.raises(AppErrors) as caught:
        load_kiosk_config(_write(tmp_path, _good(admin_pin=block)), None, tmp_path)
    assert str(caught.value).startswith("kiosk.yaml: admin_pin.digits: missing: how many digits")
    lying = load_kiosk_config(_write(tmp_path, _good(admin_pin={**block, "digits": 6})), None,
                              tmp_path)  # a 4-digit PIN's hash that claims 6 digits
    assert not lying.admin_pin.matches("2468")  # only 6-digit PINs are ever hashed


@pytest.mark.parametrize(("fields", "field", "expected"), [
    ({"algorithm": "scrypt", "n": 2**20}, "n", "n=1048576, r=8, p=1 needs 1024.0 MiB, more "
                                               "than the 32 MiB OpenSSL allows"),
    ({"algorithm": "scrypt", "n": 2**15}, "n", "needs 32.0 MiB"),
    ({"algorithm": "scrypt", "r": 16}, "n", "needs 32.0 MiB"),
    ({"algorithm": "scrypt", "n": 2**62}, "n", "needs"),
    ({"algorithm": "scrypt", "n": 20000}, "n", "expected a power of two, got 20000"),
    ({"algorithm": "scrypt", "n": 2**10}, "n", "greater than or equal to 16384"),
    ({"algorithm": "scrypt", "r": 1}, "r", "greater than or equal to 8"),
    ({"algorithm": "scrypt", "p": 10**9}, "p", "less than or equal to 16"),
    ({"algorithm": "scrypt", "p": 0}, "p", "greater than or equal to 1"),
    ({"iterations": 10_000}, "iterations", "greater than or equal to 100000"),
    ({"iterations": 10**12}, "iterations", "less than or equal to 10000000"),
])
def test_hash_parameters_a_kiosk_cannot_compute_are_refused_at_load(tmp_path, fields, field,
                                                                     expected):
    with pytest.raises(AppErrors) as caught:
        load_kiosk_config(_write(tmp_path, _with_pin(**fields)), {"mug"}, tmp_path)
    message = str(caught.value)
    assert message.startswith(f"kiosk.yaml: admin_pin.{field}: "), message
    assert expected in message


def test_the_largest_accepted_scrypt_parameters_are_computed(tmp_path):
    assert scrypt_memory(2**14, 15, 16) <= SCRYPT_MAXMEM
    config = load_kiosk_config(_write(tmp_path, _with_pin(algorithm="scrypt")), {"mug"},
                               tmp_path)
    assert config.admin_pin.n == 2**14 and config.admin_pin.matches("386051")
    biggest = config.admin_pin.model_copy(update={"r": 15, "p": 2})
    PinHash.model_validate(biggest.model_dump())  # within the bounds
    assert not biggest.matches("386051")  # other parameters, another hash: but no error


def test_app_kiosk_hash_pin_prints_a_block_to_paste(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("864208\n"))
    assert main(["kiosk", "--hash-pin"]) == 0
    block = yaml.safe_load(capsys.readouterr().out)
    pin_hash = PinHash(**block["admin_pin"])
    assert pin_hash.digits == 6
    assert pin_hash.matches("864208") and not pin_hash.matches("864209")
