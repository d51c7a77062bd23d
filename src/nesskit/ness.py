"""The result every method returns: a nonequilibrium steady state (NESS) and its own checks.

Downstream code (entanglement, sweeps, analysis, figures) depends only on this object, never on which method made
it. A :class:`NESS` holds data, not closures: it pickles (so ``client.map(nk.solve, models)`` works on Dask),
compares with ``==``, prints, and converts to an :class:`xarray.Dataset` whose coordinate names are those of the
sweep Datasets (``site``, ``bond``, ``pair``). Sites are 1-based throughout, as in the paper; array attributes are
indexed from 0 (``magnetization[0]`` is site 1). Arrays are read-only.

A quantity a method did not compute is ``None`` (for example ``zz`` of a hierarchy result without 4-point
functions); a diagnostic that was not computed is ``None``, never a literal that looks like a check.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from .entanglement import entanglement_measures
from .errors import ParameterError
from .model import Model
from .twospin import pauli_correlations, swap_spins

if TYPE_CHECKING:
    import xarray as xr


@runtime_checkable
class PairSource(Protocol):
    """What a method keeps to give two-spin states on demand (a picklable object holding arrays).

    ``pair(i, j)`` with 1 ≤ i < j ≤ n returns the 4×4 reduced density matrix ρ_ij (basis ↑↑, ↑↓, ↓↑, ↓↓, first
    factor the spin at site i, SPEC §2); ``why_not_pair(i, j)`` is None if the source can give that pair, else the
    reason (for example: the nearest-neighbour hierarchy has no non-adjacent pairs).
    """

    def pair(self, i: int, j: int) -> np.ndarray: ...

    def why_not_pair(self, i: int, j: int) -> str | None: ...


@dataclass(frozen=True)
class NoPairStates:
    """A :class:`PairSource` for a result that holds no two-spin states, saying why (and what to do instead)."""

    reason: str

    def why_not_pair(self, i: int, j: int) -> str | None:
        """Always the reason."""
        return self.reason

    def pair(self, i: int, j: int) -> np.ndarray:
        """Never available."""
        raise ParameterError(self.reason)


def _frozen_array(a: Any, dtype: Any = float) -> np.ndarray:
    arr = np.array(a, dtype=dtype, copy=True)
    arr.flags.writeable = False
    return arr


def _fmt(x: float | None) -> str:
    return "not computed" if x is None else f"{x:.3g}"


@dataclass(frozen=True)
class Diagnostics:
    """A method's checks of its own result (``None`` wherever a check was not made).

    Attributes
    ----------
    residual : float or None
        2-norm of the residual of the equations the method solves: ‖𝓛ρ‖ (vectorised ρ, Tr ρ = 1) for the exact
        solver, the residual of the correlation equations for the correlation methods; None where nothing was
        solved numerically or the residual was not evaluated.
    trace : float or None
        Tr ρ (1 for a normalised state) where the method holds ρ or checked it.
    hermiticity : float or None
        ‖ρ − ρ†‖ where the method holds ρ.
    iterations : int or None
        Iterations of an iterative method.
    wall_time : float or None
        Seconds spent in the method.
    error : float or None
        The method's estimate of the absolute error of the entries of a two-spin state (hence of λ_min). The
        entanglement policy (:func:`nesskit.entanglement.entanglement_threshold`) uses it; None means "at rounding
        level" for closed forms, or not estimated.
    checks : mapping of str to number or None
        Method-specific named checks (for example ``current_spread``, ``bond_dimension``, ``discarded_weight``).
    notes : str
        Anything else worth knowing (ordering, preconditioner, what was not computed).
    """

    residual: float | None = None
    trace: float | None = None
    hermiticity: float | None = None
    iterations: int | None = None
    wall_time: float | None = None
    error: float | None = None
    checks: Mapping[str, float | int | None] = field(default_factory=dict)
    notes: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "checks", dict(self.checks))

    def as_dict(self) -> dict[str, Any]:
        """The diagnostics as a JSON-serialisable dict (part of ``nesskit solve --json``).

        Non-finite numbers become None so that the output is strict JSON.
        """
        def clean(x: Any) -> Any:
            if isinstance(x, (bool, np.bool_)):
                return bool(x)
            if isinstance(x, (int, np.integer)):
                return int(x)
            if isinstance(x, (float, np.floating)):
                return float(x) if math.isfinite(float(x)) else None
            return x

        return {
            "residual": clean(self.residual),
            "trace": clean(self.trace),
            "hermiticity": clean(self.hermiticity),
            "iterations": clean(self.iterations),
            "wall_time": clean(self.wall_time),
            "error": clean(self.error),
            "checks": {k: clean(v) for k, v in self.checks.items()},
            "notes": self.notes,
        }


@dataclass(frozen=True, eq=False)
class NESS:
    """A nonequilibrium steady state of a :class:`~nesskit.model.Model`.

    Attributes
    ----------
    model : Model
        The chain that was solved.
    method : str
        The name of the method that produced it (``"closed-form"``, ``"free-fermion"``, ``"hierarchy"``,
        ``"exact"``, ``"matrix-product"``, ``"tensor-network"``).
    magnetization : ndarray, shape (n,)
        ⟨σᶻ_j⟩ for j = 1..n.
    current : ndarray, shape (n − 1,)
        Spin currents t_j = −⟨σˣ_j σʸ_{j+1}⟩ = ⟨σʸ_j σˣ_{j+1}⟩ (SPEC §1; t > 0 for μ > 0). This is the paper's t;
        the magnetization flowing through bond j per unit time is 4 J_j t_j.
    zz : ndarray, shape (n − 1,), or None
        ⟨σᶻ_j σᶻ_{j+1}⟩; None where the method did not compute it.
    diagnostics : Diagnostics
        Residual, trace, hermiticity, error estimate, timing.
    states : PairSource or None
        Gives the two-spin states; use :meth:`pair`. None if the method gives no pair states.
    density_matrix : object or None
        The full ρ where the method holds it (exact solver: the M-blocks; ``.to_dense()`` gives the matrix).
    log_current : ndarray, shape (n − 1,), or None
        ln|t_j| where a method computes it without underflow (the current of a Δ > 1 chain decays like
        e^{−n·arccosh Δ} and underflows to 0 in ``current`` beyond n ≈ 700).
    """

    model: Model
    method: str
    magnetization: np.ndarray
    current: np.ndarray
    zz: np.ndarray | None
    diagnostics: Diagnostics
    states: PairSource | None = field(default=None, repr=False)
    density_matrix: Any = field(default=None, repr=False)
    log_current: np.ndarray | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.model, Model):
            raise ParameterError(f"model must be a nesskit.Model, got {type(self.model).__name__}")
        n = self.model.n
        object.__setattr__(self, "magnetization", _frozen_array(self.magnetization))
        object.__setattr__(self, "current", _frozen_array(self.current))
        if self.zz is not None:
            object.__setattr__(self, "zz", _frozen_array(self.zz))
        if self.log_current is not None:
            object.__setattr__(self, "log_current", _frozen_array(self.log_current))
        shapes = {"magnetization": (self.magnetization, (n,)), "current": (self.current, (n - 1,)),
                  "zz": (self.zz, (n - 1,)), "log_current": (self.log_current, (n - 1,))}
        for name, (arr, shape) in shapes.items():
            if arr is not None and arr.shape != shape:
                raise ValueError(f"NESS.{name} must have shape {shape} for n = {n}, got {arr.shape}")

    # -- basic facts -------------------------------------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of spins."""
        return self.model.n

    # -- pair states -------------------------------------------------------------------------------------------
    def _check_pair(self, i: int, j: int) -> tuple[int, int]:
        from .pairs import check_sites

        return check_sites(i, j, self.model.n)

    def why_not_pair(self, i: int, j: int) -> str | None:
        """None if this result can give the pair (i, j) (1-based), else the reason."""
        i, j = self._check_pair(i, j)
        if self.states is None:
            return f"method {self.method!r} gives no two-spin states"
        return self.states.why_not_pair(min(i, j), max(i, j))

    def pair(self, i: int, j: int) -> np.ndarray:
        """The reduced density matrix ρ_ij (4×4) of spins i and j (1-based; any i ≠ j).

        Basis ↑↑, ↑↓, ↓↑, ↓↓ with the first factor the spin at site ``i`` (SPEC §2).

        Raises
        ------
        ParameterError
            If (i, j) are not two different sites of the chain, or the method cannot give this pair (the message
            says why and which method can).
        """
        reason = self.why_not_pair(i, j)
        if reason is not None:
            raise ParameterError(f"pair ({i}, {j}) is not available from this {self.method!r} result: {reason}")
        assert self.states is not None
        a, b = int(i), int(j)
        if a < b:
            return np.asarray(self.states.pair(a, b))
        return swap_spins(np.asarray(self.states.pair(b, a)))

    def correlations(self, i: int, j: int) -> np.ndarray:
        """The table T[α, β] = ⟨σ^α_i σ^β_j⟩, α, β ∈ (0, x, y, z), of the pair (i, j)."""
        return pauli_correlations(self.pair(i, j))

    def entanglement(self, i: int, j: int) -> dict[str, float]:
        """λ_min, negativity, log-negativity and concurrence of the pair (i, j) (SPEC §2)."""
        return {k: float(v) for k, v in entanglement_measures(self.pair(i, j)).items()}

    def entangled(self, i: int, j: int) -> bool:
        """Whether the pair (i, j) is entangled by nesskit's one policy (:func:`nesskit.entanglement.entangled`).

        λ_min must be below −threshold, where the threshold grows with this result's error estimate.
        """
        from .entanglement import entangled

        return bool(entangled(self.entanglement(i, j)["lambda_min"], self.error_estimate))

    @property
    def error_estimate(self) -> float | None:
        """The error estimate the entanglement policy uses: ``diagnostics.error``, else the residual, else None."""
        d = self.diagnostics
        return d.error if d.error is not None else d.residual

    # -- conversions -------------------------------------------------------------------------------------------
    def to_dict(self, pairs: Iterable[tuple[int, int]] = ()) -> dict[str, Any]:
        """A JSON-serialisable summary (the ``nesskit solve --json`` contract).

        Keys: ``n``, ``method``, ``sites``, ``model``, ``magnetization``, ``current``, ``log_current``, ``zz``
        (null where not computed), ``residual``, ``diagnostics`` and ``pairs`` (each with ``i``, ``j``, ``rdm`` as
        nested [re, im] pairs, ``lambda_min``, ``negativity``, ``log_negativity``, ``concurrence``, ``entangled``).
        """
        from .entanglement import entangled

        out: dict[str, Any] = {
            "n": self.n,
            "method": self.method,
            "sites": "1-based",
            "model": self.model.as_dict(),
            "magnetization": [float(x) for x in self.magnetization],
            "current": [float(x) for x in self.current],
            "log_current": None if self.log_current is None else [float(x) for x in self.log_current],
            "zz": None if self.zz is None else [float(x) for x in self.zz],
            "residual": self.diagnostics.as_dict()["residual"],
            "diagnostics": self.diagnostics.as_dict(),
            "pairs": [],
        }
        for i, j in pairs:
            rho = self.pair(i, j)
            entry: dict[str, Any] = {
                "i": int(i),
                "j": int(j),
                "basis": ["uu", "ud", "du", "dd"],
                "rdm": [[[float(z.real), float(z.imag)] for z in row] for row in rho],
            }
            measures = {k: float(v) for k, v in entanglement_measures(rho).items()}
            entry.update(measures)
            entry["entangled"] = bool(entangled(measures["lambda_min"], self.error_estimate))
            out["pairs"].append(entry)
        return out

    def to_xarray(self, pairs: Any = ()) -> xr.Dataset:
        """The result as an :class:`xarray.Dataset` with the sweep Datasets' coordinate names.

        Variables: ``magnetization`` (``site``, 1-based), ``current`` and ``zz`` (``bond``, the bond j–j+1 is
        labelled j; ``zz`` only where computed), and for each requested pair (names as in
        :func:`nesskit.pairs.resolve_pairs`, labelled like the sweeps' ``pair`` coordinate) ``lambda_min``,
        ``negativity``, ``log_negativity``, ``concurrence`` and ``rdm`` (``pair``, ``row``, ``col``).
        Attributes: method, n, residual, error, wall time, conventions.
        """
        import xarray as xr

        from .pairs import pair_label, resolve_pairs

        n = self.n
        data: dict[str, Any] = {
            "magnetization": ("site", np.asarray(self.magnetization)),
            "current": ("bond", np.asarray(self.current)),
        }
        if self.zz is not None:
            data["zz"] = ("bond", np.asarray(self.zz))
        if self.log_current is not None:
            data["log_current"] = ("bond", np.asarray(self.log_current))
        coords: dict[str, Any] = {"site": np.arange(1, n + 1), "bond": np.arange(1, n)}
        resolved = resolve_pairs(pairs, n) if pairs not in ((), None, []) else []
        if resolved:
            rdms = np.stack([self.pair(i, j) for _, (i, j) in resolved])
            measures = entanglement_measures(rdms)
            for key, values in measures.items():
                data[key] = ("pair", np.asarray(values, dtype=float))
            data["rdm"] = (("pair", "row", "col"), rdms)
            coords["pair"] = [pair_label(spec) for spec, _ in resolved]
            coords["pair_i"] = ("pair", [i for _, (i, _j) in resolved])
            coords["pair_j"] = ("pair", [j for _, (_i, j) in resolved])
            coords["row"] = ["uu", "ud", "du", "dd"]
            coords["col"] = ["uu", "ud", "du", "dd"]
        diag = self.diagnostics.as_dict()
        attrs = {
            "method": self.method,
            "n": n,
            "sites": "1-based; bond j joins sites j and j+1",
            "conventions": "Znidaric PRA 85, 012324 (2012): H = sum_j J_j(XX+YY) + delta ZZ + h_j Z; dissipator "
                           "2 L rho L^dag - {L^dag L, rho}; |up> has sigma_z = +1",
            "residual": "not computed" if diag["residual"] is None else diag["residual"],
            "error": "not computed" if diag["error"] is None else diag["error"],
            "wall_time": "not computed" if diag["wall_time"] is None else diag["wall_time"],
            "model": repr(self.model),
        }
        return xr.Dataset(data, coords=coords, attrs=attrs)

    # -- comparison and printing -------------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NESS):
            return NotImplemented
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
                if a is None or b is None or not np.array_equal(a, b):
                    return False
            elif f.name in ("states", "density_matrix"):
                if (a is None) != (b is None) or type(a) is not type(b):
                    return False
                if a is not None and not _objects_equal(a, b):
                    return False
            elif a != b:
                return False
        return True

    __hash__ = None  # type: ignore[assignment]  # holds arrays: not hashable

    def __repr__(self) -> str:
        d = self.diagnostics
        res = "None" if d.residual is None else f"{d.residual:.2e}"
        t = f"{float(np.mean(self.current)):.6g}" if self.current.size else "0"
        return f"NESS(method={self.method!r}, n={self.n}, residual={res}, current≈{t})"

    def __str__(self) -> str:
        d = self.diagnostics
        wall = "not measured" if d.wall_time is None else f"{d.wall_time:.3g} s"
        lines = [
            f"NESS of {self.model!r}",
            f"  method      {self.method}",
            f"  n           {self.n}",
            f"  residual    {_fmt(d.residual)}",
            f"  error est.  {_fmt(d.error)}",
            f"  wall time   {wall}",
            f"  current     {float(np.mean(self.current)):.6g} (mean over bonds)" if self.current.size else
            "  current     (single site)",
            f"  ⟨σᶻ⟩        {np.array2string(np.asarray(self.magnetization), precision=4, threshold=8)}",
            f"  ⟨σᶻσᶻ⟩      {'not computed' if self.zz is None else 'computed on every bond'}",
            f"  pairs       {'none' if self.states is None else type(self.states).__name__}",
        ]
        return "\n".join(lines)


def _objects_equal(a: Any, b: Any) -> bool:
    """Equality of two pair sources / density matrices of the same type, array fields compared by value."""
    try:
        da, db = vars(a), vars(b)
    except TypeError:
        return bool(a == b)
    if da.keys() != db.keys():
        return False
    for k in da:
        x, y = da[k], db[k]
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            if not (isinstance(x, np.ndarray) and isinstance(y, np.ndarray) and x.shape == y.shape
                    and np.array_equal(x, y)):
                return False
        elif isinstance(x, (tuple, list)) and x and isinstance(x[0], np.ndarray):
            if len(x) != len(y) or not all(np.array_equal(p, q) for p, q in zip(x, y)):
                return False
        else:
            try:
                if x != y:
                    return False
            except ValueError:
                return False
    return True
