"""A self-signed certificate for 127.0.0.1, made with the openssl command line."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """``cert.pem`` and ``key.pem`` in ``folder`` (an EC key, valid for a day)."""
    assert shutil.which("openssl"), "the openssl command is missing: ./bootstrap installs it"
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=30)
    return cert, key
