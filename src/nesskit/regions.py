"""Where two spins of the NESS are entangled: λ_min maps over the c–d square and their boundary curves.

Thin wrappers over :mod:`nesskit.solvers.closed_form` (SPEC §3–§4) for the boundary pair ρ₁₂, a bulk pair,
the central pair ρ_{n/2,n/2+1} and any pair, in the driving coordinates (c, d) of Eq. 11, plus the paper's
boundary curves for Γ_L = Γ_R = Γ (Eqs. 16, 17, 21, 22) and a numeric :func:`c_min` / :func:`lower_edge` that
find the same curves from λ_min of the NESS itself (never from the formulas).

Symmetries of the square (used to describe the mirror tongue / pocket):

* **spin flip** (σˣ⊗…⊗σˣ): H, the dephasing and the partial-transpose spectrum are invariant and the baths are
  exchanged with c → −c, d → −d. So λ_min(ρ_ij)(c, d) = λ_min(ρ_ij)(−c, −d) for *every* pair, Γ_L, Γ_R, γ, n:
  the right tongue of Eqs. 16–17 (c_min ≤ c ≤ 1, edge(c) ≤ d ≤ 1) has a mirror tongue
  (−1 ≤ c ≤ −c_min, −1 ≤ d ≤ −edge(−c)), the point reflection through the centre of the square.
* **left–right reflection + spin flip** (Γ_L = Γ_R only): maps (c, d) → (d, c) and the pair (i, j) to
  (n + 1 − j, n + 1 − i). At γ = 0 every bulk pair is the same state, so the bulk pockets are also symmetric
  about the diagonal c = d; the boundary tongue is not (ρ₁₂ maps to ρ_{n−1,n}).

The "right" tongue/pocket is the one touching the corner c = d = 1 (c > 0); its c_min is the smallest c of
that component.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from .errors import ParameterError, check_int, check_nonnegative, check_positive
from .solvers import closed_form

SQRT2 = math.sqrt(2.0)

#: Points of the d grid used by the numeric minimisations over d (then refined by a bounded 1D search).
D_GRID_POINTS = 801

Pair = str | tuple[int, int]


# -- λ_min over the square ----------------------------------------------------------------------------------

def spin_flip(c: Any, d: Any) -> tuple[np.ndarray, np.ndarray]:
    """Image (c, d) → (−c, −d) of points or curves under the global spin flip (module docstring).

    σᶻ → −σᶻ maps (μ, μ̄) → (−μ, −μ̄) (Eqs. 8–9, 11) and leaves λ_min of every pair unchanged, so the left
    tongue / pocket of the c–d square is the image of the right one.
    """
    return -np.asarray(c), -np.asarray(d)

def resolve_pair(pair: Pair, n: int) -> tuple[int, int]:
    """Turn ``"boundary"`` (1, 2), ``"bulk"``/``"central"`` (n/2, n/2 + 1) or an (i, j) tuple into sites.

    At γ = 0 every pair (j, j + 1) with 2 ≤ j ≤ n − 2 is the same bulk state (Eq. 19); with dephasing the
    bulk pair of the paper is the central one (Sec. III D), which needs n even.
    """
    n = check_int("n", n, 2)
    if isinstance(pair, str):
        if pair == "boundary":
            return 1, 2
        if pair in ("bulk", "central"):
            if n < 4 or n % 2:
                raise ParameterError(f"the {pair} pair (n/2, n/2+1) needs an even n >= 4, got n = {n}")
            return n // 2, n // 2 + 1
        raise ParameterError(f"pair must be 'boundary', 'bulk', 'central' or a tuple (i, j), got {pair!r}")
    try:
        i, j = (int(k) for k in pair)
    except (TypeError, ValueError):
        raise ParameterError(f"pair must be 'boundary', 'bulk', 'central' or (i, j), got {pair!r}") from None
    if not 1 <= i < j <= n:
        raise ParameterError(f"pair (i, j) must satisfy 1 <= i < j <= n = {n}, got {pair!r}")
    return i, j


def pair_lambda_min(
    pair: Pair, c: Any, d: Any, coupling: Any = 1.0, dephasing: Any = 0.0, n: int = 4,
    coupling_left: Any = None, coupling_right: Any = None,
) -> np.ndarray:
    """λ_min of ρ_ij^{T_B} of the NESS at driving (c, d) (Eq. 11), broadcast over c, d, Γ and γ.

    Parameters
    ----------
    pair : "boundary", "bulk", "central" or (i, j)
        See :func:`resolve_pair` (1-based sites).
    c, d : array_like
        Driving coordinates in [−1, 1] (μ = c + d, μ̄ = (d − c)/2).
    coupling : array_like
        Γ = Γ_L = Γ_R, unless ``coupling_left``/``coupling_right`` are given.
    dephasing : array_like
        γ ≥ 0 (SPEC §4; the result then depends on n).
    n : int
        Chain length (irrelevant at γ = 0 for the boundary pair once n ≥ 3, and for bulk pairs).
    """
    i, j = resolve_pair(pair, n)
    gl = coupling if coupling_left is None else coupling_left
    gr = coupling if coupling_right is None else coupling_right
    c = np.asarray(c, dtype=float)
    d = np.asarray(d, dtype=float)
    return closed_form.pair_entanglement(i, j, n, gl, gr, c + d, (d - c) / 2, dephasing)["lambda_min"]


def boundary_lambda_min(c: Any, d: Any, coupling: Any = 1.0, dephasing: Any = 0.0, n: int = 4) -> np.ndarray:
    """λ_min of the boundary pair ρ₁₂ (Eqs. 14–15, SPEC §3), broadcast over c, d, Γ, γ."""
    return pair_lambda_min("boundary", c, d, coupling, dephasing, n)


def bulk_lambda_min(c: Any, d: Any, coupling: Any = 1.0, dephasing: Any = 0.0, n: int = 4) -> np.ndarray:
    """λ_min of the bulk/central pair ρ_{n/2,n/2+1} (Eqs. 19–20 at γ = 0), broadcast over c, d, Γ, γ."""
    return pair_lambda_min("central", c, d, coupling, dephasing, n)


def central_lambda_min(c: Any, d: Any, coupling: Any = 1.0, dephasing: Any = 0.0, n: int = 6) -> np.ndarray:
    """λ_min of the central pair ρ_{n/2,n/2+1} with dephasing (Sec. III D, Eq. 24), n even."""
    return pair_lambda_min("central", c, d, coupling, dephasing, n)


# -- the paper's boundary curves (Γ_L = Γ_R = Γ, γ = 0) ------------------------------------------------------
def _coupling_array(coupling: Any) -> np.ndarray:
    g = np.asarray(coupling, dtype=float)
    bad = ~(np.isfinite(g) & (g > 0))
    if np.any(bad):
        raise ParameterError(f"coupling must be finite and > 0 (allowed range: (0, inf)), got {g[bad].ravel()[0]!r}")
    return g


def _c_array(c: Any) -> np.ndarray:
    arr = np.asarray(c, dtype=float)
    bad = ~(np.isfinite(arr) & (np.abs(arr) <= 1))
    if np.any(bad):
        raise ParameterError(f"c must lie in [-1, 1] (Eq. 11), got {arr[bad].ravel()[0]!r}")
    return arr


def boundary_c_min(coupling: Any) -> np.ndarray:
    """Eq. 16: start of the right tongue of entangled ρ₁₂ in the c–d plane,

    c_min = [3 + 8Γ² + 4Γ⁴ − 2Γ(1 + Γ²)√(8 + Γ²)] / [1 + 2Γ²(1 + Γ²)].

    Meaningful for Γ ≥ Γ_min (Eq. 18), where it is ≤ 1; the mirror tongue starts at −c_min.
    """
    g = _coupling_array(coupling)
    return (3 + 8 * g**2 + 4 * g**4 - 2 * g * (1 + g**2) * np.sqrt(8 + g**2)) / (1 + 2 * g**2 * (1 + g**2))


def boundary_edge(c: Any, coupling: Any) -> np.ndarray:
    """Eq. 17: bottom edge d(c) of the right ρ₁₂ tongue for c_min ≤ c ≤ 1 (entangled for edge(c) < d ≤ 1),

    d = 1 − [1 + w − c(1 + 3Γ² + Γ⁴) − √v], w = Γ(1 + Γ²)√(8 + Γ²),
    v = (1 + Γ²)[(9 + 5c²)Γ⁴ + (1 + c²)Γ⁶ − 4(−1 + cw) − 2Γ²(−6 − 2c² + cw)].

    Values below −1 (Γ > 1 near c = 1) mean the tongue reaches the bottom of the square.
    """
    g = _coupling_array(coupling)
    c = _c_array(c)
    w = g * (1 + g**2) * np.sqrt(8 + g**2)
    v = (1 + g**2) * ((9 + 5 * c**2) * g**4 + (1 + c**2) * g**6 - 4 * (-1 + c * w) - 2 * g**2 * (-6 - 2 * c**2 + c * w))
    return 1 - (1 + w - c * (1 + 3 * g**2 + g**4) - np.sqrt(np.clip(v, 0, None)))


def bulk_edge(c: Any, coupling: Any) -> np.ndarray:
    """Eq. 21: lower edge d(c) of the right bulk pocket (entangled ρ_{j,j+1} for edge(c) < d ≤ 1),

    d = [c(1 + 3Γ² + Γ⁴) + 2(1 + Γ²)(−Γ√2 + √A)] / (1 + Γ² + Γ⁴),
    A = 1 + Γ[3Γ + c²Γ + Γ³ − √8 c(1 + Γ²)].
    """
    g = _coupling_array(coupling)
    c = _c_array(c)
    a = 1 + g * (3 * g + c**2 * g + g**3 - math.sqrt(8) * c * (1 + g**2))
    return (c * (1 + 3 * g**2 + g**4) + 2 * (1 + g**2) * (-g * SQRT2 + np.sqrt(np.clip(a, 0, None)))) / (
        1 + g**2 + g**4
    )


def bulk_c_min(coupling: Any) -> np.ndarray:
    """Eq. 22 (restored in SPEC §3): start of the right bulk pocket,

    c_min = 3 − 4Γ[√2 + Γ(−1 + Γ√2)] / (1 + Γ² + Γ⁴)  (≤ 1 only inside the range of Eq. 23).
    """
    g = _coupling_array(coupling)
    return 3 - 4 * g * (SQRT2 + g * (-1 + g * SQRT2)) / (1 + g**2 + g**4)


# -- numeric curves from λ_min of the NESS --------------------------------------------------------------------
def _check_scalar_inputs(coupling: float, dephasing: float) -> tuple[float, float]:
    return check_positive("coupling", coupling), check_nonnegative("dephasing", dephasing)


def min_over_d(pair: Pair, c: float, coupling: float, dephasing: float = 0.0, n: int = 4) -> tuple[float, float]:
    """min over d ∈ [−1, 1] of λ_min(c, d) and its minimiser: a grid of :data:`D_GRID_POINTS`, then a bounded
    1D search around the best grid point (endpoints included)."""
    grid = np.linspace(-1.0, 1.0, D_GRID_POINTS)
    values = pair_lambda_min(pair, c, grid, coupling, dephasing, n)
    k = int(np.argmin(values))
    best_d, best = float(grid[k]), float(values[k])
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]
    res = minimize_scalar(lambda x: float(pair_lambda_min(pair, c, x, coupling, dephasing, n)),
                          bounds=(lo, hi), method="bounded", options={"xatol": 1e-13})
    if res.fun < best:
        best_d, best = float(res.x), float(res.fun)
    return best, best_d


def _c_min_scalar(pair: Pair, coupling: float, dephasing: float, n: int, tolerance: float) -> float:
    coupling, dephasing = _check_scalar_inputs(coupling, dephasing)
    cs = np.linspace(0.0, 1.0, 101)
    grid = np.linspace(-1.0, 1.0, D_GRID_POINTS)
    lam = pair_lambda_min(pair, cs[:, None], grid[None, :], coupling, dephasing, n).min(axis=1)
    negative = np.flatnonzero(lam < -tolerance)
    if negative.size == 0:
        return math.nan
    k = int(negative[0])

    def f(c: float) -> float:
        return min_over_d(pair, c, coupling, dephasing, n)[0] + tolerance

    while k > 0 and f(cs[k - 1]) < 0:  # the refined minimum over d can be lower than the grid's
        k -= 1
    if k == 0:
        return 0.0
    return float(brentq(f, cs[k - 1], cs[k], xtol=1e-15, rtol=1e-15))


def c_min(pair: Pair, coupling: Any, dephasing: Any = 0.0, n: int = 4, tolerance: float = 0.0) -> np.ndarray:
    """Numeric start of the right entangled region: the smallest c ∈ [0, 1] with λ_min(c, d) < 0 for some d.

    Found from λ_min of the NESS (closed forms), not from Eqs. 16/22: f(c) = min_d λ_min(c, d) is scanned on a
    grid in c and its sign change refined by Brent's method. Broadcast (by a loop) over ``coupling`` and
    ``dephasing``. NaN where ρ_ij is nowhere entangled in the half square c ≥ 0 (e.g. Γ < Γ_min, γ > γ_c);
    the mirror region starts at −c_min (see the module docstring).

    Parameters
    ----------
    pair : "boundary", "bulk", "central" or (i, j)
    coupling : array_like
        Γ = Γ_L = Γ_R > 0.
    dephasing : array_like
        γ ≥ 0.
    n : int
        Chain length (matters only for γ > 0).
    tolerance : float
        Count λ_min < −tolerance as entangled (0: the sign itself).
    """
    resolve_pair(pair, n)
    g, gamma = np.broadcast_arrays(np.asarray(coupling, dtype=float), np.asarray(dephasing, dtype=float))
    out = np.empty(g.shape)
    for idx in np.ndindex(g.shape):
        out[idx] = _c_min_scalar(pair, float(g[idx]), float(gamma[idx]), n, tolerance)
    return out if out.ndim else out[()]


def lower_edge(pair: Pair, c: Any, coupling: float, dephasing: float = 0.0, n: int = 4) -> np.ndarray:
    """Numeric lower edge of the right entangled region at fixed c: the smallest d with λ_min(c, d) < 0.

    From λ_min of the NESS (grid in d, then Brent's method on the first sign change), for comparison with
    Eqs. 17 and 21. −1 where the region reaches the bottom of the square, NaN where ρ_ij is separable for every
    d at this c. Broadcast (by a loop) over ``c``.
    """
    coupling, dephasing = _check_scalar_inputs(coupling, dephasing)
    resolve_pair(pair, n)
    cs = _c_array(c)
    out = np.empty(cs.shape)
    grid = np.linspace(-1.0, 1.0, D_GRID_POINTS)
    for idx in np.ndindex(cs.shape):
        ci = float(cs[idx])
        lam = pair_lambda_min(pair, ci, grid, coupling, dephasing, n)
        negative = np.flatnonzero(lam < 0)
        if negative.size == 0:
            out[idx] = math.nan
            continue
        k = int(negative[0])
        if k == 0:
            out[idx] = -1.0
            continue
        out[idx] = brentq(lambda x, ci=ci: float(pair_lambda_min(pair, ci, x, coupling, dephasing, n)),
                          grid[k - 1], grid[k], xtol=1e-15, rtol=1e-15)
    return out if out.ndim else out[()]
