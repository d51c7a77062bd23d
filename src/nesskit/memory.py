"""Memory guards: a method that would need more memory than the machine has refuses before it allocates.

The estimate is compared with the memory available now (``MemAvailable`` of ``/proc/meminfo`` on Linux, else the
free pages from ``os.sysconf``); a method's ``memory_limit`` option (bytes) overrides it.
"""

from __future__ import annotations

import os

from .errors import SolverError

GIB = float(1 << 30)


def available_memory() -> float | None:
    """Bytes of memory available to a new allocation now, or None if the platform does not say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024.0
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_PAGE_SIZE")) * float(os.sysconf("SC_AVPHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None


def check_memory(needed: float, what: str, limit: float | None = None, hint: str = "") -> None:
    """Raise :class:`~nesskit.errors.SolverError` if ``needed`` bytes exceed ``limit`` (default: available memory).

    The message names ``what`` needs the memory, the estimate and the limit in GiB, and ``hint`` (what to change).
    """
    cap = available_memory() if limit is None else float(limit)
    if cap is None or needed <= cap:
        return
    source = "memory_limit" if limit is not None else "memory available now"
    extra = f"; {hint}" if hint else ""
    raise SolverError(f"{what} needs about {needed / GIB:.3g} GiB, more than the {cap / GIB:.3g} GiB {source}"
                      f"{extra}")
