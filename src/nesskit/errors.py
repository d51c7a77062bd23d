"""Errors raised by nesskit.

Every invalid input raises :class:`ParameterError`, a :class:`ValueError` whose message names the
offending parameter and the allowed range, so that a user never meets a NaN or a traceback from deep
inside numpy.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np


class ParameterError(ValueError):
    """A parameter is outside its allowed range; the message names it and the range."""


class SolverError(RuntimeError):
    """A solver could not produce a steady state (for example it did not converge)."""


def _real(name: str, value: object, allowed: str) -> float:
    """Return ``value`` as a float if it is a real number (not a string, bool, None or complex)."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
    if isinstance(value, np.ndarray):
        ok = value.ndim == 0 and value.dtype.kind in "iuf"
    if not ok:
        raise ParameterError(
            f"{name} must be a real number (allowed range: {allowed}), got {value!r} ({type(value).__name__})"
        )
    x = float(value)  # type: ignore[arg-type]
    if not math.isfinite(x):
        raise ParameterError(f"{name} must be finite (allowed range: {allowed}), got {value!r}")
    return x


def check_finite(name: str, value: object, allowed: str = "(-inf, inf)") -> float:
    """Return ``value`` as a float, or raise :class:`ParameterError` if it is not a finite real number.

    Only numbers are accepted: ``int``, ``float``, numpy integer and floating scalars (and 0-d arrays of them).
    Strings (``"1"``), booleans, ``None`` and complex numbers are refused rather than converted. ``allowed``
    describes the parameter's range in the message (the caller checks the range itself).
    """
    return _real(name, value, allowed)


def check_positive(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a finite real number > 0; otherwise raise naming the range (0, ∞)."""
    x = _real(name, value, "(0, inf)")
    if x <= 0:
        raise ParameterError(f"{name} must be > 0 (allowed range: (0, inf)), got {x!r}")
    return x


def check_nonnegative(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a finite real number ≥ 0; otherwise raise naming the range [0, ∞)."""
    x = _real(name, value, "[0, inf)")
    if x < 0:
        raise ParameterError(f"{name} must be >= 0 (allowed range: [0, inf)), got {x!r}")
    return x


def check_int(name: str, value: object, minimum: int) -> int:
    """Return ``value`` as an int ≥ ``minimum``; booleans and non-integral floats are refused."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float, np.floating)):
        raise ParameterError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if isinstance(value, (float, np.floating)) and not float(value).is_integer():
        raise ParameterError(f"{name} must be an integer >= {minimum}, got {value!r}")
    k = int(value)
    if k < minimum:
        raise ParameterError(f"{name} must be an integer >= {minimum}, got {k}")
    return k


def check_bool(name: str, value: object) -> bool:
    """Return ``value`` if it is True or False; anything else (``1``, ``"yes"``, ``None``, ``np.bool_``) is refused.

    The error names the parameter, like the other checks here.
    """
    if not isinstance(value, bool):
        raise ParameterError(f"{name} must be True or False, got {value!r}")
    return value


def check_profile(name: str, value: float | Sequence[float] | np.ndarray, length: int,
                  nonnegative: bool = False) -> tuple[float, ...]:
    """Broadcast a scalar, or check a sequence of ``length`` values; return a tuple of floats.

    Every entry must be a finite real number (≥ 0 if ``nonnegative``); an entry is named ``name[k]`` (1-based).
    """
    arr = np.asarray(value, dtype=object)
    if arr.ndim == 0:
        items = [value] * length
    elif arr.ndim == 1:
        items = list(arr)
        if len(items) != length:
            raise ParameterError(f"{name} must be one number or {length} numbers, got {len(items)}")
    else:
        raise ParameterError(f"{name} must be one number or a list of {length} numbers")
    check = check_nonnegative if nonnegative else check_finite
    return tuple(check(f"{name}[{k + 1}]" if arr.ndim else name, v) for k, v in enumerate(items))
