"""Parameter sweeps: arrays of parameters in, an :class:`xarray.Dataset` of NESS properties out.

::

    import numpy as np
    from nesskit.sweeps import sweep, Execution

    ds = sweep({"c": np.linspace(-1, 1, 401), "d": np.linspace(-1, 1, 401)}, n=10, coupling=1.0, pairs=("bulk",))
    ds = sweep({"delta": np.linspace(0, 1, 11)}, n=8, c=1.0, d=1.0, method="exact", pairs=("boundary",),
               execution=Execution(workers=2, out="xxz.nc"))

The package is split by job:

* :mod:`~nesskit.sweeps.axes` — axis names and the validation of their values;
* :mod:`~nesskit.sweeps.plan` — the immutable :class:`SweepPlan` (and its digest) built from axes, fixed model
  parameters, pairs and method;
* :mod:`~nesskit.sweeps.lanes` — fast lanes that evaluate a whole grid at once (the vectorised closed forms);
* :mod:`~nesskit.sweeps.points` — per-point work through :func:`nesskit.methods.solve`, with warm starts;
* :mod:`~nesskit.sweeps.execution` — :class:`Execution`: serial, local Dask cluster or scheduler; progress;
* :mod:`~nesskit.sweeps.assembly` — the Dataset;
* crash-safe storage of the parts is :mod:`nesskit.storage`; the thermal (β, φ) map is :mod:`nesskit.thermal_map`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike

from ..errors import ParameterError
from ..methods import Method
from ..model import Model
from ..ness import NESS
from .assembly import CONVENTIONS, FAILED, INVALID, MEASURES, OK, STATUS, attributes, merge_chunks, to_dataset
from .axes import AXIS_NAMES, FIXED_NAMES, THERMAL_AXIS_NAMES, check_axis, normalise_axes
from .execution import Execution, run_chunks
from .lanes import FAST_LANES, ClosedFormLane, FastLane, choose_lane, register_fast_lane
from .plan import SweepPlan, make_plan
from .points import compute_chunk


def sweep(axes: Mapping[str, ArrayLike], *, method: str | Method | Callable[[Model], NESS] = "auto",
          pairs: Any = ("bulk",), execution: Execution | None = None, **model_params: Any) -> xr.Dataset:
    """Evaluate the NESS (SPEC §1) and its pair entanglement (SPEC §2) on a grid of parameters.

    Parameters
    ----------
    axes : mapping of str to array_like
        The grid, an outer product in the given order, e.g. ``{"c": np.linspace(-1, 1, 401), "d": ...}``. Names:
        ``c``, ``d``, ``mu``, ``mu_bar``, ``coupling`` (Γ_L = Γ_R), ``coupling_left``, ``coupling_right``,
        ``dephasing`` (uniform γ), ``n``, ``delta``, ``field`` (uniform h). Values are numbers (strings such as
        ``"0:1:11"`` belong to the CLI and are refused).
    method : str, Method or callable
        ``"auto"`` (default), a method name of :func:`nesskit.methods.solve` or a Method object such as
        ``Exact(tol=1e-13)``; or a picklable function ``model -> NESS`` (always per point). Wherever a fast lane
        applies to every point (the vectorised closed forms for ``auto``/``closed-form`` on the paper's uniform XX
        chain) it evaluates the whole grid at once.
    pairs : pair spec or sequence of them
        ``"boundary"``, ``"bulk"``/``"central"``, ``"last"`` or 1-based sites ``(i, j)`` (:mod:`nesskit.pairs`).
    execution : Execution, optional
        Workers, scheduler, chunk size, output file, overwrite, progress, fast-lane policy, command
        (:class:`Execution`).
    **model_params
        Fixed model parameters, as for :class:`~nesskit.model.Model` (``n`` is required unless it is an axis;
        ``field`` is a uniform field, ``fields``/``hopping``/``dephasing`` may be profiles).

    Returns
    -------
    xarray.Dataset
        ``lambda_min``, ``negativity``, ``log_negativity``, ``concurrence`` (axes + ``pair``), ``magnetization``
        (axes + ``site``), ``current``, ``residual``, ``error`` (the error estimate of the entanglement policy),
        ``status`` (0 ok, 1 invalid, 2 failed; :data:`STATUS`) and ``reason`` ("" where ok). Attributes record the
        conventions, method, methods used, execution path, version and definition.

    Raises
    ------
    ParameterError
        For a malformed sweep (see :func:`~nesskit.sweeps.plan.make_plan`). A point outside the model's domain is
        recorded as ``invalid`` and a :class:`~nesskit.errors.SolverError` as ``failed`` (with the reason); any
        other exception of a per-point method propagates.
    """
    from ..storage import PartStore, write_dataset

    if execution is None:
        execution = Execution()
    elif not isinstance(execution, Execution):
        raise ParameterError(f"execution must be a nesskit.sweeps.Execution, got {type(execution).__name__}")
    if isinstance(axes, Mapping) and {str(k).replace("-", "_") for k in axes} & set(THERMAL_AXIS_NAMES):
        raise ParameterError("beta and phi are the axes of the thermal map of the infinite XX chain: use "
                             "nesskit.thermal_map.thermal_sweep (CLI: nesskit map --axis beta=...)")
    plan = make_plan(axes, model_params, pairs, method, execution.chunk_size)

    lane = None
    if execution.vectorise is not False:
        lane, reasons = choose_lane(plan)
        if execution.vectorise and lane is None:
            raise ParameterError("vectorise=True, but no fast lane covers this sweep: " + "; ".join(reasons))
    digest = plan.digest(lane.name if lane is not None else "per-point")
    store = None
    if execution.out is not None:
        store = PartStore(execution.out, digest, 0 if lane is not None else plan.n_chunks, execution.overwrite)
        existing = store.finished()
        if existing is not None:
            return existing

    if lane is not None:
        arrays = lane.evaluate(plan)
        used = [str(m) for m in arrays.pop("methods_used")]
        ds = to_dataset(plan, arrays, attributes(plan, lane.name, used, execution.command))
        if execution.out is not None:
            write_dataset(ds, execution.out, digest)
            return xr.load_dataset(execution.out)
        return ds

    done = store.open() if store is not None else set()
    todo = [k for k in range(plan.n_chunks) if k not in done]
    held: dict[int, dict[str, np.ndarray]] = {}

    def record(chunk: int, arrays: dict[str, np.ndarray]) -> None:
        if store is not None:
            store.write(chunk, arrays)
        else:
            held[chunk] = arrays

    run_chunks(plan, todo, record, execution, sum(plan.chunk_points(k) for k in done))

    def chunks() -> Any:
        for chunk in range(plan.n_chunks):
            yield chunk, (held.pop(chunk) if chunk in held else store.read(chunk))  # type: ignore[union-attr]

    grid = merge_chunks(plan, chunks())
    used = [str(m) for m in grid.pop("methods_used")]
    ds = to_dataset(plan, grid, attributes(plan, "per point", used, execution.command))
    if store is not None:
        store.finish(ds)
        return xr.load_dataset(store.out)
    return ds


__all__ = ["sweep", "Execution", "SweepPlan", "make_plan", "STATUS", "OK", "INVALID", "FAILED", "MEASURES",
           "CONVENTIONS", "AXIS_NAMES", "FIXED_NAMES", "THERMAL_AXIS_NAMES", "check_axis", "normalise_axes",
           "FAST_LANES", "FastLane", "ClosedFormLane", "register_fast_lane", "choose_lane", "compute_chunk"]
