"""Closed-form NESS of the uniform boundary-driven XX chain (method ``"closed-form"``), SPEC §3–§4.

Every public function broadcasts over all of its float arguments (``coupling_left``, ``coupling_right``,
``mu``, ``mu_bar``, ``dephasing``), so one call evaluates a whole grid of parameters; ``n`` and the sites
``i``, ``j``, ``site`` are Python ints, 1-based as in the paper.

With Σ = Γ_L + Γ_R + 1/Γ_L + 1/Γ_R + 2γ(n − 1) and K = 2γ/(Σ − 2γ) (SPEC §4; γ = 0 gives Eq. 13):

* u₁ = 1/Γ_L, u_j = 1/Γ_L + Γ_L + 2γ(j − 1) (2 ≤ j ≤ n − 1), uₙ = Σ − 1/Γ_R, v_j = Σ − u_j;
* ⟨σᶻ_j⟩ = μ̄ − μ/2 + μ u_j/Σ;
* spin current on every bond t = −⟨σˣ_jσʸ_{j+1}⟩ = μ/Σ;
* ⟨σᶻ_jσᶻ_k⟩ = ⟨σᶻ_j⟩⟨σᶻ_k⟩ − (μ/Σ)² [K u_j v_k + (1 + K) δ_{k,j+1}] for j < k;
* ⟨σ⁺_jσ⁻_{j+d}⟩ = (iμ)^d / (2 Π_{m=0}^{d−1} (Σ − 2mγ)), independent of j.

Every two-spin state is an X-state (U(1) symmetry), built with :func:`nesskit.twospin.xstate_rdm`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..entanglement import xstate_measures
from ..errors import ParameterError, check_int
from ..model import Model, driving_valid
from ..ness import NESS, Diagnostics
from ..twospin import xstate_rdm

#: Largest n for which :func:`solve` evaluates the residual of the correlation equations (n × n matrices).
RESIDUAL_MAX_N = 400


# -- validation ----------------------------------------------------------------------------------------------
def _first_bad(name: str, arr: np.ndarray, bad: np.ndarray, rule: str) -> None:
    if np.any(bad):
        idx = tuple(int(k) for k in np.argwhere(bad)[0])
        value = float(arr[idx]) if arr.ndim else float(arr[()])
        where = f" at index {idx}" if arr.ndim else ""
        raise ParameterError(f"{name} must be {rule}, got {value!r}{where}")


def _as_float_array(name: str, value: Any) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a real number or an array of real numbers, got {value!r}") from None
    _first_bad(name, arr, ~np.isfinite(arr), "finite")
    return arr


def _check_parameters(
    coupling_left: Any, coupling_right: Any, mu: Any, mu_bar: Any, dephasing: Any
) -> tuple[np.ndarray, ...]:
    """Validate (vectorised) Γ_L, Γ_R > 0, γ ≥ 0 and the rhombus of Eq. 10; return broadcast float arrays."""
    gl = _as_float_array("coupling_left", coupling_left)
    gr = _as_float_array("coupling_right", coupling_right)
    mu_a = _as_float_array("mu", mu)
    mb = _as_float_array("mu_bar", mu_bar)
    g = _as_float_array("dephasing", dephasing)
    _first_bad("coupling_left", gl, gl <= 0, "> 0 (allowed range: (0, inf))")
    _first_bad("coupling_right", gr, gr <= 0, "> 0 (allowed range: (0, inf))")
    _first_bad("dephasing", g, g < 0, ">= 0 (allowed range: [0, inf))")
    try:
        gl, gr, mu_a, mb, g = np.broadcast_arrays(gl, gr, mu_a, mb, g)
    except ValueError:
        raise ParameterError(
            "coupling_left, coupling_right, mu, mu_bar and dephasing must have broadcastable shapes, got "
            f"{[np.shape(x) for x in (coupling_left, coupling_right, mu, mu_bar, dephasing)]}"
        ) from None
    c = mu_a / 2 - mb
    d = mu_a / 2 + mb
    bad = ~driving_valid(mu_a, mb)
    if np.any(bad):
        idx = tuple(int(k) for k in np.argwhere(bad)[0])
        where = f" at index {idx}" if gl.ndim else ""
        raise ParameterError(
            f"(mu, mu_bar) = ({float(mu_a[idx])!r}, {float(mb[idx])!r}){where} is outside the allowed rhombus "
            f"1 ± mu/2 ± mu_bar >= 0 (Eq. 10); equivalently c = {float(c[idx])!r}, d = {float(d[idx])!r} must lie "
            "in [-1, 1]"
        )
    return gl, gr, mu_a, mb, g


def _check_sites(n: int, *sites: tuple[str, int]) -> int:
    n = check_int("n", n, 2)
    for name, k in sites:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= int(k) <= n:
            raise ParameterError(f"site {name} must be an integer in 1..{n} (1-based), got {k!r}")
    return n


def _check_pair(i: int, j: int, n: int) -> int:
    n = _check_sites(n, ("i", i), ("j", j))
    if not i < j:
        raise ParameterError(f"a pair needs 1 <= i < j <= n, got i = {i}, j = {j}")
    return n


# -- the building blocks of SPEC §4 -------------------------------------------------------------------------
def _sigma(n: int, gl: np.ndarray, gr: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Σ = Γ_L + Γ_R + 1/Γ_L + 1/Γ_R + 2γ(n − 1)."""
    return gl + gr + 1 / gl + 1 / gr + 2 * g * (n - 1)


def _u(site: int, n: int, gl: np.ndarray, gr: np.ndarray, g: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """u_j of SPEC §4 for one site (1-based)."""
    if site == 1:
        return 1 / gl + 0 * sigma
    if site == n:
        return sigma - 1 / gr
    return 1 / gl + gl + 2 * g * (site - 1) + 0 * sigma


def _u_profile(n: int, gl: np.ndarray, gr: np.ndarray, g: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """u_j for j = 1..n, shape (..., n)."""
    j = np.arange(1, n + 1, dtype=float)
    u = (1 / gl + gl)[..., None] + 2 * g[..., None] * (j - 1)
    u[..., 0] = 1 / gl
    u[..., -1] = sigma - 1 / gr
    return u


def _coherence(distance: int, n: int, mu: np.ndarray, g: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """⟨σ⁺_jσ⁻_{j+d}⟩ = (iμ)^d / (2 Π_{m<d} (Σ − 2mγ)) for d = ``distance`` ≥ 1 (SPEC §4).

    Every factor |μ|/(Σ − 2mγ) ≤ 2/4 (Σ − 2mγ ≥ Γ_L + 1/Γ_L + Γ_R + 1/Γ_R ≥ 4 for m ≤ n − 2), so the product
    is accumulated factor by factor and underflows gracefully to 0 (never overflows); the loop stops once
    every entry has underflowed.
    """
    prod = np.ones(np.broadcast(mu, g, sigma).shape)
    for m in range(distance):
        prod = prod * (mu / (sigma - 2 * m * g))
        if not np.any(prod):
            break
    phase = (1j) ** (distance % 4)
    return phase * prod / 2


# -- public vectorised API -----------------------------------------------------------------------------------
def magnetization(
    n: int, coupling_left: Any, coupling_right: Any, mu: Any, mu_bar: Any, dephasing: Any = 0.0
) -> np.ndarray:
    """Magnetization profile ⟨σᶻ_j⟩ = μ̄ − μ/2 + μ u_j/Σ, j = 1..n (SPEC §4; Eq. 13 at γ = 0).

    Returns
    -------
    ndarray, shape (..., n)
        Leading axes: the broadcast shape of the float arguments; last axis: site j = 1..n.
    """
    n = check_int("n", n, 2)
    gl, gr, mu_a, mb, g = _check_parameters(coupling_left, coupling_right, mu, mu_bar, dephasing)
    sigma = _sigma(n, gl, gr, g)
    u = _u_profile(n, gl, gr, g, sigma)
    return (mb - mu_a / 2)[..., None] + (mu_a / sigma)[..., None] * u


def current(n: int, coupling_left: Any, coupling_right: Any, mu: Any, mu_bar: Any, dephasing: Any = 0.0) -> np.ndarray:
    """Spin current t = −⟨σˣ_jσʸ_{j+1}⟩ = μ/Σ, the same on every bond (SPEC §4; Eq. 13: t = μΓ_LΓ_R/D)."""
    n = check_int("n", n, 2)
    gl, gr, mu_a, mb, g = _check_parameters(coupling_left, coupling_right, mu, mu_bar, dephasing)
    return mu_a / _sigma(n, gl, gr, g)


def pair_correlations(
    i: int, j: int, n: int, coupling_left: Any, coupling_right: Any, mu: Any, mu_bar: Any, dephasing: Any = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The four independent correlations of the pair (i, j), 1 ≤ i < j ≤ n (SPEC §4).

    Returns
    -------
    z_i, z_j, zz, pm : ndarray
        ⟨σᶻ_i⟩, ⟨σᶻ_j⟩, ⟨σᶻ_iσᶻ_j⟩ = z_i z_j − t²[K u_i v_j + (1 + K)δ_{j,i+1}] and the complex coherence
        ⟨σ⁺_iσ⁻_j⟩ = (iμ)^{j−i} / (2 Π_{m<j−i} (Σ − 2mγ)).
    """
    n = _check_pair(i, j, n)
    gl, gr, mu_a, mb, g = _check_parameters(coupling_left, coupling_right, mu, mu_bar, dephasing)
    sigma = _sigma(n, gl, gr, g)
    u_i = _u(i, n, gl, gr, g, sigma)
    u_j = _u(j, n, gl, gr, g, sigma)
    t = mu_a / sigma
    z_i = mb - mu_a / 2 + t * u_i
    z_j = mb - mu_a / 2 + t * u_j
    k = 2 * g / (sigma - 2 * g)
    connected = -(t**2) * (k * u_i * (sigma - u_j) + (1 + k) * (j == i + 1))
    zz = z_i * z_j + connected
    pm = _coherence(j - i, n, mu_a, g, sigma)
    return z_i, z_j, zz, pm


def pair_rdm(
    i: int, j: int, n: int, coupling_left: Any, coupling_right: Any, mu: Any, mu_bar: Any, dephasing: Any = 0.0
) -> np.ndarray:
    """Two-spin state ρ_ij, shape (..., 4, 4), basis ↑↑, ↑↓, ↓↑, ↓↓ (first factor site i), SPEC §2 and §4."""
    return xstate_rdm(*pair_correlations(i, j, n, coupling_left, coupling_right, mu, mu_bar, dephasing))


def pair_entanglement(
    i: int, j: int, n: int, coupling_left: Any, coupling_right: Any, mu: Any, mu_bar: Any, dephasing: Any = 0.0
) -> dict[str, np.ndarray]:
    """λ_min, negativity, log-negativity and concurrence of ρ_ij in closed form (no eigensolver).

    λ_min is the minimal eigenvalue of ρ_ij^{T_B}: min(Eq. 15/20 block eigenvalue, populations) (SPEC §3).
    """
    return xstate_measures(*pair_correlations(i, j, n, coupling_left, coupling_right, mu, mu_bar, dephasing))


# -- solver interface ----------------------------------------------------------------------------------------
def applicable(model: Model, pairs: tuple[tuple[int, int], ...] = ()) -> str | None:
    """None for the paper's uniform XX chain (any n, Γ_L ≠ Γ_R, uniform γ ≥ 0), else the reason."""
    if not model.is_uniform_xx:
        return "closed forms need the uniform XX chain (delta = 0, unit hopping, uniform field and dephasing)"
    return None


def _correlation_residual(model: Model, mag: np.ndarray, t: float) -> float:
    """‖dC/dt‖ of the 2-point fermionic equation (SPEC §4) at the closed-form C (tridiagonal).

    C_jk = ⟨c†_j c_k⟩: diagonal (1 + ⟨σᶻ_j⟩)/2, C_{j,j+1} = ⟨σ⁺_jσ⁻_{j+1}⟩ = it/2 = conj(C_{j+1,j}),
    zero beyond nearest neighbours (the string-carrying spin coherences follow from Wick's theorem).
    """
    n = model.n
    gl, gr, gamma = model.coupling_left, model.coupling_right, float(model.uniform_dephasing or 0.0)
    mu, mb = model.mu, model.mu_bar
    h = np.diag(np.full(n - 1, 2.0), 1) + np.diag(np.full(n - 1, 2.0), -1)
    cm = np.diag((1 + mag) / 2).astype(complex)
    cm += np.diag(np.full(n - 1, 0.5j * t), 1) + np.diag(np.full(n - 1, -0.5j * t), -1)
    p1 = np.zeros((n, n))
    p1[0, 0] = 1
    pn = np.zeros((n, n))
    pn[-1, -1] = 1
    rhs = (
        1j * (h @ cm - cm @ h)
        - 4 * gamma * (cm - np.diag(np.diag(cm)))
        - 2 * gl * (p1 @ cm + cm @ p1)
        - 2 * gr * (pn @ cm + cm @ pn)
        + 2 * gl * (1 - mu / 2 + mb) * p1
        + 2 * gr * (1 + mu / 2 + mb) * pn
    )
    return float(np.linalg.norm(rhs))


def solve(model: Model, **options: Any) -> NESS:
    """The NESS of the uniform XX chain from the closed forms of SPEC §3–§4, O(n) time and memory.

    ``pair_state(i, j)`` is computed lazily for any pair. Diagnostics: the residual of the 2-point
    correlation equation (SPEC §4) for n ≤ :data:`RESIDUAL_MAX_N` (None above).
    """
    if options:
        raise ParameterError(f"the closed-form method takes no options, got {sorted(options)}")
    reason = applicable(model)
    if reason is not None:
        raise ParameterError(f"method 'closed-form' cannot solve this model: {reason}")
    start = time.perf_counter()
    n = model.n
    args = (model.coupling_left, model.coupling_right, model.mu, model.mu_bar, float(model.uniform_dephasing or 0.0))
    mag = magnetization(n, *args)
    t = float(current(n, *args))
    gl, gr, mu_a, mb, g = (np.asarray(a, dtype=float) for a in args)
    sigma = _sigma(n, gl, gr, g)
    k = 2 * g / (sigma - 2 * g)
    u = _u_profile(n, gl, gr, g, sigma)
    # nearest neighbours: connected part −t²[K u_j v_{j+1} + 1 + K]
    zz = mag[:-1] * mag[1:] - t**2 * (k * u[:-1] * (sigma - u[1:]) + 1 + k)
    if n <= RESIDUAL_MAX_N:
        residual: float | None = _correlation_residual(model, mag, t)
        notes = "closed forms of SPEC §3-§4; residual of the 2-point correlation equations (SPEC §4)"
    else:
        residual = None
        notes = f"closed forms of SPEC §3-§4; residual not evaluated for n > {RESIDUAL_MAX_N}"

    return NESS(
        model=model,
        method="closed-form",
        magnetization=mag,
        current=np.full(n - 1, t),
        zz=np.asarray(zz, dtype=float),
        diagnostics=Diagnostics(residual=residual, wall_time=time.perf_counter() - start, notes=notes),
        states=ClosedFormPairs(n, *(float(a) for a in args)),
    )


@dataclass(frozen=True)
class ClosedFormPairs:
    """Two-spin states of the uniform XX chain from the closed forms (SPEC §3–§4), any pair, computed on demand."""

    n: int
    coupling_left: float
    coupling_right: float
    mu: float
    mu_bar: float
    dephasing: float

    def why_not_pair(self, i: int, j: int) -> str | None:
        """Every pair is available."""
        return None

    def pair(self, i: int, j: int) -> np.ndarray:
        """ρ_ij (4×4), 1 ≤ i < j ≤ n (:func:`pair_rdm`)."""
        return pair_rdm(i, j, self.n, self.coupling_left, self.coupling_right, self.mu, self.mu_bar, self.dephasing)
