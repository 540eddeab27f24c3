"""Large result arrays in plain anonymous memory.

NumPy asks the kernel for transparent huge pages on large arrays. Where the kernel then compacts memory on
the first write (``/sys/kernel/mm/transparent_hugepage/defrag`` set to ``madvise``, a common default), the
first write to a national-size array can cost more in page faults than the arithmetic that fills it, and
the cost varies from run to run. Arrays that are written once, in order, are better served by ordinary
pages; anonymous mappings are also zero-filled by the kernel for free.
"""

from __future__ import annotations

import mmap
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["plain_zeros"]

_SMALL = 1 << 22  # below 4 MiB NumPy does not ask for huge pages anyway


def plain_zeros(shape: tuple[int, ...], dtype: type[np.generic] = np.float64) -> npt.NDArray[Any]:
    """A zero-filled, writable array backed by ordinary (not huge) pages."""
    size = int(np.prod(shape)) * np.dtype(dtype).itemsize
    if size < _SMALL:
        return np.zeros(shape, dtype=dtype)
    return np.frombuffer(mmap.mmap(-1, size), dtype=dtype).reshape(shape)
