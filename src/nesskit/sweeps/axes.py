"""Sweep axes: the parameter names a sweep may vary and the validation of their values.

The Python API takes arrays of numbers; the string syntax ``name=start:stop:num`` of the CLI's ``--axis`` is parsed
by the CLI (``nesskit.cli.sweep``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import ParameterError

#: Names a sweep axis may have (Model keywords; ``coupling`` sets Γ_L = Γ_R, ``field`` a uniform field h).
AXIS_NAMES: tuple[str, ...] = ("c", "d", "mu", "mu_bar", "coupling", "coupling_left", "coupling_right",
                               "dephasing", "n", "delta", "field")
#: Axes of the thermal (β, φ) map of the infinite XX chain (:mod:`nesskit.thermal_map`); not mixed with the above.
THERMAL_AXIS_NAMES: tuple[str, ...] = ("beta", "phi")
#: Fixed (non-axis) keywords a sweep accepts: every axis name and the profiles of :class:`~nesskit.model.Model`.
FIXED_NAMES: tuple[str, ...] = (*AXIS_NAMES, "fields", "hopping")


def axis_name(name: object, allowed: tuple[str, ...] = AXIS_NAMES) -> str:
    """The canonical spelling of an axis name (``mu-bar`` → ``mu_bar``); :class:`ParameterError` if unknown."""
    key = str(name).strip().replace("-", "_")
    if key not in allowed:
        hint = ""
        if key in THERMAL_AXIS_NAMES and allowed == AXIS_NAMES:
            hint = " (beta and phi are the axes of the thermal map: nesskit.thermal_map.thermal_sweep)"
        raise ParameterError(f"axis {name!r}: unknown parameter; allowed axes are {', '.join(allowed)}{hint}")
    return key


def check_axis(name: str, values: Any) -> np.ndarray:
    """Validate the values of one axis: a non-empty 1-D array of finite numbers without repeats (n: integers ≥ 2).

    Returns a read-only float array (int32 for ``n``). Strings are refused: they belong to the CLI.
    """
    if isinstance(values, (str, bytes)):
        raise ParameterError(f"axis {name!r}: values must be an array of numbers, got the string {values!r}; "
                             "the 'start:stop:num' syntax belongs to the CLI (in Python use np.linspace)")
    try:
        raw = np.asarray(values)
        if raw.dtype.kind in "USb" or (raw.dtype.kind == "O" and any(isinstance(v, (str, bytes, bool))
                                                                     for v in raw.ravel())):
            raise ParameterError(f"axis {name!r}: values must be numbers, not strings or booleans: {values!r}")
        if raw.dtype.kind == "c":
            raise ParameterError(f"axis {name!r}: values must be real numbers, got complex {values!r}")
        arr = np.array(raw, dtype=float)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, ParameterError):
            raise
        raise ParameterError(f"axis {name!r}: values must be numbers, got {values!r}") from None
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1 or arr.size == 0:
        raise ParameterError(f"axis {name!r}: needs a non-empty 1-D array of values, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"axis {name!r}: values must be finite")
    if np.unique(arr).size != arr.size:
        raise ParameterError(f"axis {name!r}: values must not repeat")
    if name == "n":
        if not np.all(arr == np.round(arr)) or arr.min() < 2:
            raise ParameterError(f"axis 'n': values must be integers >= 2, got {arr.tolist()}")
        arr = arr.astype(np.int32)
    arr.setflags(write=False)
    return arr


def normalise_axes(axes: Mapping[str, Any], allowed: tuple[str, ...] = AXIS_NAMES) -> dict[str, np.ndarray]:
    """Axes as an ordered ``{name: values}`` dict of validated arrays.

    Parameters
    ----------
    axes : mapping
        ``{name: array of numbers}``, in the order of the grid's dimensions (an outer product).
    allowed : tuple of str
        The axis names accepted.

    Raises
    ------
    ParameterError
        For a non-mapping, a string of values, an unknown or repeated name (``mu-bar`` and ``mu_bar`` are the
        same), or bad values (see :func:`check_axis`).
    """
    if not isinstance(axes, Mapping):
        raise ParameterError("axes must be a mapping {name: array of numbers}, e.g. {'c': np.linspace(-1, 1, 101)}"
                             f"; got {type(axes).__name__} (the 'name=start:stop:num' strings belong to the CLI)")
    out: dict[str, np.ndarray] = {}
    for name, values in axes.items():
        key = axis_name(name, allowed)
        if key in out:
            raise ParameterError(f"axis {key!r} is given twice")
        out[key] = check_axis(key, values)
    if not out:
        raise ParameterError("a sweep needs at least one axis, e.g. {'c': np.linspace(-1, 1, 101)}")
    return out


__all__ = ["AXIS_NAMES", "THERMAL_AXIS_NAMES", "FIXED_NAMES", "axis_name", "check_axis", "normalise_axes"]
