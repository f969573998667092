import pytest

from app.photoreal import backend
from app.photoreal.backend import choose_variant, find_libllvm

ALL = ["scalar_rgb", "scalar_spectral", "llvm_ad_rgb", "cuda_ad_rgb"]


def test_gpu_picks_cuda():
    assert choose_variant(ALL, gpu=True, libllvm="/x/libLLVM.so.19.1") == "cuda_ad_rgb"


def test_cpu_with_llvm19_picks_llvm():
    assert choose_variant(ALL, gpu=False, libllvm="/x/libLLVM.so.19.1") == "llvm_ad_rgb"


def test_without_llvm_falls_back_to_scalar():
    assert choose_variant(ALL, gpu=False, libllvm=None) == "scalar_rgb"
    assert choose_variant(["scalar_rgb", "llvm_ad_rgb"], gpu=True, libllvm=None) == "scalar_rgb"


def test_no_usable_variant_is_an_error():
    with pytest.raises(RuntimeError, match="scalar_rgb"):
        choose_variant(["scalar_spectral"], gpu=False, libllvm=None)


def test_libllvm_found_at_a_known_path(tmp_path, monkeypatch):
    monkeypatch.delenv(backend.LLVM_ENV, raising=False)
    library = tmp_path / "libLLVM.so.19.1"
    library.write_bytes(b"")
    assert find_libllvm([str(tmp_path / "missing.so"), str(library)]) == str(library)


def test_this_machine_renders_with_the_llvm_backend():
    mi = backend.activate_mitsuba()
    assert backend.active_variant() == mi.variant() == "llvm_ad_rgb"
