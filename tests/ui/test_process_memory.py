"""The memory a finished job freed goes back to the system, not kept by the allocator."""

import pytest

from app.ui.process_memory import (
    can_give_back_memory,
    give_back_freed_memory,
    resident_memory_mb,
)

BLOCK = 100_000  # below glibc's mmap threshold: from the heap, as most of a still's buffers


# glibc's malloc_trim is what gives the memory back; macOS, Windows and musl have no such call,
# and there the app keeps what it freed as their allocators do
GLIBC_ONLY = pytest.mark.skipif(not can_give_back_memory(),
                                reason="no glibc malloc_trim on this system")


@GLIBC_ONLY
def test_freed_memory_held_below_a_live_block_goes_back():
    """200 MB of blocks freed, all but the last: the allocator cannot shrink its heap past
    the live block and keeps the rest, until it is given back."""
    blocks = [bytearray(BLOCK) for _ in range(2000)]
    last = blocks[-1]
    del blocks
    held = resident_memory_mb()
    assert give_back_freed_memory()
    assert held - resident_memory_mb() > 100, held
    assert len(last) == BLOCK
