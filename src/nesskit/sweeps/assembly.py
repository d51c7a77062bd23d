"""Dataset assembly: the arrays of a sweep (per chunk or for the whole grid) and the xarray Dataset built from them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import xarray as xr

from ..pairs import pair_sites
from .plan import SweepPlan

#: Meaning of the values of the ``status`` variable.
STATUS: tuple[str, ...] = ("ok", "invalid", "failed")
OK, INVALID, FAILED = 0, 1, 2
#: The four entanglement measures of SPEC §2, one data variable each (dimensions: axes + ``pair``).
MEASURES: tuple[str, ...] = ("lambda_min", "negativity", "log_negativity", "concurrence")
#: The per-point scalars (dimensions: the axes).
SCALARS: tuple[str, ...] = ("current", "residual", "error")

CONVENTIONS = (
    "Žnidarič, PRA 85, 012324 (2012). Sites are 1-based. Dissipator of Eq. 6: 2LρL† − {L†L, ρ} (twice the "
    "textbook one). Baths Eqs. 8-9; c = mu/2 - mu_bar, d = mu/2 + mu_bar (Eq. 11). Two-spin basis uu, ud, du, dd "
    "(first factor = site i). lambda_min = smallest eigenvalue of the partial transpose rho_ij^{T_B} "
    "(Peres-Horodecki; entangled iff lambda_min < -threshold(error), nesskit.entanglement.entangled). negativity = "
    "(||rho^{T_B}||_1 - 1)/2, log_negativity = log2 ||rho^{T_B}||_1, concurrence = Wootters'. current = "
    "t = -<sx_j sy_{j+1}> on the bond (floor(n/2), floor(n/2)+1). status: 0 ok, 1 invalid (outside the model's "
    "domain, or no method applies), 2 failed (SolverError); reason says why; values are NaN unless ok."
)

LONG_NAMES = {
    "lambda_min": "smallest eigenvalue of the partial transpose of rho_ij (SPEC §2, Eqs. 15, 20)",
    "negativity": "negativity (||rho^T_B||_1 - 1)/2",
    "log_negativity": "logarithmic negativity log2 ||rho^T_B||_1",
    "concurrence": "Wootters concurrence",
    "magnetization": "<sigma^z_j>, site j 1-based (NaN beyond n)",
    "current": "spin current t = -<sx_j sy_j+1> on the central bond (SPEC §1)",
    "residual": "the method's residual (NaN where not computed, e.g. the vectorised closed forms)",
    "error": "the NESS error estimate used by the entanglement policy (NESS.error_estimate; NaN: not computed, "
             "counted as rounding level)",
    "status": "0 ok, 1 invalid, 2 failed",
    "reason": "why a point is not ok (empty for ok points)",
}


def empty_arrays(plan: SweepPlan, m: int) -> dict[str, np.ndarray]:
    """NaN-filled arrays for ``m`` points (flat): measures (m, pairs), magnetization (m, sites), scalars, status,
    reason (object array of str) and ``method_code`` (index into :func:`method_codes`, −1: none)."""
    npairs = len(plan.pairs)
    out: dict[str, np.ndarray] = {name: np.full((m, npairs), np.nan) for name in MEASURES}
    out["magnetization"] = np.full((m, plan.n_sites), np.nan)
    for name in SCALARS:
        out[name] = np.full(m, np.nan)
    out["status"] = np.zeros(m, dtype=np.int8)
    out["reason"] = np.full(m, "", dtype=object)
    out["method_code"] = np.full(m, -1, dtype=np.int16)
    return out


def method_codes(plan: SweepPlan) -> list[str]:
    """Names the ``method_code`` arrays index: every registered method, then the plan's own label."""
    from ..methods import METHOD_ORDER
    from .plan import method_label

    return [*METHOD_ORDER, method_label(plan.method)]


def merge_chunks(plan: SweepPlan, chunks: Iterable[tuple[int, Mapping[str, np.ndarray]]]) -> dict[str, np.ndarray]:
    """Put the arrays of every chunk into grid arrays (shape = plan.shape + trailing); pops ``method_code`` into
    a list of the method names used (key ``methods_used`` of the result, an object array)."""
    flat = empty_arrays(plan, plan.size)
    for chunk, arrays in chunks:
        start, stop = plan.chunk_bounds(chunk)
        for name, value in arrays.items():
            flat[name][start:stop] = value
    codes = method_codes(plan)
    used = sorted({codes[int(k)] for k in np.unique(flat.pop("method_code")) if k >= 0})
    grid = {name: value.reshape(plan.shape + value.shape[1:]) for name, value in flat.items()}
    grid["methods_used"] = np.array(used, dtype=object)
    return grid


def _version() -> str:
    from .. import __version__

    return str(__version__)


def attributes(plan: SweepPlan, execution: str, methods_used: Iterable[str], command: str | None,
               extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The Dataset attributes: conventions, method, methods used, execution path, version, definition, command."""
    from .plan import method_label

    attrs: dict[str, Any] = {
        "title": "nesskit parameter sweep",
        "conventions": CONVENTIONS,
        "method": method_label(plan.method),
        "methods_used": ",".join(sorted(set(methods_used))),
        "execution": execution,
        "nesskit_version": _version(),
        "definition": json.dumps(plan.definition(), sort_keys=True, default=repr),
    }
    if command is not None:
        attrs["command"] = command
    attrs.update(extra or {})
    return attrs


def to_dataset(plan: SweepPlan, arrays: Mapping[str, np.ndarray], attrs: Mapping[str, Any]) -> xr.Dataset:
    """Arrange grid arrays (shape = plan.shape + trailing) as a Dataset.

    Coordinates: the axes, ``pair`` (labels of :func:`nesskit.pairs.pair_label`) with ``pair_i``/``pair_j`` (the
    sites; over ``n`` too when n is an axis) and ``site`` (1-based) — the names of :meth:`nesskit.ness.NESS.to_xarray`.
    """
    dims = list(plan.axis_names)
    coords: dict[str, Any] = {name: (name, np.asarray(values)) for name, values in plan.axes.items()}
    coords["pair"] = ("pair", np.array(plan.pair_labels, dtype=object))
    coords["site"] = ("site", np.arange(1, plan.n_sites + 1, dtype=np.int32))
    if "n" in plan.axis_names:
        sites = np.array([[pair_sites(p, n) for p in plan.pairs] for n in plan.n_values], dtype=np.int32)
        coords["pair_i"] = (("n", "pair"), sites[..., 0])
        coords["pair_j"] = (("n", "pair"), sites[..., 1])
    else:
        sites = np.array([pair_sites(p, plan.n_values[0]) for p in plan.pairs], dtype=np.int32)
        coords["pair_i"] = ("pair", sites[:, 0])
        coords["pair_j"] = ("pair", sites[:, 1])
    data: dict[str, Any] = {}
    for name in MEASURES:
        data[name] = ((*dims, "pair"), np.asarray(arrays[name], dtype=float), {"long_name": LONG_NAMES[name]})
    data["magnetization"] = ((*dims, "site"), np.asarray(arrays["magnetization"], dtype=float),
                             {"long_name": LONG_NAMES["magnetization"]})
    for name in SCALARS:
        data[name] = (dims, np.asarray(arrays[name], dtype=float), {"long_name": LONG_NAMES[name]})
    data["status"] = (dims, np.asarray(arrays["status"]).astype(np.int8),
                      {"long_name": LONG_NAMES["status"], "flag_values": np.arange(len(STATUS), dtype=np.int8),
                       "flag_meanings": " ".join(STATUS)})
    data["reason"] = (dims, np.asarray(arrays["reason"]).astype(str).astype(object),
                      {"long_name": LONG_NAMES["reason"]})
    ds = xr.Dataset(data, coords=coords)
    for name in plan.axis_names:
        ds[name].attrs["long_name"] = {"c": "c = mu/2 - mu_bar (Eq. 11)", "d": "d = mu/2 + mu_bar (Eq. 11)",
                                       "field": "uniform field h (h sum_j sigma^z_j)"}.get(name, name)
    ds.attrs.update(attrs)
    return ds


__all__ = ["STATUS", "OK", "INVALID", "FAILED", "MEASURES", "SCALARS", "CONVENTIONS", "empty_arrays", "method_codes",
           "merge_chunks", "attributes", "to_dataset"]
