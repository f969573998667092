"""Which Mitsuba 3 variant renders here: CUDA on an NVIDIA GPU, LLVM on the CPU where Debian's
libLLVM 19 is installed, scalar otherwise. The app finds libLLVM itself; users set nothing."""

from __future__ import annotations

import ctypes.util
import logging
import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from app.photoreal import (
    dielectric_layer,
    guides,
    lambert_diffuse,
    normal_maps,
    rough_glass,
    see_through,
    sheen_layer,
    tangent_frames,
)
from app.photoreal.textures import register_textures

log = logging.getLogger(__name__)

CUDA_VARIANT = "cuda_ad_rgb"
LLVM_VARIANT = "llvm_ad_rgb"
SCALAR_VARIANT = "scalar_rgb"
LLVM_ENV = "DRJIT_LIBLLVM_PATH"
# LLVM 14 and 15 crash Dr.Jit's LLVM backend; 19 is what Debian 12 backports ship.
LLVM_CANDIDATES = (
    "/usr/lib/x86_64-linux-gnu/libLLVM.so.19.1",
    "/usr/lib/x86_64-linux-gnu/libLLVM-19.so",
    "/usr/lib/aarch64-linux-gnu/libLLVM.so.19.1",
    "/usr/lib/llvm-19/lib/libLLVM.so.19.1",
    "/usr/lib/llvm-19/lib/libLLVM-19.so",
)

_active: str | None = None


def find_libllvm(candidates: Sequence[str] = LLVM_CANDIDATES) -> str | None:
    """Path of a libLLVM 19 shared library, or None: the known Debian paths, then ldconfig."""
    given = os.environ.get(LLVM_ENV)
    if given and Path(given).is_file():
        return given
    for candidate in candidates:
        if Path(candidate).is_file():
            return candidate
    found = ctypes.util.find_library("LLVM-19")
    if found and Path(found).is_file():
        return found
    return _from_ldconfig()


def _from_ldconfig() -> str | None:
    ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
    try:
        listing = subprocess.run([ldconfig, "-p"], capture_output=True, text=True, timeout=5,
                                 check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in listing.splitlines():
        name, _, path = line.partition("=>")
        if "libLLVM" in name and "19" in name and Path(path.strip()).is_file():
            return path.strip()
    return None


def nvidia_gpu_present() -> bool:
    """True when the NVIDIA driver answers (a CUDA variant can run)."""
    driver = Path("/proc/driver/nvidia/version")
    return driver.is_file() or ctypes.util.find_library("cuda") is not None


def choose_variant(available: Sequence[str], *, gpu: bool, libllvm: str | None) -> str:
    """The fastest of Mitsuba's ``available`` variants this machine can run."""
    if gpu and CUDA_VARIANT in available:
        return CUDA_VARIANT
    if libllvm and LLVM_VARIANT in available:
        return LLVM_VARIANT
    if SCALAR_VARIANT in available:
        return SCALAR_VARIANT
    raise RuntimeError(f"Mitsuba offers none of {CUDA_VARIANT}, {LLVM_VARIANT}, {SCALAR_VARIANT}"
                       f" (it has: {', '.join(available)})")


def activate_mitsuba(
    *,
    gpu_probe: Callable[[], bool] = nvidia_gpu_present,
    llvm_probe: Callable[[], str | None] = find_libllvm,
):
    """Import Mitsuba with the chosen variant set (once per process); returns the module."""
    global _active
    libllvm = llvm_probe()
    if libllvm:
        os.environ.setdefault(LLVM_ENV, libllvm)
    import mitsuba as mi

    if _active is not None:
        return mi
    variant = choose_variant(mi.variants(), gpu=gpu_probe(), libllvm=libllvm)
    try:
        mi.set_variant(variant)
    except Exception as error:  # a GPU or LLVM backend that fails to start
        log.warning("Mitsuba variant %s failed (%s); using %s", variant, error, SCALAR_VARIANT)
        variant = SCALAR_VARIANT
        mi.set_variant(variant)
    _active = variant
    register_textures(mi)
    lambert_diffuse.register_bsdfs(mi)
    normal_maps.register_bsdfs(mi)
    tangent_frames.register_bsdfs(mi)
    sheen_layer.register_bsdfs(mi)
    dielectric_layer.register_bsdfs(mi)
    rough_glass.register_bsdfs(mi)
    see_through.register_bsdfs(mi)
    guides.register_bsdfs(mi)
    guides.register_integrators(mi)
    log.info("Mitsuba renders with %s", variant)
    return mi


def vectorised(mi) -> bool:
    """Whether Mitsuba's active variant traces many rays at once (LLVM, CUDA), not one at a
    time (scalar, where a Python integrator or a loop over rays runs per ray)."""
    return not mi.variant().startswith("scalar")


def active_variant() -> str | None:
    return _active
