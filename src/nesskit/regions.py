"""Where two spins of the NESS are entangled: λ_min over the c–d square and the boundary curves of its regions.

λ_min of any pair (:func:`pair_lambda_min`) in the driving coordinates (c, d) of Eq. 11 comes from
:class:`nesskit.analysis.LambdaMin` — any method of :func:`nesskit.methods.solve`, the closed forms of SPEC §3–§4
being its vectorised fast lane. Beside it: the paper's boundary curves for Γ_L = Γ_R = Γ, γ = 0 (Eqs. 16, 17, 21,
22; formulas, drawn as overlays) and a numeric :func:`c_min` / :func:`lower_edge` that find the same curves from
λ_min of the NESS itself (:func:`nesskit.analysis.edge_c_min`, :func:`nesskit.analysis.lower_edge`), never from the
formulas. Pairs are named by :mod:`nesskit.pairs` ("boundary" = (1, 2), "bulk"/"central" = (⌊n/2⌋, ⌊n/2⌋ + 1),
"last", or 1-based (i, j)); "entangled" is the policy of :mod:`nesskit.entanglement`.

Symmetries of the square (used to describe the mirror tongue / pocket):

* **spin flip** (σˣ⊗…⊗σˣ): H (also with Δ), the dephasing and the partial-transpose spectrum are invariant and the
  baths are exchanged with c → −c, d → −d. So λ_min(ρ_ij)(c, d) = λ_min(ρ_ij)(−c, −d) for *every* pair, Γ_L, Γ_R,
  γ, n: the right tongue of Eqs. 16–17 (c_min ≤ c ≤ 1, edge(c) ≤ d ≤ 1) has a mirror tongue
  (−1 ≤ c ≤ −c_min, −1 ≤ d ≤ −edge(−c)), the point reflection through the centre of the square.
* **left–right reflection + spin flip** (Γ_L = Γ_R only): maps (c, d) → (d, c) and the pair (i, j) to
  (n + 1 − j, n + 1 − i). At γ = 0 every bulk pair is the same state, so the bulk pockets are also symmetric
  about the diagonal c = d; the boundary tongue is not (ρ₁₂ maps to ρ_{n−1,n}).

The "right" tongue/pocket is the one touching the corner c = d = 1 (c > 0); its c_min is where it meets the edge
d = 1.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import analysis
from .errors import ParameterError, check_nonnegative, check_positive
from .model import Model

SQRT2 = math.sqrt(2.0)

Pair = str | tuple[int, int]


# -- λ_min over the square ----------------------------------------------------------------------------------

def spin_flip(c: Any, d: Any) -> tuple[np.ndarray, np.ndarray]:
    """Image (c, d) → (−c, −d) of points or curves under the global spin flip (module docstring).

    σᶻ → −σᶻ maps (μ, μ̄) → (−μ, −μ̄) (Eqs. 8–9, 11) and leaves λ_min of every pair unchanged, so the left
    tongue / pocket of the c–d square is the image of the right one.
    """
    return -np.asarray(c), -np.asarray(d)


def _model(n: int, coupling: float, dephasing: float = 0.0, **extra: Any) -> Model:
    return Model(n, coupling=coupling, dephasing=dephasing, **extra)


def pair_lambda_min(
    pair: Pair, c: Any, d: Any, coupling: Any = 1.0, dephasing: Any = 0.0, n: int = 4,
    coupling_left: Any = None, coupling_right: Any = None, method: Any = "auto", **model: Any,
) -> np.ndarray:
    """λ_min of ρ_ij^{T_B} of the NESS at driving (c, d) (Eq. 11), broadcast over c, d, Γ and γ.

    Parameters
    ----------
    pair : "boundary", "bulk", "central", "last" or (i, j)
        See :func:`nesskit.pairs.pair_sites` (1-based sites).
    c, d : array_like
        Driving coordinates in [−1, 1] (μ = c + d, μ̄ = (d − c)/2).
    coupling : array_like
        Γ = Γ_L = Γ_R, unless ``coupling_left``/``coupling_right`` are given.
    dephasing : array_like
        γ ≥ 0 (SPEC §4; the result then depends on n).
    n : int
        Chain length.
    method : str or Method
        Any method of :func:`nesskit.methods.solve`; ``"auto"`` evaluates the uniform XX chain by the vectorised
        closed forms.
    **model
        Further model parameters (``delta``, ``fields``, ``hopping``), fixed.
    """
    params: dict[str, Any] = {"c": c, "d": d, "dephasing": dephasing}
    if coupling_left is None and coupling_right is None:
        params["coupling"] = coupling
    else:
        params["coupling_left"] = coupling if coupling_left is None else coupling_left
        params["coupling_right"] = coupling if coupling_right is None else coupling_right
    f = analysis.LambdaMin(Model(n, **model), pair, method)
    return np.asarray(f(**params))


def boundary_lambda_min(c: Any, d: Any, coupling: Any = 1.0, dephasing: Any = 0.0, n: int = 4) -> np.ndarray:
    """λ_min of the boundary pair ρ₁₂ (Eqs. 14–15, SPEC §3), broadcast over c, d, Γ, γ."""
    return pair_lambda_min("boundary", c, d, coupling, dephasing, n)


def bulk_lambda_min(c: Any, d: Any, coupling: Any = 1.0, dephasing: Any = 0.0, n: int = 4) -> np.ndarray:
    """λ_min of the bulk/central pair (⌊n/2⌋, ⌊n/2⌋ + 1) (Eqs. 19–20 at γ = 0), broadcast over c, d, Γ, γ."""
    return pair_lambda_min("central", c, d, coupling, dephasing, n)


def central_lambda_min(c: Any, d: Any, coupling: Any = 1.0, dephasing: Any = 0.0, n: int = 6) -> np.ndarray:
    """λ_min of the central pair (⌊n/2⌋, ⌊n/2⌋ + 1) with dephasing (Sec. III D, Eq. 24)."""
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
def c_min(pair: Pair, coupling: Any, dephasing: Any = 0.0, n: int = 4, method: Any = "auto", **model: Any
          ) -> np.ndarray:
    """Numeric start c_min of the right entangled region, where it meets the edge d = 1 (c ∈ [0, 1]).

    Found from λ_min of the NESS by :func:`nesskit.analysis.edge_c_min` (a scan of the edge, then Brent's method
    on the policy's margin), not from Eqs. 16/22. Broadcast (by a loop) over ``coupling`` and ``dephasing``. NaN
    where ρ_ij is nowhere entangled on that edge (e.g. Γ < Γ_min, γ > γ_c); the mirror region starts at −c_min.

    Parameters
    ----------
    pair : "boundary", "bulk", "central", "last" or (i, j)
    coupling : array_like
        Γ = Γ_L = Γ_R > 0.
    dephasing : array_like
        γ ≥ 0.
    n : int
        Chain length (matters only for γ > 0).
    method : str or Method
        Any method of :func:`nesskit.methods.solve`.
    **model
        Further model parameters (``delta``, ``fields``, ``hopping``), fixed.
    """
    g, gamma = np.broadcast_arrays(np.asarray(coupling, dtype=float), np.asarray(dephasing, dtype=float))
    out = np.empty(g.shape)
    for idx in np.ndindex(g.shape):
        f = analysis.LambdaMin(_model(n, check_positive("coupling", float(g[idx])),
                                      check_nonnegative("dephasing", float(gamma[idx])), **model), pair, method)
        out[idx] = analysis.edge_c_min(f)
    return out if out.ndim else out[()]


def lower_edge(pair: Pair, c: Any, coupling: float, dephasing: float = 0.0, n: int = 4, method: Any = "auto",
               **model: Any) -> np.ndarray:
    """Numeric lower edge of the right entangled region at fixed c: the smallest d at which ρ_ij is entangled.

    From λ_min of the NESS (:func:`nesskit.analysis.lower_edge`), for comparison with Eqs. 17 and 21. −1 where the
    region reaches the bottom of the square, NaN where ρ_ij is separable for every d at this c.
    """
    f = analysis.LambdaMin(_model(n, check_positive("coupling", coupling), check_nonnegative("dephasing", dephasing),
                                  **model), pair, method)
    return analysis.lower_edge(f, c)
