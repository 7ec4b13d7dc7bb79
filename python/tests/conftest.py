import numpy as np
import pytest


def bits(a):
    """The bit patterns of a float64 array (for bit-for-bit comparisons)."""
    return np.ascontiguousarray(a, dtype=np.float64).view(np.int64)


@pytest.fixture
def rng():
    return np.random.default_rng(12)
