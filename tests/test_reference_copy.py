"""The committed copy of the source document equals shared/reference wherever that is found."""
from __future__ import annotations

import pytest
from seedref import REF, SHARED_CANDIDATES


@pytest.mark.parametrize("name", ["seed-facts.md", "seed-speeches.txt"])
def test_copy_equals_shared_reference(name):
    shared = next((p for p in SHARED_CANDIDATES if (p / name).exists()), None)
    if shared is None:
        pytest.skip("shared/reference is not beside this checkout; the committed copy is used")
    assert (REF / name).read_bytes() == (shared / name).read_bytes()
