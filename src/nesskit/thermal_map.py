"""The thermal map: the grand-canonical nearest-neighbour state of the infinite XX chain on a (β, φ) grid.

ρ_G ∝ exp(−βH − φM) (SPEC §5, Eqs. 2–4; nesskit's sign of φ, see :mod:`nesskit.thermal`), evaluated by the
vectorised quadratures of :func:`nesskit.thermal.infinite_chain`. It is not a NESS sweep: there is no chain length,
pair, method or worker to choose, and such options are refused by name rather than ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr

from .entanglement import xstate_measures
from .errors import ParameterError
from .sweeps.assembly import MEASURES
from .sweeps.axes import THERMAL_AXIS_NAMES, normalise_axes
from .sweeps.execution import Execution

#: The Execution fields a thermal map uses; setting any other one is refused.
USED_EXECUTION_FIELDS = ("out", "overwrite", "command")


def _check_execution(execution: Execution | None) -> Execution:
    if execution is None:
        return Execution()
    if not isinstance(execution, Execution):
        raise ParameterError(f"execution must be a nesskit.sweeps.Execution, got {type(execution).__name__}")
    default = Execution()
    unused = [name for name in ("workers", "scheduler", "chunk_size", "progress", "vectorise")
              if getattr(execution, name) != getattr(default, name)]
    if unused:
        raise ParameterError(f"a thermal map does not use the execution option(s) {', '.join(unused)} (it is one "
                             "vectorised evaluation); leave them unset")
    return execution


def thermal_sweep(axes: Mapping[str, Any], *, beta: float | None = None, phi: float | None = None,
                  execution: Execution | None = None, **options: Any) -> xr.Dataset:
    """Nearest-neighbour state of the infinite XX chain in ρ_G ∝ exp(−βH − φM) on a grid (SPEC §5).

    Parameters
    ----------
    axes : mapping
        ``{"beta": values}``, ``{"phi": values}`` or both (an outer product in the given order).
    beta, phi : float, optional
        The value of the parameter that is not an axis (default 0).
    execution : Execution, optional
        Only ``out``, ``overwrite`` and ``command`` apply. An ``out`` holding a different sweep is refused unless
        ``overwrite=True``; an ``out`` holding this very map is loaded.
    **options
        Refused: a thermal map has no ``pairs``, ``method``, ``n``, ``workers``, ... (ParameterError naming them).

    Returns
    -------
    xarray.Dataset
        ``magnetization``, ``xx``, ``zz``, ``energy`` and the four measures of SPEC §2 (``lambda_min``,
        ``negativity``, ``log_negativity``, ``concurrence``) of the nearest-neighbour pair, over the axes.
    """
    from . import __version__
    from .storage import PartStore, write_dataset
    from .thermal import QUADRATURE_NODES, infinite_chain

    if options:
        raise ParameterError(f"a thermal map takes only axes beta/phi, beta=, phi= and execution=; it does not use "
                             f"{', '.join(sorted(options))} (no chain length, pair, method or model parameters: "
                             "SPEC §5 is the infinite uniform XX chain)")
    execution = _check_execution(execution)
    grid = normalise_axes(axes, allowed=THERMAL_AXIS_NAMES)
    fixed = {"beta": beta, "phi": phi}
    for name, value in fixed.items():
        if name in grid and value is not None:
            raise ParameterError(f"{name!r} is both an axis and a fixed parameter; give it once")
    values = {k: grid[k] if k in grid else np.asarray([0.0 if fixed[k] is None else float(fixed[k])])  # type: ignore[arg-type]
              for k in THERMAL_AXIS_NAMES}
    definition = {"kind": "thermal-map", "axes": {k: v.tolist() for k, v in grid.items()},
                  "fixed": {k: float(values[k][0]) for k in THERMAL_AXIS_NAMES if k not in grid},
                  "quadrature_nodes": QUADRATURE_NODES}
    from .storage import definition_digest

    digest = definition_digest(definition)
    if execution.out is not None:
        existing = PartStore(execution.out, digest, 0, execution.overwrite).finished()
        if existing is not None:
            return existing

    beta_a = values["beta"][:, None]
    phi_a = values["phi"][None, :]
    result = infinite_chain(beta_a, phi_a)
    shape = (beta_a.size, phi_a.size)
    z, xx, zz = (np.broadcast_to(result[k], shape) for k in ("magnetization", "xx", "zz"))
    measures = xstate_measures(z, z, zz, xx / 2)
    dims = ("beta", "phi")
    data = {k: (dims, np.broadcast_to(result[k], shape).copy()) for k in ("magnetization", "xx", "zz", "energy")}
    data.update({k: (dims, np.asarray(measures[k])) for k in MEASURES})
    ds = xr.Dataset(data, coords={"beta": np.asarray(values["beta"]), "phi": np.asarray(values["phi"])})
    ds = ds.transpose(*[k for k in grid] + [k for k in THERMAL_AXIS_NAMES if k not in grid])
    ds = ds.isel({k: 0 for k in THERMAL_AXIS_NAMES if k not in grid})
    ds.attrs.update({
        "title": "nesskit thermal map (infinite XX chain, grand canonical)",
        "conventions": "rho_G ~ exp(-beta H - phi M), H of Eq. 1, M = sum sigma^z; nearest-neighbour pair "
                       "(SPEC §5); lambda_min of Eq. 4",
        "method": "thermal-quadrature",
        "nesskit_version": __version__,
        "definition": str(definition),
    })
    if execution.command is not None:
        ds.attrs["command"] = execution.command
    if execution.out is not None:
        write_dataset(ds, execution.out, digest)
        return xr.load_dataset(execution.out)
    return ds


__all__ = ["thermal_sweep"]
