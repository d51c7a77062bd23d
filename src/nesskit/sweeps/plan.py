"""The sweep plan: an immutable, validated description of a sweep (axes, fixed parameters, pairs, method).

Its :meth:`SweepPlan.digest` keys the stored parts of a sweep (:mod:`nesskit.storage`): execution options
(workers, scheduler, progress, output path) are not part of it, so a sweep resumed with other workers reuses the
parts already computed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Union

import numpy as np

from ..errors import ParameterError, check_int
from ..methods import Method, method_from
from ..model import Model, driving_valid, driving_valid_cd
from ..ness import NESS
from ..pairs import PairSpec, normalise_pair_specs, pair_label, pair_sites
from .axes import AXIS_NAMES, FIXED_NAMES, normalise_axes

#: What ``method`` may be: a Method object (a name is turned into one) or a picklable function ``model -> NESS``.
PointMethod = Union[Method, Callable[[Model], NESS]]  # noqa: UP007  (a runtime alias: Python 3.10 needs Union)

#: The fields of :class:`nesskit.sweeps.Execution` (refused as model parameters, with a pointer to Execution).
EXECUTION_NAMES = ("workers", "scheduler", "chunk_size", "out", "overwrite", "progress", "vectorise", "command")
#: Points per chunk are chosen to give about this many chunks (at most :data:`MAX_CHUNK` points each).
TARGET_CHUNKS = 200
MAX_CHUNK = 1024


def invalid_reasons(get: Callable[[str], Any]) -> np.ndarray:
    """Why each point is outside the model's domain: "" where valid (vectorised; also for one point).

    ``get(name)`` returns the value of a parameter (an array broadcastable to the grid, a scalar, or None if the
    sweep does not set it). Checked: the rhombus of Eq. 10 (the one vectorised check
    :func:`nesskit.model.driving_valid` / :func:`~nesskit.model.driving_valid_cd`), Γ_L, Γ_R > 0 and a uniform
    γ ≥ 0; everything else is checked by :class:`~nesskit.model.Model` itself.
    """
    one, zero = np.asarray(1.0), np.asarray(0.0)
    g = get("coupling")
    gl, gr = get("coupling_left"), get("coupling_right")
    gl = np.asarray(gl if gl is not None else (g if g is not None else one), dtype=float)
    gr = np.asarray(gr if gr is not None else (g if g is not None else one), dtype=float)
    if get("c") is not None or get("d") is not None:
        c = np.asarray(get("c") if get("c") is not None else zero, dtype=float)
        d = np.asarray(get("d") if get("d") is not None else zero, dtype=float)
        driving_ok = driving_valid_cd(c, d)
    else:
        mu = np.asarray(get("mu") if get("mu") is not None else zero, dtype=float)
        mu_bar = np.asarray(get("mu_bar") if get("mu_bar") is not None else zero, dtype=float)
        driving_ok = driving_valid(mu, mu_bar)
    deph = get("dephasing")
    deph = np.asarray(zero if deph is None or isinstance(deph, (tuple, list)) else deph, dtype=float)
    checks = [
        (~driving_ok, "outside the rhombus of Eq. 10 (1 ± mu/2 ± mu_bar >= 0, i.e. |c| <= 1 and "
                                     "|d| <= 1 with c = mu/2 - mu_bar, d = mu/2 + mu_bar)"),
        (~(gl > 0), "coupling_left must be > 0"),
        (~(gr > 0), "coupling_right must be > 0"),
        (~(deph >= 0), "dephasing must be >= 0"),
    ]
    shape = np.broadcast_shapes(*(np.shape(bad) for bad, _ in checks))
    out = np.full(shape, "", dtype=object)
    for bad, text in checks:
        bad = np.broadcast_to(bad, shape)
        if bad.any():
            sep = np.where(out[bad] == "", "", "; ")
            out[bad] = out[bad] + sep + text
    return out


def _freeze_value(name: str, value: Any) -> Any:
    """A fixed parameter as an immutable, JSON-friendly value (profiles become tuples of floats)."""
    if name == "n":
        return check_int("n", value, 2)
    arr = np.asarray(value)
    if arr.dtype.kind in "USb":
        raise ParameterError(f"{name} must be a number or a list of numbers, got {value!r}")
    if arr.ndim == 0:
        try:
            return float(arr)
        except (TypeError, ValueError):
            raise ParameterError(f"{name} must be a number, got {value!r}") from None
    try:
        return tuple(float(v) for v in arr.ravel())
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a number or a list of numbers, got {value!r}") from None


def method_label(method: PointMethod) -> str:
    """A short name of the per-point method (``exact``, ``auto``, or ``module.function`` for a callable)."""
    if isinstance(method, Method):
        return method.name
    return f"{getattr(method, '__module__', '?')}.{getattr(method, '__qualname__', repr(method))}"


def _method_definition(method: PointMethod) -> Any:
    if isinstance(method, Method):
        return {"name": method.name, "class": type(method).__qualname__,
                "options": {k: (list(v) if isinstance(v, tuple) else v) for k, v in method.options().items()}}
    return method_label(method)


@dataclass(frozen=True, eq=False)
class SweepPlan:
    """A validated sweep: the outer product of the axes (in order) at fixed parameters, its pairs and method.

    Build it with :func:`make_plan`. Immutable (read-only arrays, tuples) and picklable, so that it travels to
    Dask workers once per sweep.

    Attributes
    ----------
    axis_names : tuple of str
        The dimensions of the grid, in order.
    axis_values : tuple of ndarray
        The values of each axis (read-only; int32 for ``n``).
    fixed_items : tuple of (str, value)
        Fixed Model keywords (profiles as tuples); ``field`` is a uniform field h.
    pairs : tuple of pair specs
        As in :mod:`nesskit.pairs`.
    method : Method or callable
        The per-point method (a name given by the user is turned into its Method object).
    chunk_size : int
        Points per task and per stored part.
    """

    axis_names: tuple[str, ...]
    axis_values: tuple[np.ndarray, ...]
    fixed_items: tuple[tuple[str, Any], ...]
    pairs: tuple[PairSpec, ...]
    method: PointMethod
    chunk_size: int

    # -- shape ---------------------------------------------------------------------------------------------
    @property
    def axes(self) -> dict[str, np.ndarray]:
        """``{name: values}`` in grid order (a new dict; the arrays are read-only)."""
        return dict(zip(self.axis_names, self.axis_values))

    @property
    def fixed(self) -> dict[str, Any]:
        """The fixed parameters as a new dict."""
        return dict(self.fixed_items)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(int(v.size) for v in self.axis_values)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    @property
    def n_values(self) -> list[int]:
        """The chain lengths of the sweep (the ``n`` axis, or the fixed n)."""
        axes = self.axes
        return [int(v) for v in axes["n"]] if "n" in axes else [int(self.fixed["n"])]

    @property
    def n_sites(self) -> int:
        return max(self.n_values)

    @property
    def n_chunks(self) -> int:
        return -(-self.size // self.chunk_size)

    @property
    def pair_labels(self) -> list[str]:
        return [pair_label(p) for p in self.pairs]

    def chunk_bounds(self, chunk: int) -> tuple[int, int]:
        """Flat (C-order) indices [start, stop) of one chunk."""
        return chunk * self.chunk_size, min((chunk + 1) * self.chunk_size, self.size)

    def chunk_points(self, chunk: int) -> int:
        start, stop = self.chunk_bounds(chunk)
        return stop - start

    # -- points --------------------------------------------------------------------------------------------
    def point(self, flat: int) -> dict[str, Any]:
        """Model keywords of the grid point with flat (C-order) index ``flat`` (``field`` → ``fields``)."""
        index = np.unravel_index(flat, self.shape)
        kwargs = dict(self.fixed_items)
        for name, values, k in zip(self.axis_names, self.axis_values, index):
            kwargs[name] = int(values[k]) if name == "n" else float(values[k])
        if "field" in kwargs:
            kwargs["fields"] = kwargs.pop("field")
        return kwargs

    def points(self, start: int, stop: int) -> Iterator[tuple[int, dict[str, Any]]]:
        for flat in range(start, stop):
            yield flat, self.point(flat)

    def grid(self, name: str) -> Any:
        """Parameter ``name`` as an array broadcastable to the grid's
        ``shape``; a fixed profile stays a tuple (one value
        per site or bond); None if the sweep does not set it."""
        if name in self.axis_names:
            k = self.axis_names.index(name)
            shape = [1] * len(self.axis_names)
            shape[k] = -1
            return self.axis_values[k].reshape(shape)
        fixed = self.fixed
        if name in fixed:
            value = fixed[name]
            return value if isinstance(value, tuple) else np.asarray(value)
        return None

    def invalid_reasons(self) -> np.ndarray:
        """Object array of the grid's ``shape``:
        "" where a point is valid, else why not (see :func:`invalid_reasons`)."""
        return np.broadcast_to(invalid_reasons(self.grid), self.shape)

    def validity(self) -> np.ndarray:
        """Boolean grid of the grid's ``shape``: True where the point is inside the model's domain."""
        return self.invalid_reasons() == ""

    # -- identity ------------------------------------------------------------------------------------------
    def definition(self) -> dict[str, Any]:
        """JSON-serialisable description (execution options excluded); see :meth:`digest`."""
        return {
            "axes": {k: v.tolist() for k, v in zip(self.axis_names, self.axis_values)},
            "fixed": {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.fixed_items},
            "pairs": [p if isinstance(p, str) else list(p) for p in self.pairs],
            "method": _method_definition(self.method),
            "chunk_size": self.chunk_size,
        }

    def definition_json(self) -> str:
        return json.dumps(self.definition(), sort_keys=True, default=repr)

    def digest(self, lane: str) -> str:
        """SHA-256 of the definition and the evaluation ``lane`` ("per-point" or a fast lane's name)."""
        from ..storage import definition_digest

        return definition_digest({**self.definition(), "path": lane})


def make_plan(axes: Mapping[str, Any], fixed: Mapping[str, Any], pairs: Any, method: Any,
              chunk_size: int | None = None) -> SweepPlan:
    """Validate a sweep definition (see :func:`nesskit.sweeps.sweep`) and return its :class:`SweepPlan`.

    Raises
    ------
    ParameterError
        Naming the parameter: unknown or repeated axes, a parameter both an axis and fixed, n missing, incomplete
        (c, d), (c, d) mixed with (μ, μ̄), ``coupling`` with ``coupling_left``/``coupling_right``, ``field`` with
        ``fields``, an unknown method or option, a pair outside some chain, fixed parameters outside the model's
        domain, or a structural mistake (a profile of the wrong length, ...).
    """
    ax = normalise_axes(axes)
    fx: dict[str, Any] = {}
    for key, value in fixed.items():
        name = str(key).replace("-", "_")
        if value is None:
            continue
        if name in EXECUTION_NAMES:
            raise ParameterError(f"{name} is an execution option, not a model parameter: pass "
                                 f"execution=Execution({name}=...) (nesskit.sweeps.Execution)")
        if name not in FIXED_NAMES:
            raise ParameterError(f"unknown model parameter {key!r}; allowed: {', '.join(FIXED_NAMES)}")
        if name in ax:
            raise ParameterError(f"{name!r} is both an axis and a fixed parameter; give it once")
        fx[name] = _freeze_value(name, value)
    given = set(ax) | set(fx)
    if "n" not in given:
        raise ParameterError("n is required (number of spins, n >= 2), as a fixed value or an axis")
    if given & {"c", "d"} and given & {"mu", "mu_bar"}:
        raise ParameterError("give the driving either as (mu, mu_bar) or as (c, d), not both (Eq. 11)")
    if given & {"c", "d"} and not {"c", "d"} <= given:
        missing = ({"c", "d"} - given).pop()
        raise ParameterError(f"{missing!r} is missing: c and d go together (Eq. 11); give it as an axis or value")
    if "coupling" in given and given & {"coupling_left", "coupling_right"}:
        raise ParameterError("give either coupling or coupling_left/coupling_right, not both")
    if "field" in given and "fields" in given:
        raise ParameterError("give either field (uniform h, may be an axis) or fields (a profile), not both")
    if "field" in fx and isinstance(fx["field"], tuple):
        raise ParameterError("field is one number (a uniform field h); give a profile as fields=[h_1, ..., h_n]")

    point_method = _point_method(method)
    specs = normalise_pair_specs(pairs)
    if not specs:
        raise ParameterError("pairs: give at least one pair, e.g. pairs=('bulk',)")
    n_values = [int(v) for v in ax["n"]] if "n" in ax else [int(fx["n"])]
    for n in n_values:
        for spec in specs:
            pair_sites(spec, n)

    size = int(np.prod([v.size for v in ax.values()]))
    if chunk_size is None:
        chunk_size = max(1, min(MAX_CHUNK, math.ceil(size / TARGET_CHUNKS)))
    else:
        chunk_size = check_int("chunk_size", chunk_size, 1)
    plan = SweepPlan(tuple(ax), tuple(ax.values()), tuple(fx.items()), specs, point_method, int(chunk_size))
    _check_fixed_domain(plan)
    _check_structure(plan)
    return plan


def _point_method(method: Any) -> PointMethod:
    if isinstance(method, (str, Method)):
        return method_from(method)
    if isinstance(method, type) and issubclass(method, Method):
        return method_from(method.name)
    if callable(method):
        return method  # type: ignore[no-any-return]
    raise ParameterError(f"method must be a method name, a nesskit Method object or a function model -> NESS, "
                         f"got {method!r}")


def _check_fixed_domain(plan: SweepPlan) -> None:
    """Refuse fixed parameters that put every point outside the model's domain (they are not a sweep's result)."""
    fixed = plan.fixed
    neutral = {"c": 0.0, "d": 0.0, "mu": 0.0, "mu_bar": 0.0, "coupling": 1.0, "coupling_left": 1.0,
               "coupling_right": 1.0, "dephasing": 0.0}

    def get(name: str) -> Any:
        if name in plan.axis_names:
            return neutral.get(name, 0.0)
        return fixed.get(name)

    reason = str(invalid_reasons(get).reshape(-1)[0])
    if reason:
        raise ParameterError(f"the fixed parameters are outside the model's domain at every point: {reason}")


def _check_structure(plan: SweepPlan) -> None:
    """Build the model at one valid point of each n so that structural mistakes (profile lengths, ...) raise now."""
    valid = plan.validity()
    if not valid.any():
        return
    kwargs = plan.point(int(np.flatnonzero(valid.ravel())[0]))
    for n in plan.n_values:
        Model(**{**kwargs, "n": n})


__all__ = ["SweepPlan", "make_plan", "invalid_reasons", "method_label", "PointMethod",
           "AXIS_NAMES"]
