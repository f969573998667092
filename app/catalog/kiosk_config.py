"""Kiosk files: configs/kiosk.yaml -> KioskConfig (what a store kiosk shows, its timings, its
admin PIN as a salted hash, where it logs), and the PIN hashing itself.

``kiosk.yaml`` is a reserved name in configs/: the catalog does not read it as a product.

The PIN: digits only, MIN_PIN_DIGITS to MAX_PIN_DIGITS of them. A hash cannot tell how long its
PIN was, so the block declares ``digits`` and only a PIN of exactly that many digits is ever
hashed and compared: a file cannot let a short PIN in, whatever PIN its hash was made from. The
hash parameters are checked when the file is read, within what a kiosk computes in about a
second and in the memory OpenSSL allows by default:

- pbkdf2_sha256: ``iterations`` from PBKDF2_MIN_ITERATIONS to PBKDF2_MAX_ITERATIONS;
- scrypt: ``n`` a power of two from SCRYPT_MIN_N, ``r`` from SCRYPT_MIN_R, ``p`` from 1 to
  SCRYPT_MAX_P, and the memory scrypt needs, 128 * r * (n + 2 + p) bytes, within SCRYPT_MAXMEM
  (OpenSSL's default limit, 32 MiB: with r = 8 that is n = 2**14).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.catalog.catalog import KIOSK_FILE_NAME  # noqa: F401 (re-exported)
from app.catalog.field_errors import validate_file_data
from app.catalog.files import file_label
from app.catalog.yaml_source import read_yaml_file
from app.errors import AppErrors, ProductFileError

MIN_PIN_DIGITS, MAX_PIN_DIGITS = 6, 12
PBKDF2_ITERATIONS = 600_000
PBKDF2_MIN_ITERATIONS, PBKDF2_MAX_ITERATIONS = 100_000, 10_000_000
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SCRYPT_MIN_N, SCRYPT_MIN_R, SCRYPT_MAX_R, SCRYPT_MAX_P = 2**14, 8, 32, 16
SCRYPT_MAXMEM = 32 * 1024 * 1024


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def scrypt_memory(n: int, r: int, p: int) -> int:
    """Bytes OpenSSL's scrypt needs (and checks against its maxmem) for these parameters."""
    return 128 * r * (n + 2) + 128 * r * p


class PinHash(_Strict):
    """A salted hash of the admin PIN; ``app kiosk --hash-pin`` writes one."""

    algorithm: Literal["pbkdf2_sha256", "scrypt"] = "pbkdf2_sha256"
    salt: str = Field(min_length=16, pattern=r"^[0-9a-f]+$", description="hex")
    hash: str = Field(min_length=32, pattern=r"^[0-9a-f]+$", description="hex")
    digits: int = Field(ge=MIN_PIN_DIGITS, le=MAX_PIN_DIGITS,
                        description="how many digits the PIN has")
    iterations: int = Field(default=PBKDF2_ITERATIONS, ge=PBKDF2_MIN_ITERATIONS,
                            le=PBKDF2_MAX_ITERATIONS, description="pbkdf2 only")
    n: int = Field(default=SCRYPT_N, ge=SCRYPT_MIN_N, description="scrypt only: a power of two")
    r: int = Field(default=SCRYPT_R, ge=SCRYPT_MIN_R, le=SCRYPT_MAX_R, description="scrypt only")
    p: int = Field(default=SCRYPT_P, ge=1, le=SCRYPT_MAX_P, description="scrypt only")

    @model_validator(mode="before")
    @classmethod
    def _digits_declared(cls, data: Any) -> Any:
        if isinstance(data, dict) and "digits" not in data:
            raise ValueError(f"digits: missing: how many digits the PIN has (at least "
                             f"{MIN_PIN_DIGITS}); `app kiosk --hash-pin` writes the whole block")
        return data

    @field_validator("n")
    @classmethod
    def _power_of_two(cls, n: int) -> int:
        if n & (n - 1):
            raise ValueError(f"expected a power of two, got {n}")
        return n

    @model_validator(mode="after")
    def _computable(self) -> PinHash:
        memory = scrypt_memory(self.n, self.r, self.p)
        if self.algorithm == "scrypt" and memory > SCRYPT_MAXMEM:
            raise ValueError(
                f"n: scrypt with n={self.n}, r={self.r}, p={self.p} needs "
                f"{memory / 2**20:.1f} MiB, more than the {SCRYPT_MAXMEM // 2**20} MiB OpenSSL "
                f"allows (with r={SCRYPT_R}, n is at most {SCRYPT_N})")
        return self

    def matches(self, pin: str) -> bool:
        """Whether ``pin`` is the PIN; only exactly ``digits`` ASCII digits are hashed."""
        if len(pin) != self.digits or not (pin.isascii() and pin.isdigit()):
            return False
        return hmac.compare_digest(_digest(pin, self), self.hash)


class Timings(_Strict):
    """Seconds. Idle: no touch for ``idle`` -> the countdown (only when the customer changed
    something) -> after ``reset_countdown`` the configuration is cleared and the attract loop
    starts. The loop turns the product and shows the next preset every ``attract_preset``."""

    idle: float = Field(default=90.0, gt=0)
    reset_countdown: float = Field(default=15.0, gt=0)
    attract_preset: float = Field(default=8.0, gt=0)
    message: float = Field(default=4.0, gt=0, description="how long a notice stays up")


class ShareServerSettings(_Strict):
    """The kiosk's own hand-off server: the customer's AR files and still, served to their
    phone for ``minutes``. It listens on ``host``:``port`` (0 picks a free port); phones reach
    it at ``public_host`` (default: ``host``, or this machine's LAN address for 0.0.0.0). With
    ``tls_cert`` (and ``tls_key`` when the key is a file of its own) it serves HTTPS."""

    host: str = Field(default="0.0.0.0", min_length=1, pattern=r"^[^\s/]+$")
    port: int = Field(default=8765, ge=0, le=65535, strict=True)
    public_host: str | None = Field(default=None, min_length=1, pattern=r"^[^\s/]+$",
                                    description="address phones use in the link")
    minutes: float = Field(default=15.0, gt=0, allow_inf_nan=False,
                           description="how long a customer's link works")
    tls_cert: str | None = Field(
        default=None, min_length=1, description="PEM certificate (chain) file for HTTPS, "
                                                "relative to the project folder or absolute; "
                                                "none: plain HTTP")
    tls_key: str | None = Field(default=None, min_length=1,
                                description="its PEM private key file; none: in tls_cert")

    @model_validator(mode="after")
    def _check(self) -> ShareServerSettings:
        if self.tls_key is not None and self.tls_cert is None:
            raise ValueError("tls_key: a key needs its certificate (tls_cert)")
        return self

    def tls_paths(self, root: Path) -> tuple[Path | None, Path | None]:
        """``tls_cert`` and ``tls_key`` as paths (relative ones in ``root``)."""
        def resolve(name: str | None) -> Path | None:
            if name is None:
                return None
            path = Path(name).expanduser()
            return path if path.is_absolute() else root / path
        return resolve(self.tls_cert), resolve(self.tls_key)


class KioskConfig(_Strict):
    title: str = Field(default="Make it yours", min_length=1)
    invitation: str = Field(default="Touch to start", min_length=1)
    products: list[str] = Field(default_factory=list,
                                description="product ids shown; empty: the whole catalog")
    show_prices: bool = True
    timings: Timings = Field(default_factory=Timings)
    admin_pin: PinHash
    log_folder: str = Field(default="kiosk-logs", min_length=1,
                            description="relative to the project folder, or absolute")
    log_max_bytes: int = Field(default=1_000_000, ge=10_000)
    log_backups: int = Field(default=5, ge=1)
    printer: str | None = Field(default=None, description="printer name; none: no print button")
    share_url: str | None = Field(
        default=None, description="QR link with {code} where the hand-off code goes; none: the "
                                  "QR holds the hand-off code itself")
    share_server: ShareServerSettings | None = Field(
        default=None, description="serve the AR files to the customer's phone; none: the QR "
                                  "holds share_url or the hand-off code")
    source: str = ""

    @model_validator(mode="after")
    def _check(self) -> KioskConfig:
        if len(set(self.products)) != len(self.products):
            raise ValueError("products: a product is listed twice")
        if self.share_url is not None and "{code}" not in self.share_url:
            raise ValueError("share_url: expected a URL with {code} where the share code goes")
        return self

    def log_path(self, root: Path) -> Path:
        folder = Path(self.log_folder).expanduser()
        return folder if folder.is_absolute() else root / folder


def load_kiosk_config(path: Path, product_ids: set[str] | None = None,
                      root: Path | None = None) -> KioskConfig:
    """The kiosk a file describes; AppErrors naming the file and each bad field otherwise.
    With ``product_ids``, every listed product must be one of them."""
    label = file_label(path, root)
    document = read_yaml_file(path, label)
    config = validate_file_data(document, KioskConfig, path, label)
    if product_ids is not None:
        problems = [ProductFileError(f"unknown product '{p}' (known: "
                                     f"{', '.join(sorted(product_ids)) or 'none'})",
                                     file=label, field=f"products[{i}]")
                    for i, p in enumerate(config.products) if p not in product_ids]
        if problems:
            raise AppErrors(document.locate(problems))
    return config


def hash_pin(pin: str, algorithm: str = "pbkdf2_sha256") -> PinHash:
    """A fresh salted hash of ``pin`` (digits only, MIN_PIN_DIGITS to MAX_PIN_DIGITS)."""
    if not (pin.isascii() and pin.isdigit()) or not MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS:
        raise ProductFileError(f"expected at least {MIN_PIN_DIGITS} digits (at most "
                               f"{MAX_PIN_DIGITS}, digits only), got {len(pin)} characters",
                               field="admin_pin")
    salt = secrets.token_hex(16)
    draft = PinHash.model_construct(algorithm=algorithm, salt=salt, hash="", digits=len(pin),
                                    iterations=PBKDF2_ITERATIONS, n=SCRYPT_N, r=SCRYPT_R,
                                    p=SCRYPT_P)
    return PinHash(algorithm=algorithm, salt=salt, hash=_digest(pin, draft), digits=len(pin))


def pin_hash_yaml(pin_hash: PinHash) -> str:
    """The ``admin_pin:`` block to paste into kiosk.yaml."""
    lines = ["admin_pin:", f"  algorithm: {pin_hash.algorithm}", f"  salt: {pin_hash.salt}",
             f"  hash: {pin_hash.hash}", f"  digits: {pin_hash.digits}"]
    if pin_hash.algorithm == "scrypt":
        lines += [f"  n: {pin_hash.n}", f"  r: {pin_hash.r}", f"  p: {pin_hash.p}"]
    else:
        lines.append(f"  iterations: {pin_hash.iterations}")
    return "\n".join(lines)


def _digest(pin: str, pin_hash: PinHash) -> str:
    salt = bytes.fromhex(pin_hash.salt)
    if pin_hash.algorithm == "scrypt":
        return hashlib.scrypt(pin.encode(), salt=salt, n=pin_hash.n, r=pin_hash.r,
                              p=pin_hash.p, maxmem=SCRYPT_MAXMEM, dklen=32).hex()
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, pin_hash.iterations).hex()
