"""Parameter sweeps: a grid of model parameters in, an :class:`xarray.Dataset` of NESS properties out.

``sweep({"c": np.linspace(-1, 1, 401), "d": np.linspace(-1, 1, 401)}, n=10, coupling=1.0, pairs="bulk")``
evaluates the NESS of SPEC §1 at every point of the outer product of the axes and returns λ_min, the
negativity, the log-negativity and the concurrence of the chosen pairs (SPEC §2), the magnetization profile,
the spin current t and each point's residual and status.

Two execution paths are chosen automatically:

* **vectorised closed forms** (SPEC §3 and §4, ``nesskit.solvers.closed_form``) when every point is the
  paper's uniform XX chain and ``method`` is ``"auto"`` or ``"closed-form"``: the whole grid in a few numpy
  calls, no Python loop over points;
* **per point** otherwise: ``nesskit.solve(model, method)`` at each point, in chunks, either serially
  (``workers=0``) or on Dask (a local cluster of processes by default, or ``scheduler="tcp://host:port"``),
  with a rich progress bar on a terminal. With ``out=`` each finished chunk is stored at once
  (:mod:`nesskit.storage`) so that a killed sweep, started again, recomputes only what is missing.

Points outside the valid region (the rhombus of Eq. 10, Γ ≤ 0, γ < 0) are recorded with status ``invalid``
and solver failures with status ``failed``; their values are NaN. Nothing is dropped.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from .entanglement import xstate_measures
from .errors import ParameterError
from .model import RHOMBUS_TOLERANCE, Model
from .ness import NESS

#: Names a sweep axis may have (Model keywords; ``coupling`` sets Γ_L = Γ_R).
AXIS_NAMES = ("c", "d", "mu", "mu_bar", "coupling", "coupling_left", "coupling_right", "dephasing", "n", "delta")
#: Axes of the grand-canonical (thermal) sweep of the infinite XX chain (SPEC §5); not mixed with the above.
THERMAL_AXIS_NAMES = ("beta", "phi")
#: Fixed (non-axis) keywords accepted: every Model keyword.
FIXED_NAMES = (*AXIS_NAMES, "fields", "hopping")
#: Meaning of the values of the ``status`` variable.
STATUS = ("ok", "invalid", "failed")
OK, INVALID, FAILED = 0, 1, 2
#: The four entanglement measures of SPEC §2, one data variable each.
MEASURES = ("lambda_min", "negativity", "log_negativity", "concurrence")
#: Named pairs: ``boundary`` = (1, 2), ``bulk``/``central`` = (⌊n/2⌋, ⌊n/2⌋ + 1).
NAMED_PAIRS = ("boundary", "bulk", "central")

CONVENTIONS = (
    "Žnidarič, PRA 85, 012324 (2012). Sites are 1-based. Dissipator of Eq. 6: 2LρL† − {L†L, ρ} (twice the "
    "textbook one). Baths Eqs. 8-9; c = mu/2 - mu_bar, d = mu/2 + mu_bar (Eq. 11). Two-spin basis uu, ud, du, dd "
    "(first factor = site i). lambda_min = smallest eigenvalue of the partial transpose rho_ij^{T_B} "
    "(Peres-Horodecki; entangled iff lambda_min < 0 beyond the state's accuracy). negativity = "
    "(||rho^{T_B}||_1 - 1)/2, log_negativity = log2 ||rho^{T_B}||_1, concurrence = Wootters'. current = "
    "t = -<sx_j sy_{j+1}> on the bond (floor(n/2), floor(n/2)+1). status: 0 ok, 1 invalid (outside Eq. 10), "
    "2 failed (solver error); values are NaN unless ok."
)


# ---------------------------------------------------------------------------------------------------
# Axes
# ---------------------------------------------------------------------------------------------------
def _axis_name(name: str) -> str:
    key = str(name).strip().replace("-", "_")
    if key not in AXIS_NAMES + THERMAL_AXIS_NAMES:
        allowed = ", ".join(AXIS_NAMES + THERMAL_AXIS_NAMES)
        raise ParameterError(f"axis {name!r}: unknown parameter; allowed axes are {allowed}")
    return key


def parse_axis_values(name: str, text: str) -> np.ndarray:
    """Parse the values of axis ``name``: ``start:stop:num`` (inclusive, like linspace) or ``v1,v2,...``."""
    text = text.strip()
    try:
        if ":" in text:
            parts = text.split(":")
            if len(parts) != 3:
                raise ValueError
            start, stop = float(parts[0]), float(parts[1])
            num_f = float(parts[2])
            if not num_f.is_integer():
                raise ParameterError(f"axis {name!r}: num in start:stop:num must be an integer >= 1, got {parts[2]}")
            num = int(num_f)
            if num < 1:
                raise ParameterError(f"axis {name!r}: num in start:stop:num must be an integer >= 1, got {num}")
            if num > 1 and start == stop:
                raise ParameterError(f"axis {name!r}: start = stop = {start} with num = {num} repeats one value")
            values = np.linspace(start, stop, num)
        else:
            values = np.array([float(v) for v in text.split(",") if v.strip()])
    except ParameterError:
        raise
    except ValueError:
        raise ParameterError(
            f"axis {name!r}: cannot read {text!r}; use name=start:stop:num (inclusive) or name=v1,v2,..."
        ) from None
    return values


def parse_axis(spec: str) -> tuple[str, np.ndarray]:
    """Parse ``"name=start:stop:num"`` or ``"name=v1,v2,v3"`` into (name, values) (CLI ``--axis``)."""
    if "=" not in spec:
        raise ParameterError(f"axis {spec!r}: expected name=start:stop:num or name=v1,v2,...")
    name, text = spec.split("=", 1)
    key = _axis_name(name)
    return key, check_axis(key, parse_axis_values(key, text))


def check_axis(name: str, values: Any) -> np.ndarray:
    """Validate the values of one axis: a non-empty 1-D list of finite numbers without repeats (n: integers)."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"axis {name!r}: values must be numbers, got {values!r}") from None
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1 or arr.size == 0:
        raise ParameterError(f"axis {name!r}: needs a non-empty 1-D list of values")
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"axis {name!r}: values must be finite")
    if np.unique(arr).size != arr.size:
        raise ParameterError(f"axis {name!r}: values must not repeat")
    if name == "n":
        if not np.all(arr == np.round(arr)) or arr.min() < 2:
            raise ParameterError(f"axis 'n': values must be integers >= 2, got {arr.tolist()}")
        return arr.astype(np.int32)
    return arr


def normalise_axes(axes: Mapping[str, Any] | Sequence[str]) -> dict[str, np.ndarray]:
    """Axes as an ordered {name: values} dict from a mapping (values or a ``start:stop:num`` string) or
    from a list of ``"name=..."`` strings; duplicate or unknown names raise :class:`ParameterError`."""
    items: list[tuple[str, np.ndarray]] = []
    if isinstance(axes, Mapping):
        for name, values in axes.items():
            key = _axis_name(name)
            if isinstance(values, str):
                values = parse_axis_values(key, values)
            items.append((key, check_axis(key, values)))
    elif isinstance(axes, str):
        items.append(parse_axis(axes))
    else:
        items.extend(parse_axis(spec) for spec in axes)
    out: dict[str, np.ndarray] = {}
    for key, values in items:
        if key in out:
            raise ParameterError(f"axis {key!r} is given twice")
        out[key] = values
    if not out:
        raise ParameterError("a sweep needs at least one axis, e.g. c=-1:1:101")
    return out


# ---------------------------------------------------------------------------------------------------
# Pairs
# ---------------------------------------------------------------------------------------------------
def _pair_specs(pairs: str | Iterable[Any]) -> tuple[str | tuple[int, int], ...]:
    if isinstance(pairs, str) or (isinstance(pairs, tuple) and len(pairs) == 2
                                  and all(isinstance(x, (int, np.integer)) for x in pairs)):
        pairs = [pairs]
    specs: list[str | tuple[int, int]] = []
    for p in pairs:
        if isinstance(p, str):
            if p not in NAMED_PAIRS:
                raise ParameterError(f"pairs: a named pair must be one of {NAMED_PAIRS}, got {p!r}")
            specs.append(p)
            continue
        try:
            i, j = p
            if isinstance(i, bool) or isinstance(j, bool) or int(i) != i or int(j) != j:
                raise ValueError
        except (TypeError, ValueError):
            raise ParameterError(f"pairs: expected 'boundary', 'bulk', 'central' or (i, j) sites, got {p!r}") from None
        specs.append((int(i), int(j)))
    if not specs:
        raise ParameterError("pairs: give at least one pair")
    if len(set(specs)) != len(specs):
        raise ParameterError(f"pairs: repeated pair in {specs}")
    return tuple(specs)


def pair_sites(spec: str | tuple[int, int], n: int) -> tuple[int, int]:
    """Sites (i, j), 1-based, of a pair spec in a chain of n spins; (i, j) must satisfy 1 <= i < j <= n."""
    if spec == "boundary":
        return 1, 2
    if spec in ("bulk", "central"):
        return n // 2, n // 2 + 1
    i, j = spec  # type: ignore[misc]
    if not 1 <= i < j <= n:
        raise ParameterError(f"pairs: ({i}, {j}) must satisfy 1 <= i < j <= n = {n} (sites are 1-based)")
    return i, j


def _pair_label(spec: str | tuple[int, int]) -> str:
    return spec if isinstance(spec, str) else f"{spec[0]}-{spec[1]}"


# ---------------------------------------------------------------------------------------------------
# The plan: everything that defines a sweep (and so its digest)
# ---------------------------------------------------------------------------------------------------
def _method_name(method: str | Callable[[Model], NESS]) -> str:
    if isinstance(method, str):
        return method
    return f"{getattr(method, '__module__', '?')}.{getattr(method, '__qualname__', repr(method))}"


@dataclass(frozen=True)
class SweepPlan:
    """A validated sweep definition: axes (outer product, in order), fixed parameters, pairs, method, chunking."""

    axes: dict[str, np.ndarray]
    fixed: dict[str, Any]
    pairs: tuple[str | tuple[int, int], ...]
    method: str | Callable[[Model], NESS]
    chunk_size: int

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(v.size for v in self.axes.values())

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    @property
    def n_values(self) -> list[int]:
        return [int(v) for v in self.axes["n"]] if "n" in self.axes else [int(self.fixed["n"])]

    @property
    def n_sites(self) -> int:
        return max(self.n_values)

    @property
    def n_chunks(self) -> int:
        return -(-self.size // self.chunk_size)

    @property
    def pair_labels(self) -> list[str]:
        return [_pair_label(p) for p in self.pairs]

    def chunk_bounds(self, chunk: int) -> tuple[int, int]:
        return chunk * self.chunk_size, min((chunk + 1) * self.chunk_size, self.size)

    def point(self, flat: int) -> dict[str, Any]:
        """Model keywords of the grid point with flat (C-order) index ``flat``."""
        index = np.unravel_index(flat, self.shape)
        kwargs = dict(self.fixed)
        for (name, values), k in zip(self.axes.items(), index):
            kwargs[name] = int(values[k]) if name == "n" else float(values[k])
        return kwargs

    def grid(self, name: str) -> np.ndarray | None:
        """Parameter ``name`` as an array broadcastable to :attr:`shape` (None if neither axis nor fixed)."""
        if name in self.axes:
            shape = [1] * len(self.axes)
            shape[list(self.axes).index(name)] = -1
            return self.axes[name].reshape(shape)
        if name in self.fixed:
            return np.asarray(self.fixed[name])
        return None

    def definition(self) -> dict[str, Any]:
        """JSON-serialisable description; its digest keys the stored parts (execution options excluded)."""
        fixed = {k: (np.asarray(v).tolist()) for k, v in self.fixed.items()}
        return {
            "axes": {k: v.tolist() for k, v in self.axes.items()},
            "fixed": fixed,
            "pairs": [p if isinstance(p, str) else list(p) for p in self.pairs],
            "method": _method_name(self.method),
            "chunk_size": self.chunk_size,
        }

    def validity(self) -> np.ndarray:
        """Boolean grid: True where the point satisfies Eq. 10 (rhombus), Γ_L, Γ_R > 0 and γ >= 0."""
        ok = np.ones(self.shape, dtype=bool)
        gl, gr = self.couplings()
        ok &= (gl > 0) & (gr > 0)
        c, d = self.driving_cd()
        tol = 1 + RHOMBUS_TOLERANCE
        ok &= (np.abs(c) <= tol) & (np.abs(d) <= tol)
        deph = self.grid("dephasing")
        if deph is not None:
            ok &= np.all(np.atleast_1d(deph) >= 0) if "dephasing" not in self.axes else (deph >= 0)
        return ok

    def couplings(self) -> tuple[np.ndarray, np.ndarray]:
        """(Γ_L, Γ_R) grids (broadcastable): an explicit left/right value, else ``coupling``, else 1."""
        one = np.asarray(1.0)
        g = self.grid("coupling")
        gl = self.grid("coupling_left")
        gr = self.grid("coupling_right")
        gl = gl if gl is not None else (g if g is not None else one)
        gr = gr if gr is not None else (g if g is not None else one)
        return gl, gr

    def driving_cd(self) -> tuple[np.ndarray, np.ndarray]:
        """(c, d) grids (broadcastable) of Eq. 11, from (c, d) or (μ, μ̄) whichever was given."""
        if self.grid("c") is not None:
            return self.grid("c"), self.grid("d")  # type: ignore[return-value]
        mu = self.grid("mu")
        mu_bar = self.grid("mu_bar")
        mu = np.asarray(0.0) if mu is None else mu
        mu_bar = np.asarray(0.0) if mu_bar is None else mu_bar
        return mu / 2 - mu_bar, mu / 2 + mu_bar


def make_plan(axes: Mapping[str, Any] | Sequence[str], fixed: Mapping[str, Any], pairs: Any,
              method: str | Callable[[Model], NESS], chunk_size: int | None) -> SweepPlan:
    """Validate a sweep definition (see :func:`sweep`) and return its :class:`SweepPlan`."""
    from .solve import METHODS

    ax = normalise_axes(axes)
    fixed = {k.replace("-", "_"): v for k, v in fixed.items() if v is not None}
    for key in fixed:
        if key not in FIXED_NAMES:
            raise ParameterError(f"unknown model parameter {key!r}; allowed: {', '.join(FIXED_NAMES)}")
        if key in ax:
            raise ParameterError(f"{key!r} is both an axis and a fixed parameter; give it once")
    given = set(ax) | set(fixed)
    if "n" not in given:
        raise ParameterError("n is required (number of spins, n >= 2), as a fixed value or an axis")
    if "n" in fixed:
        from .errors import check_int

        fixed["n"] = check_int("n", fixed["n"], 2)
    if given & {"c", "d"} and given & {"mu", "mu_bar"}:
        raise ParameterError("give the driving either as (mu, mu_bar) or as (c, d), not both (Eq. 11)")
    if given & {"c", "d"} and not {"c", "d"} <= given:
        missing = ({"c", "d"} - given).pop()
        raise ParameterError(f"{missing!r} is missing: c and d go together (Eq. 11); give it as an axis or value")
    if "coupling" in given and given & {"coupling_left", "coupling_right"}:
        raise ParameterError("give either coupling or coupling_left/coupling_right, not both")
    if isinstance(method, str) and method not in ("auto", *METHODS):
        raise ParameterError(f"method must be one of {['auto', *METHODS]} or a callable, got {method!r}")
    specs = _pair_specs(pairs)
    n_values = [int(v) for v in ax["n"]] if "n" in ax else [fixed["n"]]
    for n in n_values:
        for spec in specs:
            pair_sites(spec, n)
    size = int(np.prod([v.size for v in ax.values()]))
    if chunk_size is None:
        chunk_size = max(1, min(1024, math.ceil(size / 200)))
    elif isinstance(chunk_size, bool) or int(chunk_size) != chunk_size or chunk_size < 1:
        raise ParameterError(f"chunk_size must be an integer >= 1, got {chunk_size!r}")
    plan = SweepPlan(ax, fixed, specs, method, int(chunk_size))
    _check_structure(plan)
    return plan


def _check_structure(plan: SweepPlan) -> None:
    """Build the model at one valid point so that structural mistakes (profile lengths, ...) raise now."""
    valid = np.broadcast_to(plan.validity(), plan.shape)
    if not valid.any():
        return
    kwargs = plan.point(int(np.flatnonzero(valid.ravel())[0]))
    Model(**kwargs)


# ---------------------------------------------------------------------------------------------------
# Per-point computation (one chunk = one task)
# ---------------------------------------------------------------------------------------------------
def _empty(plan: SweepPlan, m: int) -> dict[str, np.ndarray]:
    npairs = len(plan.pairs)
    out = {name: np.full((m, npairs), np.nan) for name in MEASURES}
    out["magnetization"] = np.full((m, plan.n_sites), np.nan)
    out["current"] = np.full(m, np.nan)
    out["residual"] = np.full(m, np.nan)
    out["status"] = np.zeros(m, dtype=np.int8)
    out["method_code"] = np.full(m, -1, dtype=np.int8)
    return out


def _method_codes(plan: SweepPlan) -> list[str]:
    from .solve import METHODS

    return [*METHODS, _method_name(plan.method)]


def compute_chunk(plan: SweepPlan, chunk: int) -> tuple[int, dict[str, np.ndarray]]:
    """Solve every point of one chunk with the per-point solvers; returns (chunk, arrays).

    Points whose parameters violate Eq. 10 get status ``invalid``; a point whose solver raises gets
    status ``failed``; both keep NaN values.
    """
    from .solve import solve

    start, stop = plan.chunk_bounds(chunk)
    out = _empty(plan, stop - start)
    codes = _method_codes(plan)
    for row, flat in enumerate(range(start, stop)):
        kwargs = plan.point(flat)
        try:
            model = Model(**kwargs)
        except ParameterError:
            out["status"][row] = INVALID
            continue
        n = model.n
        sites = [pair_sites(p, n) for p in plan.pairs]
        try:
            if callable(plan.method):
                ness = plan.method(model)
            else:
                ness = solve(model, method=plan.method, pairs=sites)
            measures = [ness.entanglement(i, j) for i, j in sites]
        except Exception:  # noqa: BLE001 - any solver failure is recorded, not raised
            out["status"][row] = FAILED
            continue
        for p, m in enumerate(measures):
            for name in MEASURES:
                out[name][row, p] = m[name]
        out["magnetization"][row, :n] = np.asarray(ness.magnetization, dtype=float)
        out["current"][row] = float(np.asarray(ness.current)[n // 2 - 1])
        res = ness.diagnostics.residual
        out["residual"][row] = np.nan if res is None else float(res)
        out["method_code"][row] = codes.index(ness.method) if ness.method in codes else len(codes) - 1
    return chunk, out


# ---------------------------------------------------------------------------------------------------
# Vectorised closed forms
# ---------------------------------------------------------------------------------------------------
def _closed_form_module() -> Any:
    from .solve import _module

    return _module("closed-form")


def vectorisable(plan: SweepPlan) -> bool:
    """True if the closed forms (SPEC §3-4) cover every point: uniform XX chain, method auto/closed-form."""
    if not (isinstance(plan.method, str) and plan.method in ("auto", "closed-form")):
        return False
    if _closed_form_module() is None or "delta" in plan.axes or float(plan.fixed.get("delta", 0.0)) != 0.0:
        return False
    for key, neutral in (("hopping", 1.0), ("fields", None), ("dephasing", None)):
        if key in plan.fixed:
            values = np.atleast_1d(np.asarray(plan.fixed[key], dtype=float))
            if values.size and (np.any(values != values[0]) or (neutral is not None and values[0] != neutral)):
                return False
    valid = np.broadcast_to(plan.validity(), plan.shape)
    if not valid.any():
        return True
    module = _closed_form_module()
    for n in plan.n_values:
        kwargs = plan.point(int(np.flatnonzero(valid.ravel())[0]))
        kwargs["n"] = n
        try:
            model = Model(**kwargs)
        except ParameterError:
            continue
        if module.applicable(model, tuple(pair_sites(p, n) for p in plan.pairs)) is not None:
            return False
    return True


def _take(arr: np.ndarray, k: int, n_axis: int | None) -> np.ndarray:
    """The slice n = n_values[k] of a broadcastable grid array (unchanged if it does not vary with n)."""
    if n_axis is None or arr.ndim == 0:
        return arr
    return np.take(arr, k if arr.shape[n_axis] > 1 else 0, axis=n_axis)


def _vectorised(plan: SweepPlan) -> dict[str, np.ndarray]:
    """All points at once from the broadcasting closed forms of ``nesskit.solvers.closed_form``."""
    cf = _closed_form_module()
    shape = plan.shape
    valid = np.broadcast_to(plan.validity(), shape)
    gl, gr = plan.couplings()
    c, d = plan.driving_cd()
    deph = plan.grid("dephasing")
    deph = np.asarray(0.0) if deph is None else np.asarray(deph, dtype=float).reshape(-1)[0] \
        if "dephasing" not in plan.axes else deph
    everywhere = valid.all()

    def safe(arr: np.ndarray, default: float) -> np.ndarray:
        return np.asarray(arr, dtype=float) if everywhere else np.where(valid, arr, default)

    gl, gr, c, d, deph = safe(gl, 1.0), safe(gr, 1.0), safe(c, 0.0), safe(d, 0.0), safe(deph, 0.0)
    mu, mu_bar = c + d, (d - c) / 2
    npairs = len(plan.pairs)
    out = {name: np.full(shape + (npairs,), np.nan) for name in MEASURES}
    out["magnetization"] = np.full(shape + (plan.n_sites,), np.nan)
    out["current"] = np.full(shape, np.nan)
    out["residual"] = np.full(shape, np.nan)
    n_axis = list(plan.axes).index("n") if "n" in plan.axes else None
    for k, n in enumerate(plan.n_values):
        if n_axis is None:
            idx: tuple[Any, ...] = ()
            sub = shape
        else:
            idx = (slice(None),) * n_axis + (k,)
            sub = shape[:n_axis] + shape[n_axis + 1:]

        args = tuple(_take(a, k, n_axis) for a in (gl, gr, mu, mu_bar))
        dph = _take(deph, k, n_axis)
        out["magnetization"][idx + (..., slice(0, n))] = np.broadcast_to(
            cf.magnetization(n, *args, dephasing=dph), sub + (n,))
        out["current"][idx] = np.broadcast_to(cf.current(n, *args, dephasing=dph), sub)
        for p, spec in enumerate(plan.pairs):
            i, j = pair_sites(spec, n)
            z_i, z_j, zz, pm = cf.pair_correlations(i, j, n, *args, dephasing=dph)
            for name, value in xstate_measures(z_i, z_j, zz, pm).items():
                out[name][idx + (..., p)] = np.broadcast_to(value, sub)
    status = np.where(valid, OK, INVALID).astype(np.int8)
    bad = valid & ~np.isfinite(out["lambda_min"]).all(axis=-1)
    status[bad] = FAILED
    if not everywhere or bad.any():
        mask = status != OK
        for name in (*MEASURES, "magnetization"):
            out[name][mask] = np.nan
        out["current"][mask] = np.nan
    out["status"] = status
    return out


# ---------------------------------------------------------------------------------------------------
# Execution of the per-point path
# ---------------------------------------------------------------------------------------------------
def _progress(show: bool, total: int, done: int) -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=Console(stderr=True), disable=not show, transient=False)
    task = bar.add_task("sweep", total=total, completed=done)
    return bar, task


def _run_serial(plan: SweepPlan, todo: list[int], record: Callable[[int, dict[str, np.ndarray]], None],
                bar: Any, task: Any) -> None:
    for chunk in todo:
        record(*compute_chunk(plan, chunk))
        bar.update(task, advance=plan.chunk_bounds(chunk)[1] - plan.chunk_bounds(chunk)[0])


#: Environment of Dask worker processes: one BLAS/OpenMP thread each (the workers are the parallelism).
WORKER_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _run_dask(plan: SweepPlan, todo: list[int], record: Callable[[int, dict[str, np.ndarray]], None],
              bar: Any, task: Any, workers: int | None, scheduler: str | None) -> None:
    import logging

    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is not None:
        client = Client(scheduler)
    else:
        for key, value in WORKER_ENV.items():
            os.environ.setdefault(key, value)
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR, env=dict(WORKER_ENV))
        client = Client(cluster)
    try:
        shared = client.scatter(plan, broadcast=True)
        futures = [client.submit(compute_chunk, shared, chunk, pure=False) for chunk in todo]
        for future in as_completed(futures):
            chunk, arrays = future.result()
            record(chunk, arrays)
            start, stop = plan.chunk_bounds(chunk)
            bar.update(task, advance=stop - start)
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ---------------------------------------------------------------------------------------------------
# Dataset
# ---------------------------------------------------------------------------------------------------
def _version() -> str:
    from . import __version__

    return __version__


def to_dataset(plan: SweepPlan, arrays: Mapping[str, np.ndarray], attrs: Mapping[str, Any]) -> xr.Dataset:
    """Arrange the grid arrays (shape = plan.shape + trailing) as an xarray Dataset with coordinates."""
    dims = list(plan.axes)
    coords: dict[str, Any] = {name: (name, values) for name, values in plan.axes.items()}
    coords["pair"] = ("pair", np.array(plan.pair_labels, dtype=object))
    coords["site"] = ("site", np.arange(1, plan.n_sites + 1, dtype=np.int32))
    if "n" in plan.axes:
        sites = np.array([[pair_sites(p, n) for p in plan.pairs] for n in plan.n_values], dtype=np.int32)
        coords["pair_i"] = (("n", "pair"), sites[..., 0])
        coords["pair_j"] = (("n", "pair"), sites[..., 1])
    else:
        sites = np.array([pair_sites(p, plan.n_values[0]) for p in plan.pairs], dtype=np.int32)
        coords["pair_i"] = ("pair", sites[:, 0])
        coords["pair_j"] = ("pair", sites[:, 1])
    long_names = {
        "lambda_min": "smallest eigenvalue of the partial transpose of rho_ij (SPEC §2, Eqs. 15, 20)",
        "negativity": "negativity (||rho^T_B||_1 - 1)/2",
        "log_negativity": "logarithmic negativity log2 ||rho^T_B||_1",
        "concurrence": "Wootters concurrence",
        "magnetization": "<sigma^z_j>, site j 1-based (NaN beyond n)",
        "current": "spin current t = -<sx_j sy_j+1> on the central bond (SPEC §1)",
        "residual": "solver residual (NaN where the state is a closed form or was not computed)",
        "status": "0 ok, 1 invalid (outside Eq. 10), 2 failed",
    }
    data: dict[str, Any] = {}
    for name in MEASURES:
        data[name] = ((*dims, "pair"), arrays[name], {"long_name": long_names[name]})
    data["magnetization"] = ((*dims, "site"), arrays["magnetization"], {"long_name": long_names["magnetization"]})
    for name in ("current", "residual"):
        data[name] = (dims, arrays[name], {"long_name": long_names[name]})
    data["status"] = (dims, arrays["status"].astype(np.int8),
                      {"long_name": long_names["status"], "flag_values": np.arange(3, dtype=np.int8),
                       "flag_meanings": " ".join(STATUS)})
    ds = xr.Dataset(data, coords=coords)
    for name in plan.axes:
        ds[name].attrs["long_name"] = {"c": "c = mu/2 - mu_bar (Eq. 11)", "d": "d = mu/2 + mu_bar (Eq. 11)"}.get(
            name, name)
    ds.attrs.update(attrs)
    return ds


def _attrs(plan: SweepPlan, execution: str, methods_used: Iterable[str], command: str | None) -> dict[str, Any]:
    attrs = {
        "title": "nesskit parameter sweep",
        "conventions": CONVENTIONS,
        "method": _method_name(plan.method),
        "methods_used": ",".join(sorted(set(methods_used))),
        "execution": execution,
        "nesskit_version": _version(),
        "definition": json.dumps(plan.definition(), sort_keys=True),
    }
    if command is not None:
        attrs["command"] = command
    return attrs


def sweep(
    axes: Mapping[str, Any] | Sequence[str],
    *,
    pairs: str | Iterable[Any] = "bulk",
    method: str | Callable[[Model], NESS] = "auto",
    workers: int | str | None = None,
    scheduler: str | None = None,
    chunk_size: int | None = None,
    out: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
    progress: bool | None = None,
    command: str | None = None,
    vectorise: bool | None = None,
    **fixed: Any,
) -> xr.Dataset:
    """Evaluate the NESS (SPEC §1) and its pair entanglement (SPEC §2) on a grid of parameters.

    Parameters
    ----------
    axes : mapping or list of str
        The grid, an outer product in the given order: ``{"c": values, "d": values}`` (values may also be
        ``"start:stop:num"``), or ``["c=-1:1:401", "d=-1:1:401"]``. Names: ``c``, ``d``, ``mu``, ``mu_bar``,
        ``coupling`` (Γ_L = Γ_R), ``coupling_left``, ``coupling_right``, ``dephasing``, ``n``, ``delta``.
    pairs : str, (i, j) or list of these
        ``"boundary"`` = (1, 2), ``"bulk"``/``"central"`` = (⌊n/2⌋, ⌊n/2⌋+1), or explicit 1-based sites i < j.
    method : str or callable
        ``"auto"`` (closed forms vectorised when they apply), a method of :func:`nesskit.solve`, or a
        picklable function ``model -> NESS`` (always per point).
    workers : int, "serial" or None
        Per-point path only: ``0`` or ``"serial"`` computes in this process without Dask; ``k`` starts a local
        Dask cluster of k processes (one thread each); None uses one process per CPU.
    scheduler : str, optional
        Address of a running Dask scheduler (``"tcp://host:8786"``); overrides ``workers``.
    chunk_size : int, optional
        Points per task and per stored part (default: about 200 chunks, at most 1024 points each).
    out : path, optional
        netCDF file to write. The per-point path stores each finished chunk in ``<out>.parts/`` so that the
        same call after a crash recomputes only missing chunks; an ``out`` holding the same sweep is loaded.
    overwrite : bool
        Replace an ``out`` (or parts) holding a *different* sweep instead of raising.
    progress : bool, optional
        Show a progress bar; default: only when stderr is a terminal.
    command : str, optional
        The command line to record in the attributes (the CLI passes it).
    vectorise : bool, optional
        None (default): use the vectorised closed forms whenever they apply; False: always per point
        (to cross-check); True: require the vectorised path (ParameterError if it does not apply).
    **fixed
        Fixed model parameters, as for :class:`~nesskit.model.Model` (``n`` is required unless it is an axis).

    Returns
    -------
    xarray.Dataset
        Variables ``lambda_min``, ``negativity``, ``log_negativity``, ``concurrence`` (axes + ``pair``),
        ``magnetization`` (axes + ``site``), ``current``, ``residual``, ``status`` (0 ok, 1 invalid, 2 failed;
        see :data:`STATUS`); attributes record the conventions, method, version and definition.
    """
    from .storage import PartStore, definition_digest, write_dataset

    if set(normalise_axes(axes)) & set(THERMAL_AXIS_NAMES):
        return thermal_sweep(axes, out=out, command=command, **fixed)
    if workers == "serial":
        workers = 0
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 0):
        raise ParameterError(f"workers must be an integer >= 0 or 'serial', got {workers!r}")
    plan = make_plan(axes, fixed, pairs, method, chunk_size)
    vectorised = vectorisable(plan) if vectorise is not False else False
    if vectorise and not vectorised:
        raise ParameterError("vectorise=True, but the closed forms do not cover this sweep (needs the uniform XX "
                             "chain, method 'auto' or 'closed-form')")
    definition = plan.definition()
    definition["path"] = "vectorised" if vectorised else "per-point"
    digest = definition_digest(definition)
    store = PartStore(out, digest, 0 if vectorised else plan.n_chunks, overwrite) if out is not None else None
    if store is not None:
        existing = store.finished()
        if existing is not None:
            return existing

    if vectorised:
        arrays = _vectorised(plan)
        ds = to_dataset(plan, arrays, _attrs(plan, "vectorised closed forms", ["closed-form"], command))
        if out is not None:
            write_dataset(ds, out, digest)
            return xr.load_dataset(out)
        return ds

    done = store.open() if store is not None else set()
    todo = [k for k in range(plan.n_chunks) if k not in done]
    held: dict[int, dict[str, np.ndarray]] = {}

    def record(chunk: int, arrays: dict[str, np.ndarray]) -> None:
        if store is not None:
            store.write(chunk, arrays)
        else:
            held[chunk] = arrays

    show = sys.stderr.isatty() if progress is None else bool(progress)
    done_points = sum(plan.chunk_bounds(k)[1] - plan.chunk_bounds(k)[0] for k in done)
    bar, task = _progress(show, plan.size, done_points)
    with bar:
        if todo:
            if workers == 0 and scheduler is None:
                _run_serial(plan, todo, record, bar, task)
            else:
                _run_dask(plan, todo, record, bar, task, workers, scheduler)

    flat = _empty(plan, plan.size)
    for chunk in range(plan.n_chunks):
        arrays = held.pop(chunk) if chunk in held else store.read(chunk)  # type: ignore[union-attr]
        start, stop = plan.chunk_bounds(chunk)
        for name, value in arrays.items():
            flat[name][start:stop] = value
    codes = _method_codes(plan)
    used = [codes[k] for k in np.unique(flat.pop("method_code")) if k >= 0]
    grid = {name: value.reshape(plan.shape + value.shape[1:]) for name, value in flat.items()}
    ds = to_dataset(plan, grid, _attrs(plan, "per point", used, command))
    if store is not None:
        store.finish(ds)
        return xr.load_dataset(store.out)
    return ds


def thermal_sweep(
    axes: Mapping[str, Any] | Sequence[str],
    *,
    out: str | os.PathLike[str] | None = None,
    command: str | None = None,
    **fixed: Any,
) -> xr.Dataset:
    """Grand-canonical nearest-neighbour state of the infinite XX chain on a (β, φ) grid (SPEC §5, Eqs. 2–4).

    ρ_G ∝ exp(−βH − φM) (nesskit's sign of φ, see :mod:`nesskit.thermal`), evaluated by the vectorised
    quadratures of :func:`nesskit.thermal.infinite_chain`. :func:`sweep` calls this when its axes are
    ``beta`` and/or ``phi``; the other one may be fixed by keyword (default 0).

    Returns
    -------
    xarray.Dataset
        ``magnetization``, ``xx``, ``zz``, ``energy`` and the four measures of SPEC §2 (``lambda_min``,
        ``negativity``, ``log_negativity``, ``concurrence``) of the nearest-neighbour pair, over the axes.
    """
    from .storage import write_dataset
    from .thermal import infinite_chain

    grid = normalise_axes(axes)
    unknown = [k for k in grid if k not in THERMAL_AXIS_NAMES]
    if unknown:
        raise ParameterError(f"axes {unknown} cannot be mixed with the thermal axes beta, phi (SPEC §5)")
    extra = [k for k in fixed if k not in THERMAL_AXIS_NAMES]
    if extra:
        raise ParameterError(f"a thermal sweep takes only beta and phi, not {extra}")
    values = {k: grid.get(k, np.asarray([float(fixed.get(k, 0.0))])) for k in THERMAL_AXIS_NAMES}
    beta = values["beta"][:, None]
    phi = values["phi"][None, :]
    result = infinite_chain(beta, phi)
    z, xx, zz = (np.broadcast_to(result[k], (beta.size, phi.size)) for k in ("magnetization", "xx", "zz"))
    measures = xstate_measures(z, z, zz, xx / 2)
    dims = ("beta", "phi")
    data = {k: (dims, np.broadcast_to(result[k], z.shape).copy()) for k in ("magnetization", "xx", "zz", "energy")}
    data.update({k: (dims, np.asarray(measures[k])) for k in MEASURES})
    ds = xr.Dataset(data, coords={"beta": values["beta"], "phi": values["phi"]})
    ds = ds.isel({k: 0 for k in THERMAL_AXIS_NAMES if k not in grid})
    ds.attrs.update({
        "title": "nesskit thermal sweep (infinite XX chain, grand canonical)",
        "conventions": "rho_G ~ exp(-beta H - phi M), H of Eq. 1, M = sum sigma^z; nearest-neighbour pair "
                       "(SPEC §5); lambda_min of Eq. 4",
        "method": "thermal-quadrature",
        "nesskit_version": _version(),
    })
    if command is not None:
        ds.attrs["command"] = command
    if out is not None:
        write_dataset(ds, out, "thermal")
        return xr.load_dataset(out)
    return ds
