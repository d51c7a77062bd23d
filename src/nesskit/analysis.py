"""Entangled regions of a sweep (:func:`nesskit.sweep.sweep`): contours, areas, c_min, minima of λ_min.

A point is *entangled* when λ_min < −tol with tol = ``atol`` + ``residual_factor`` × (the point's residual),
never by the sign of λ_min alone: near every boundary λ_min is tiny and a solver's error could flip it
(SPEC §2). Points whose status is not ``ok`` (outside Eq. 10 or failed) are never entangled and are left out of
area fractions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import xarray as xr

from .errors import ParameterError

#: Default absolute tolerance on λ_min (closed forms are exact to round-off, ~1e-16).
ATOL = 1e-12
#: Default multiple of the solver residual added to the tolerance.
RESIDUAL_FACTOR = 10.0


def lambda_min_of(ds: xr.Dataset, pair: str | int | None = None) -> xr.DataArray:
    """λ_min of one pair (by label such as ``"bulk"`` or ``"3-4"``, or by position); NaN where status != ok.

    With ``pair=None`` the dataset must hold a single pair.
    """
    if "lambda_min" not in ds:
        raise ParameterError("ds must be a nesskit sweep dataset with a lambda_min variable")
    lam = ds["lambda_min"]
    if "pair" in lam.dims:
        labels = [str(x) for x in ds["pair"].values]
        if pair is None:
            if len(labels) != 1:
                raise ParameterError(f"pair: the dataset holds several pairs {labels}; choose one")
            lam = lam.isel(pair=0)
        elif isinstance(pair, (int, np.integer)) and not isinstance(pair, bool):
            if not 0 <= pair < len(labels):
                raise ParameterError(f"pair: position must be in 0..{len(labels) - 1}, got {pair}")
            lam = lam.isel(pair=int(pair))
        else:
            if str(pair) not in labels:
                raise ParameterError(f"pair: {pair!r} is not in the dataset's pairs {labels}")
            lam = lam.isel(pair=labels.index(str(pair)))
        lam = lam.drop_vars([c for c in ("pair", "pair_i", "pair_j") if c in lam.coords])
    if "status" in ds:
        lam = lam.where(ds["status"] == 0)
    return lam


def tolerance(ds: xr.Dataset, atol: float = ATOL, residual_factor: float = RESIDUAL_FACTOR) -> xr.DataArray:
    """The per-point tolerance atol + residual_factor × residual (residual NaN counts as 0: closed forms)."""
    if atol < 0 or residual_factor < 0:
        raise ParameterError("atol and residual_factor must be >= 0")
    res = ds["residual"].fillna(0.0) if "residual" in ds else xr.zeros_like(ds["lambda_min"].isel(pair=0))
    return atol + residual_factor * abs(res)


def entangled(ds: xr.Dataset, pair: str | int | None = None, atol: float = ATOL,
              residual_factor: float = RESIDUAL_FACTOR) -> xr.DataArray:
    """Boolean map: λ_min < −(atol + residual_factor × residual) at a valid point (SPEC §2)."""
    lam = lambda_min_of(ds, pair)
    return (lam < -tolerance(ds, atol, residual_factor)).fillna(False).astype(bool)


def entangled_fraction(ds: xr.Dataset, pair: str | int | None = None, dims: Sequence[str] | None = None,
                       atol: float = ATOL, residual_factor: float = RESIDUAL_FACTOR) -> xr.DataArray:
    """Fraction of the valid grid points (status ok) that are entangled, over ``dims`` (default: every axis).

    On a uniform grid over the c–d square this is the entangled area fraction of the square.
    """
    ent = entangled(ds, pair, atol, residual_factor)
    valid = lambda_min_of(ds, pair).notnull()
    dims = list(ent.dims) if dims is None else list(dims)
    for d in dims:
        if d not in ent.dims:
            raise ParameterError(f"dims: {d!r} is not an axis of the dataset ({list(ent.dims)})")
    return ent.sum(dims) / valid.sum(dims)


def lambda_min_contour(ds: xr.Dataset, pair: str | int | None = None, x: str | None = None,
                       y: str | None = None, level: float = 0.0) -> list[np.ndarray]:
    """The curves λ_min = ``level`` of a 2-D map, as a list of (m, 2) arrays of (x, y) points.

    Uses contourpy's marching squares (shipped with matplotlib; no plotting). Invalid points are masked;
    zero-length pieces (λ_min = level at an isolated grid point, e.g. a corner of the c-d square) are dropped.
    """
    import contourpy

    lam = lambda_min_of(ds, pair)
    if lam.ndim != 2:
        raise ParameterError(f"a contour needs exactly two axes, the map has {list(lam.dims)}; select the others "
                             "first (ds.sel(...))")
    x = x or lam.dims[0]
    y = y or lam.dims[1]
    if {x, y} != set(lam.dims):
        raise ParameterError(f"x, y must be the map's axes {list(lam.dims)}, got {x!r}, {y!r}")
    z = lam.transpose(y, x).values
    gen = contourpy.contour_generator(np.asarray(lam[x].values, float), np.asarray(lam[y].values, float),
                                      np.ma.masked_invalid(z), line_type=contourpy.LineType.Separate)
    segments = [np.asarray(seg) for seg in gen.lines(level)]
    # drop degenerate zero-length pieces (λ_min touching ``level`` at a single grid corner)
    return [seg for seg in segments if len(seg) > 1 and np.ptp(seg, axis=0).max() > 0]


def c_min(ds: xr.Dataset, pair: str | int | None = None, axis: str = "c", keep: Sequence[str] = (),
          atol: float = ATOL, residual_factor: float = RESIDUAL_FACTOR) -> xr.DataArray:
    """Smallest value of ``axis`` at which the pair is entangled for some value of the other axes.

    Along ``axis`` (sorted ascending) every line of the grid is scanned for its first entangled point; the
    crossing λ_min = 0 between it and the preceding point is located by linear interpolation (sub-grid
    refinement), and the minimum is taken over all axes except ``axis`` and ``keep``. NaN where nothing is
    entangled. This is the paper's c_min (Eqs. 16, 22; Fig. 11 uses ``keep=("dephasing",)``).
    """
    lam = lambda_min_of(ds, pair)
    if axis not in lam.dims:
        raise ParameterError(f"axis {axis!r} is not an axis of the dataset ({list(lam.dims)})")
    for k in keep:
        if k not in lam.dims or k == axis:
            raise ParameterError(f"keep: {k!r} must be an axis of the dataset other than {axis!r}")
    ent = entangled(ds, pair, atol, residual_factor)
    lam = lam.sortby(axis)
    ent = ent.sortby(axis)
    others = [d for d in lam.dims if d != axis and d not in keep]
    order = [*keep, *others, axis]
    lv = lam.transpose(*order).values
    ev = ent.transpose(*order).values
    keep_shape = lv.shape[:len(keep)]
    lv = lv.reshape(int(np.prod(keep_shape)), -1, lv.shape[-1])
    ev = ev.reshape(lv.shape)
    xs = np.asarray(lam[axis].values, float)
    first = np.argmax(ev, axis=-1)
    hit = ev.any(axis=-1)
    crossing = xs[first].astype(float)
    prev = np.clip(first - 1, 0, None)
    lam_prev = np.take_along_axis(lv, prev[..., None], -1)[..., 0]
    lam_here = np.take_along_axis(lv, first[..., None], -1)[..., 0]
    refine = hit & (first > 0) & np.isfinite(lam_prev)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.clip(lam_prev / (lam_prev - lam_here), 0.0, 1.0)
    crossing = np.where(refine, xs[prev] + frac * (xs[first] - xs[prev]), crossing)
    crossing = np.where(hit, crossing, np.inf)
    best = crossing.min(axis=-1)
    best = np.where(np.isfinite(best), best, np.nan).reshape(keep_shape)
    return xr.DataArray(best, dims=list(keep), coords={k: lam[k].values for k in keep},
                        attrs={"long_name": f"smallest {axis} with an entangled pair"})


def min_lambda(ds: xr.Dataset, pair: str | int | None = None,
               region: Mapping[str, tuple[float, float]] | None = None) -> dict[str, Any]:
    """The minimum of λ_min over a region (``{axis: (low, high)}``, inclusive; default: everything).

    Returns ``{"lambda_min": value, <axis>: coordinate, ...}`` at the minimum (NaN value if the region holds no
    valid point).
    """
    lam = lambda_min_of(ds, pair)
    for name, bounds in (region or {}).items():
        if name not in lam.dims:
            raise ParameterError(f"region: {name!r} is not an axis of the dataset ({list(lam.dims)})")
        try:
            low, high = (float(b) for b in bounds)
        except (TypeError, ValueError):
            raise ParameterError(f"region: {name!r} needs (low, high), got {bounds!r}") from None
        coord = lam[name]
        lam = lam.where((coord >= low) & (coord <= high), drop=True)
    values = lam.values
    if values.size == 0 or not np.isfinite(values).any():
        return {"lambda_min": float("nan"), **{d: float("nan") for d in lam.dims}}
    idx = np.unravel_index(np.nanargmin(values), values.shape)
    out: dict[str, Any] = {"lambda_min": float(values[idx])}
    for d, k in zip(lam.dims, idx):
        out[d] = lam[d].values[k].item()
    return out
