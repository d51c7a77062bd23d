"""The exact XXZ NESS at extreme driving, for any n: Prosen's matrix-product ansatz (SPEC §8.1).

Where it is exact (checked by :func:`why_not`): γ = 0 on every site, (c, d) = (−1, −1) or (1, 1) (μ = ∓2,
μ̄ = 0), any real Δ, any Γ_L, Γ_R > 0, uniform hopping J ≠ 0 and no field or a uniform one.

Construction (SPEC §8.1, μ = −2 frame). With Δ' = Δ/|J|, ε_{L,R} = 2Γ_{L,R}/|J|, c_r = cos(rη), [r] = sin(rη)/sin η
(Δ' = cos η), κ = √(ε_R/ε_L), the auxiliary operators are A_↑ = diag(c_r − iε_R[r]/2), A_↓ = κ diag(c_r − iε_L[r]/2),
⟨r|A₋|r+1⟩ = κ[r+1], ⟨r+1|A₊|r⟩ = −(i/2)(ε_L+ε_R)c_r − (1 − Δ'² + ε_Lε_R/4)[r]; S = Σ_s ⟨0|A_{s_1}⋯A_{s_n}|0⟩
O_{s_1}⊗⋯⊗O_{s_n} (O = P↑, P↓, σ⁻, σ⁺) and ρ = S†S / Tr S†S. The state at μ = +2 (c = d = 1) is its global spin
flip; a negative uniform J is the sublattice rotation Π_{j even} σᶻ_j of the state at |J|.

Expectation values Tr(S X S†) factorise into transfer matrices on aux ⊗ conj(aux), T[x] = Σ_{s,s'}
Tr(O_{s'}†O_s x) A_s ⊗ Ā_{s'}. They keep r − r' (σᶻ-type x) or shift it by ±1 (σ^±), so Z = Tr S†S, every
population and ⟨σᶻσᶻ⟩ live in the block r = r' (a tridiagonal, non-negative transfer matrix) and ⟨σ⁺_iσ⁻_j⟩ in the
block r − r' = 1 between i and j. Numerics:

* heights are cut to min(b, n − b) on bond b (a path from ⟨0| back to |0⟩ never goes higher) and, at a root of
  unity [m] = 0, to m − 1 (exact: the auxiliary space is then m-dimensional for every n);
* for |Δ'| > 1 the entries grow like q^r, q = e^θ, θ = arccosh|Δ'|; the gauge A_s = F Â_s F, F = diag(q^{r/2}),
  leaves O(1) matrices Â_s and a weight q^{r+r'} on every inner bond, applied normalised to the highest height;
* the left and right environments of the block r = r' are kept in the log domain, entry by entry (all terms are
  non-negative, so there is no cancellation and every entry is accurate relative to itself): populations such as
  ⟨P↓_1⟩ ∝ e^{−nθ} keep full relative accuracy and the current, from the bath identities, never underflows;
* coherences (complex, block r − r' = 1) are propagated linearly, normalised at every site by the shift of the
  matching log-domain identity propagation, so they carry an absolute error of a few ulp relative to Tr ρ.

Bath identities (SPEC §1 conventions, μ = −2 frame; d⟨σᶻ_1⟩/dt = d⟨σᶻ_n⟩/dt = 0 from the Lindblad equation):
4J t_1 + 2ε_L (1 − ⟨σᶻ_1⟩) = 0 and 4J t_{n−1} + 2ε_R (1 + ⟨σᶻ_n⟩) = 0, i.e. t = −Γ_L(1 − ⟨σᶻ_1⟩)/J =
−Γ_R(1 + ⟨σᶻ_n⟩)/J, with 1 − ⟨σᶻ_1⟩ = 2⟨P↓_1⟩ and 1 + ⟨σᶻ_n⟩ = 2⟨P↑_n⟩ computed without cancellation.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..entanglement import xstate_measures_from_populations
from ..errors import ParameterError, SolverError, check_bool, check_int
from ..methods import Method
from ..model import Model
from ..ness import NESS, Diagnostics
from ..twospin import swap_spins

#: |sin(rη)| below this marks a root of unity [r] = 0 (|Δ| < 1), where the auxiliary space is cut to r states.
ROOT_TOLERANCE = 1e-13
#: Tolerance on c = d = ±1 (μ = ±2, μ̄ = 0) and on uniformity of the hopping and the field.
DRIVING_TOLERANCE = 1e-12
#: Pair sweeps cache the right-contracted site vectors (O(n²/4) numbers each) up to this n.
CACHE_SITES = 2000
#: Entries per array when every site / bond is evaluated at once (sets the chunk of bonds).
CHUNK_ENTRIES = 1_000_000
#: Largest n for :meth:`MatrixProductOperator.to_dense` (a 2ⁿ × 2ⁿ matrix).
DENSE_SITES = 12

_NEG_INF = -np.inf


# ------------------------------------------------------------------------------------------------------------
# applicability
# ------------------------------------------------------------------------------------------------------------
def why_not(model: Model, pairs: Sequence[tuple[int, int]] = ()) -> str | None:
    """None if SPEC §8.1 gives the exact NESS of ``model``, else which condition fails and why.

    Conditions: γ = 0 on every site; (c, d) = (1, 1) or (−1, −1); uniform hopping J ≠ 0; no field or a
    uniform one. Any real Δ, any Γ_L, Γ_R > 0 and any pair (i, j) are fine.
    """
    if not isinstance(model, Model):
        return f"model must be a nesskit.Model, got {type(model).__name__}"
    gam = np.asarray(model.dephasing_profile)
    if np.any(gam != 0):
        return (f"dephasing gamma = {float(np.max(gam)):g} != 0: the matrix-product NESS (SPEC §8.1) exists only "
                "without dephasing (no exact solution is known for gamma > 0 with delta != 0, SPEC §8.2)")
    if abs(model.mu_bar) > DRIVING_TOLERANCE or abs(abs(model.mu) - 2) > DRIVING_TOLERANCE:
        return (f"driving (c, d) = ({model.c:g}, {model.d:g}): the matrix-product NESS (SPEC §8.1) needs extreme "
                "driving c = d = 1 or c = d = -1 (mu = ±2, mu_bar = 0), where each bath pumps in one direction")
    hop = np.asarray(model.hopping_profile)
    if np.ptp(hop) > DRIVING_TOLERANCE * max(1.0, float(np.max(np.abs(hop)))):
        return ("non-uniform hopping J_j: the NESS is that of delta/J and Gamma/J only when J is the same on every "
                "bond (a uniform J is a rescaling of time); SPEC §8.1 does not cover site-dependent J")
    if hop[0] == 0:
        return "hopping J = 0: the chain is disconnected and the NESS is not unique"
    fld = np.asarray(model.field_profile)
    if np.ptp(fld) > DRIVING_TOLERANCE * max(1.0, float(np.max(np.abs(fld)))):
        return ("site-dependent fields h_j: only a uniform field leaves the NESS unchanged (it commutes with the "
                "total magnetization); SPEC §8.1 does not cover non-uniform fields")
    n = model.n
    for pair in pairs:
        i, j = pair
        if not (1 <= i <= n and 1 <= j <= n and i != j):
            return f"pair {pair!r} is not two different sites in 1..{n}"
    return None


# ------------------------------------------------------------------------------------------------------------
# coefficients of the auxiliary operators (gauge-scaled, O(1) for every Δ)
# ------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Coefficients:
    """The gauge-scaled auxiliary operators Â_s of SPEC §8.1 on heights r = 0..size−1 (leading axes: a batch).

    ``A_s = F Â_s F`` with F = diag(q^{r/2}), q = e^θ (θ = arccosh|Δ'| for |Δ'| > 1, else θ = 0).

    Attributes
    ----------
    theta : ndarray, shape (...)
        log q.
    up, down : ndarray, shape (..., size)
        Diagonals of Â_↑ and Â_↓.
    raise_ : ndarray, shape (..., size)
        ``raise_[r]`` = ⟨r|Â₋|r+1⟩ (goes with σ⁻).
    lower : ndarray, shape (..., size)
        ``lower[r]`` = ⟨r+1|Â₊|r⟩ (goes with σ⁺).
    cut : int
        Number of auxiliary states reachable (m at a root of unity [m] = 0, else ``size``).
    """

    theta: np.ndarray
    up: np.ndarray
    down: np.ndarray
    raise_: np.ndarray
    lower: np.ndarray
    cut: int


def q_numbers(delta: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scaled c_r and [r] for r = 0..size−1: c_r = q^r ĉ_r, [r] = q^r [r]^ (q = 1 for |Δ| ≤ 1); and θ = log q.

    |Δ| < 1: c_r = cos rη, [r] = sin rη / sin η; Δ = ±1: c_r = (±1)^r, [r] = (±1)^{r+1} r; |Δ| > 1 (Δ = ±cosh θ):
    c_r = (±1)^r cosh rθ, [r] = (±1)^{r+1} sinh rθ / sinh θ, scaled by e^{−rθ} (SPEC §8.1, notation).
    """
    delta = np.asarray(delta, dtype=float)
    r = np.arange(size, dtype=float)
    shape = delta.shape + (size,)
    c = np.empty(shape)
    b = np.empty(shape)
    theta = np.zeros(delta.shape)
    ad = np.abs(delta)
    inside = ad < 1
    one = ad == 1
    outside = ad > 1
    with np.errstate(invalid="ignore", divide="ignore"):
        eta = np.arccos(np.clip(delta, -1, 1))
        ce = np.cos(r * eta[..., None])
        se = np.sin(r * eta[..., None]) / np.sin(eta)[..., None]
        sgn = np.where(delta < 0, -1.0, 1.0)[..., None]
        par = sgn ** r
        th = np.arccosh(np.where(outside, ad, 2.0))
        ch = par * (1 + np.exp(-2 * r * th[..., None])) / 2
        sh = par * sgn * (-np.expm1(-2 * r * th[..., None])) / (2 * np.sinh(th))[..., None]
    c[...] = np.where(inside[..., None], ce, np.where(one[..., None], par, ch))
    b[...] = np.where(inside[..., None], se, np.where(one[..., None], par * sgn * r, sh))
    theta = np.where(outside, th, 0.0)
    return c, b, theta


def coefficients(delta: Any, eps_left: Any, eps_right: Any, size: int, truncate: bool = True) -> Coefficients:
    """The auxiliary operators of SPEC §8.1 (μ = −2 frame, J = 1) for Δ, ε_L = 2Γ_L, ε_R = 2Γ_R, scaled.

    ``truncate`` (scalar Δ only): at a root of unity (|sin(mη)| < :data:`ROOT_TOLERANCE`, |Δ| < 1) set
    ``cut = m`` so that the heights ≥ m, which [m] = 0 disconnects, are never used.
    """
    delta = np.asarray(delta, dtype=float)
    el = np.asarray(eps_left, dtype=float)
    er = np.asarray(eps_right, dtype=float)
    delta, el, er = np.broadcast_arrays(delta, el, er)
    c, b, theta = q_numbers(delta, size + 1)
    kappa = np.sqrt(er / el)[..., None]
    sq = np.exp(theta / 2)[..., None]
    up = c[..., :size] - 0.5j * er[..., None] * b[..., :size]
    down = kappa * (c[..., :size] - 0.5j * el[..., None] * b[..., :size])
    raise_ = kappa * sq * b[..., 1:size + 1]
    lower = (-0.5j * (el + er)[..., None] * c[..., :size]
             - (1 - delta**2 + el * er / 4)[..., None] * b[..., :size]) / sq
    cut = size
    if truncate and delta.ndim == 0 and abs(float(delta)) < 1:
        eta = math.acos(float(delta))
        for m in range(1, size + 1):
            if abs(math.sin(m * eta)) < ROOT_TOLERANCE:
                cut = m
                break
    return Coefficients(theta=np.asarray(theta), up=up, down=down, raise_=raise_ + 0j, lower=lower, cut=cut)


# ------------------------------------------------------------------------------------------------------------
# transfer-matrix steps on tridiagonal blocks. Convention for a block transfer T with rows = left height:
# T[r, r] = d[r], T[r, r+1] = u[r] (one step up), T[r+1, r] = l[r] (one step down).
# ------------------------------------------------------------------------------------------------------------
def _pad_left(x: np.ndarray, length: int, fill: float | complex) -> np.ndarray:
    """x (..., Lx) → xp (..., length + 2) with xp[..., k + 1] = x[..., k] for k < min(Lx, length + 1)."""
    xp = np.full(x.shape[:-1] + (length + 2,), fill, dtype=x.dtype)
    k = min(x.shape[-1], length + 1)
    xp[..., 1:1 + k] = x[..., :k]
    return xp


def _shift_up(a: np.ndarray, fill: float | complex) -> np.ndarray:
    """b[..., r] = a[..., r − 1], b[..., 0] = fill."""
    b = np.empty_like(a)
    b[..., 0] = fill
    b[..., 1:] = a[..., :-1]
    return b


def _logsumexp3(t0: np.ndarray, t1: np.ndarray, t2: np.ndarray) -> np.ndarray:
    """log(e^t0 + e^t1 + e^t2) elementwise (−inf allowed), ~3× faster than two np.logaddexp."""
    m = np.maximum(np.maximum(t0, t1), t2)
    m[~np.isfinite(m)] = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.exp(t0 - m)
        t += np.exp(t1 - m)
        t += np.exp(t2 - m)
        np.log(t, out=t)
    t += m
    return t


def _log_left(x: np.ndarray, length: int, d: np.ndarray, u_prev: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """log(exp(x) T) on heights 0..length−1 (log domain; T non-negative, given by log d, log u shifted up, log l)."""
    xp = _pad_left(x, length, _NEG_INF)
    t0 = xp[..., 1:length + 1] + d[..., :length]
    t1 = xp[..., 0:length] + u_prev[..., :length]
    t2 = xp[..., 2:length + 2] + lo[..., :length]
    return _logsumexp3(t0, t1, t2)


def _log_right(x: np.ndarray, length: int, d: np.ndarray, u: np.ndarray, lo_prev: np.ndarray) -> np.ndarray:
    """log(T exp(x)) on heights 0..length−1 (log domain; log l shifted up)."""
    xp = _pad_left(x, length, _NEG_INF)
    t0 = xp[..., 1:length + 1] + d[..., :length]
    t1 = xp[..., 2:length + 2] + u[..., :length]
    t2 = xp[..., 0:length] + lo_prev[..., :length]
    return _logsumexp3(t0, t1, t2)


def _lin_left(x: np.ndarray, length: int, d: np.ndarray, u_prev: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """x T on heights 0..length−1 (linear, complex; u shifted up by one height)."""
    xp = _pad_left(x, length, 0)
    return (xp[..., 1:length + 1] * d[..., :length] + xp[..., 0:length] * u_prev[..., :length]
            + xp[..., 2:length + 2] * lo[..., :length])


def _logsumexp(x: np.ndarray) -> np.ndarray:
    m = np.max(x, axis=-1)
    mm = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return mm + np.log(np.sum(np.exp(x - mm[..., None]), axis=-1))


def _log(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(x)


@dataclass(frozen=True)
class _Transfers:
    """Per-height transfer coefficients (logs for the r = r' block, complex for the r − r' = 1 block)."""

    theta: np.ndarray
    # block r = r' (log domain): P↑ has diagonal |â↑|² and step up |â₋|²; P↓ diagonal |â↓|² and step down |â₊|²
    lu_d: np.ndarray
    lu_u: np.ndarray
    ld_d: np.ndarray
    ld_l: np.ndarray
    l1_d: np.ndarray
    # block r − r' = 1, indexed by the bra height r' (linear, complex)
    p_d: np.ndarray
    p_u: np.ndarray
    p_l: np.ndarray
    # 0 → +1 (σ⁺): out[r'] = x[r'] g1[r'] + x[r'+1] g2[r'];  +1 → 0 (σ⁻): out[r] = y[r] f1[r] + y[r−1] f2[r−1]
    g1: np.ndarray
    g2: np.ndarray
    f1: np.ndarray
    f2: np.ndarray
    # log-domain (d, u, l) per operator "1", "u" (P↑), "d" (P↓), with u resp. l shifted up by one height
    log_left: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)
    log_right: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)
    p_u_prev: np.ndarray | None = None
    f2_prev: np.ndarray | None = None


def _transfers(co: Coefficients) -> _Transfers:
    a_u, a_d, a_m, a_p = co.up, co.down, co.raise_, co.lower
    zero = np.zeros(a_u.shape[:-1] + (1,), dtype=complex)
    lu_d = _log(np.abs(a_u) ** 2)
    lu_u = _log(np.abs(a_m) ** 2)
    ld_d = _log(np.abs(a_d) ** 2)
    ld_l = _log(np.abs(a_p) ** 2)
    p_d = np.concatenate([a_u[..., 1:] * np.conj(a_u[..., :-1]) + a_d[..., 1:] * np.conj(a_d[..., :-1]), zero], -1)
    p_u = np.concatenate([a_m[..., 1:] * np.conj(a_m[..., :-1]), zero], -1)
    p_l = np.concatenate([a_p[..., 1:] * np.conj(a_p[..., :-1]), zero], -1)
    g1 = a_m * np.conj(a_d)
    g2 = np.concatenate([a_u[..., 1:] * np.conj(a_p[..., :-1]), zero], -1)
    f1 = a_p * np.conj(a_u)
    f2 = np.concatenate([a_d[..., 1:] * np.conj(a_m[..., :-1]), zero], -1)
    l1_d = np.logaddexp(lu_d, ld_d)
    ninf = np.full_like(lu_d, _NEG_INF)
    ops = {"1": (l1_d, lu_u, ld_l), "u": (lu_d, lu_u, ninf), "d": (ld_d, ninf, ld_l)}
    log_left = {k: (d, _shift_up(u, _NEG_INF), lo) for k, (d, u, lo) in ops.items()}
    log_right = {k: (d, u, _shift_up(lo, _NEG_INF)) for k, (d, u, lo) in ops.items()}
    return _Transfers(theta=np.asarray(co.theta), lu_d=lu_d, lu_u=lu_u, ld_d=ld_d, ld_l=ld_l,
                      l1_d=l1_d, p_d=p_d, p_u=p_u, p_l=p_l, g1=g1, g2=g2, f1=f1, f2=f2,
                      log_left=log_left, log_right=log_right, p_u_prev=_shift_up(p_u, 0), f2_prev=_shift_up(f2, 0))


def _step_log_left(tr: _Transfers, x: np.ndarray, length: int, op: str) -> np.ndarray:
    """Block r = r' left step for op ∈ {"1", "u", "d"} (identity, P↑, P↓)."""
    return _log_left(x, length, *tr.log_left[op])


def _step_log_right(tr: _Transfers, x: np.ndarray, length: int, op: str) -> np.ndarray:
    """Block r = r' right step for op ∈ {"1", "u", "d"}."""
    return _log_right(x, length, *tr.log_right[op])


def _raise(tr: _Transfers, x: np.ndarray, length: int) -> np.ndarray:
    """σ⁺ at a site: block 0 (heights of x) → block +1 with ``length`` entries (bra heights 0..length−1)."""
    xp = _pad_left(x, length, 0)
    return xp[..., 1:length + 1] * tr.g1[..., :length] + xp[..., 2:length + 2] * tr.g2[..., :length]


def _lower(tr: _Transfers, y: np.ndarray, length: int) -> np.ndarray:
    """σ⁻ at a site: block +1 (entries of y) → block 0 with ``length`` entries."""
    yp = _pad_left(y, length, 0)
    assert tr.f2_prev is not None
    return yp[..., 1:length + 1] * tr.f1[..., :length] + yp[..., 0:length] * tr.f2_prev[..., :length]


def _coherence_nn(tr: _Transfers, a: np.ndarray, c: np.ndarray, wpj: np.ndarray, width: int,
                  lz: np.ndarray) -> np.ndarray:
    """Σ_r [σ⁻ ∘ (σ⁺ e^a · e^{wpj})][r] e^{c[r]} / e^{lz} term by term in the log domain.

    The same sum as ``np.sum(_lower(tr, _raise(tr, e^a, width) e^{wpj}, width) e^c) e^{−lz}``, but every one of its
    four terms keeps its own exponent and each row is scaled by its largest term, so nothing over- or underflows
    where the left and right environments overlap only far below their own maxima (|lz| ≳ 700; n ≳ 10⁴).
    """
    def shift(arr: np.ndarray, k: int, fill: float | complex) -> np.ndarray:
        out = np.full(arr.shape[:-1] + (width,), fill, dtype=arr.dtype)
        lo, hi = max(0, -k), min(width, arr.shape[-1] - k)
        if hi > lo:
            out[..., lo:hi] = arr[..., lo + k:hi + k]
        return out

    assert tr.f2_prev is not None
    g1, g2 = tr.g1[..., :width], tr.g2[..., :width]
    f1, f2p = tr.f1[..., :width], tr.f2_prev[..., :width]
    wq = shift(wpj, -1, _NEG_INF)
    # out[r] = y[r] f1[r] + y[r−1] f2p[r],  y[r] = (x[r] g1[r] + x[r+1] g2[r]) e^{wpj[r]},  x = e^a
    terms = [(a, g1 * f1, wpj), (shift(a, 1, _NEG_INF), g2 * f1, wpj),
             (shift(a, -1, _NEG_INF), shift(g1, -1, 0j) * f2p, wq), (a, shift(g2, -1, 0j) * f2p, wq)]
    exps, phases = [], []
    for la, coef, w in terms:
        mag = np.abs(coef)
        with np.errstate(divide="ignore", invalid="ignore"):
            exps.append(la + w + c + np.where(mag > 0, np.log(np.where(mag > 0, mag, 1.0)), _NEG_INF))
            phases.append(np.broadcast_to(np.where(mag > 0, coef / np.where(mag > 0, mag, 1.0), 0j), exps[-1].shape))
    e = np.stack(exps)
    top = np.max(e, axis=(0, -1))
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(invalid="ignore", over="ignore"):
        val = np.sum(np.exp(e - top[None, ..., None]) * np.stack(phases), axis=(0, -1))
        return val * np.exp(top - lz)


def _band_log(m: np.ndarray, e: np.ndarray, length: int,
              bands: Sequence[tuple[int, np.ndarray | None]]) -> tuple[np.ndarray, np.ndarray]:
    """Log-domain form of out[s] = Σ_(k, coef) x[s + k] coef[s] (s < ``length``; x = 0 beyond its own length).

    x[s] = m[s] e^{e[s]} with a complex mantissa and one exponent per entry (the linear maps :func:`_raise`,
    :func:`_lower` and :func:`_lin_left` of the coherence block, without under- or overflow at any n: the
    entries of a coherence vector span far more than the double range once n ≳ 10⁴).
    """
    lx = e.shape[-1]
    exps, mans = [], []
    for k, coef in bands:
        assert coef is not None
        ee = np.full(e.shape[:-1] + (length,), _NEG_INF)
        mm = np.zeros(m.shape[:-1] + (length,), dtype=complex)
        lo, hi = max(0, -k), min(length, lx - k)
        if hi > lo:
            ee[..., lo:hi] = e[..., lo + k:hi + k]
            mm[..., lo:hi] = m[..., lo + k:hi + k]
        cf = coef[..., :length]
        if cf.shape[-1] < length:
            cf = np.concatenate([cf, np.zeros(cf.shape[:-1] + (length - cf.shape[-1],), dtype=cf.dtype)], -1)
        mag = np.abs(cf)
        with np.errstate(divide="ignore", invalid="ignore"):
            exps.append(ee + np.where(mag > 0, np.log(np.where(mag > 0, mag, 1.0)), _NEG_INF))
            mans.append(mm * np.where(mag > 0, cf / np.where(mag > 0, mag, 1.0), 0j))
    big = np.max(np.stack(exps), axis=0)
    safe = np.where(np.isfinite(big), big, 0.0)
    with np.errstate(invalid="ignore"):
        tot = np.sum(np.stack(mans) * np.exp(np.stack(exps) - safe), axis=0)
    mag = np.abs(tot)
    ok = mag > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return (np.where(ok, tot / np.where(ok, mag, 1.0), 0j),
                np.where(ok, safe + np.log(np.where(ok, mag, 1.0)), _NEG_INF))


def _log_dot(m: np.ndarray, e: np.ndarray, c: np.ndarray, log_norm: np.ndarray) -> np.ndarray:
    """Σ_r m[r] e^{e[r] + c[r]} / e^{log_norm}, scaled by the largest term (no under- or overflow)."""
    x = e + c
    big = np.max(x, axis=-1)
    safe = np.where(np.isfinite(big), big, 0.0)
    with np.errstate(invalid="ignore", over="ignore"):
        return np.sum(m * np.exp(x - safe[..., None]), axis=-1) * np.exp(safe - log_norm)


# ------------------------------------------------------------------------------------------------------------
# the chain: environments and observables (μ = −2 frame, J = 1)
# ------------------------------------------------------------------------------------------------------------
def heights(n: int, cut: int) -> np.ndarray:
    """Highest auxiliary height on bonds b = 0..n: min(b, n − b, cut − 1)."""
    b = np.arange(n + 1)
    return np.minimum(np.minimum(b, n - b), cut - 1)


def _bond_log_weight(theta: np.ndarray, h: int, offset: int = 0) -> np.ndarray:
    """log of the gauge weight q^{r+r'} on a bond, normalised to its top: (2r + offset − 2h)θ, r = 0..h(−1)."""
    length = h + 1 if offset == 0 else h
    r = np.arange(length, dtype=float)
    return (2 * r + offset - 2 * h) * np.asarray(theta)[..., None]


def _offsets(h: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(h + 1)]).astype(np.int64)


#: Linear-arithmetic environments are kept when no reachable entry falls below this (relative to the max of its
#: vector); otherwise that parameter set is redone entry by entry in the log domain.
LINEAR_FLOOR = 1e-250


def _lin_right(x: np.ndarray, length: int, d: np.ndarray, u: np.ndarray, lo_prev: np.ndarray) -> np.ndarray:
    """T x on heights 0..length−1 (linear; l shifted up by one height)."""
    xp = _pad_left(x, length, 0)
    return (xp[..., 1:length + 1] * d[..., :length] + xp[..., 2:length + 2] * u[..., :length]
            + xp[..., 0:length] * lo_prev[..., :length])


def _environments_log(chain: _Chain) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Left/right environments entry by entry in the log domain (always accurate, ~5× slower than linear)."""
    n, h, off, w, tr = chain.n, chain.h, chain.off, chain.w, chain.tr
    total = int(off[-1])
    right_flat = np.zeros(chain.batch + (total,))
    left_flat = np.zeros(chain.batch + (total,))
    left_shift = np.zeros(chain.batch + (n + 1,))
    x = np.zeros(chain.batch + (1,))
    for b in range(n, 0, -1):
        x = _step_log_right(tr, x + w[b], int(h[b - 1]) + 1, "1")
        x = x - np.max(x, axis=-1, keepdims=True)
        right_flat[..., off[b - 1]:off[b]] = x
    x = np.zeros(chain.batch + (1,))
    for b in range(1, n + 1):
        x = _step_log_left(tr, x + w[b - 1], int(h[b]) + 1, "1")
        sh = np.max(x, axis=-1, keepdims=True)
        x = x - sh
        left_shift[..., b] = sh[..., 0]
        left_flat[..., off[b]:off[b + 1]] = x
    return left_flat, right_flat, left_shift


def _environments_linear(chain: _Chain) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The same in linear arithmetic with per-site normalisation (all terms ≥ 0, so equally accurate while no
    entry underflows); also returns the batch mask of parameter sets where some entry fell below LINEAR_FLOOR."""
    n, h, off, w, tr = chain.n, chain.h, chain.off, chain.w, chain.tr
    total = int(off[-1])
    d1, ul, ll = tr.log_left["1"]
    d1, ul, ll = np.exp(d1), np.exp(ul), np.exp(ll)
    _, ur, lr = tr.log_right["1"]
    ur, lr = np.exp(ur), np.exp(lr)
    ew = [np.exp(wb) for wb in w]
    right_flat = np.zeros(chain.batch + (total,))
    left_flat = np.zeros(chain.batch + (total,))
    left_shift = np.zeros(chain.batch + (n + 1,))
    x = np.ones(chain.batch + (1,))
    for b in range(n, 0, -1):
        x = _lin_right(x * ew[b], int(h[b - 1]) + 1, d1, ur, lr)
        x = x / np.max(x, axis=-1, keepdims=True)
        right_flat[..., off[b - 1]:off[b]] = x
    x = np.ones(chain.batch + (1,))
    for b in range(1, n + 1):
        x = _lin_left(x * ew[b - 1], int(h[b]) + 1, d1, ul, ll)
        sh = np.max(x, axis=-1, keepdims=True)
        x = x / sh
        left_shift[..., b] = np.log(sh[..., 0])
        left_flat[..., off[b]:off[b + 1]] = x
    bad = (np.min(left_flat, axis=-1) < LINEAR_FLOOR) | (np.min(right_flat, axis=-1) < LINEAR_FLOOR)
    bad |= ~np.all(np.isfinite(left_shift), axis=-1)
    with np.errstate(divide="ignore"):
        return np.log(left_flat), np.log(right_flat), left_shift, bad


def _sub_chain(chain: _Chain, co: Coefficients, idx: tuple[np.ndarray, ...]) -> _Chain:
    sub = Coefficients(theta=np.asarray(co.theta)[idx], up=co.up[idx], down=co.down[idx], raise_=co.raise_[idx],
                       lower=co.lower[idx], cut=co.cut)
    out = _Chain.__new__(_Chain)
    out._setup(chain.n, sub)
    return out


def _environments(chain: _Chain, co: Coefficients) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Linear environments where they are safe (tried for |Δ| < 1, θ = 0), log-domain ones elsewhere.

    For |Δ| ≥ 1 the entries of one environment spread over far more than the double range (super-exponentially
    in the height at Δ = ±1, like e^{−2θk²} for |Δ| > 1), so those go straight to the log domain.
    """
    theta = np.asarray(co.theta)
    if chain.batch == ():
        if float(theta) == 0:
            left_flat, right_flat, left_shift, bad = _environments_linear(chain)
            if not bool(bad):
                return left_flat, right_flat, left_shift
        left_flat, right_flat, left_shift = _environments_log(chain)
    else:
        total = int(chain.off[-1])
        left_flat = np.zeros(chain.batch + (total,))
        right_flat = np.zeros(chain.batch + (total,))
        left_shift = np.zeros(chain.batch + (chain.n + 1,))
        todo = theta != 0
        lin = np.nonzero(~todo)
        if not np.any(todo):
            left_flat, right_flat, left_shift, bad = _environments_linear(chain)
            if not np.any(bad):
                return left_flat, right_flat, left_shift
            todo = bad.copy()
            lin = (np.zeros(0, dtype=int),) * len(chain.batch)
        elif np.all(todo):
            return _environments_log(chain)
        if lin[0].size:
            lf, rf, ls, bad = _environments_linear(_sub_chain(chain, co, lin))
            left_flat[lin], right_flat[lin], left_shift[lin] = lf, rf, ls
            todo[tuple(k[bad] for k in lin)] = True
        log = np.nonzero(todo)
        if log[0].size:
            lf, rf, ls = _environments_log(_sub_chain(chain, co, log))
            left_flat[log], right_flat[log], left_shift[log] = lf, rf, ls
    if not (np.all(np.isfinite(left_shift)) and np.all(np.isfinite(right_flat[..., chain.off[0]]))):
        raise SolverError("the matrix-product transfer products are not finite (log Z is not finite); "
                          "this should not happen for valid parameters: report the model")
    return left_flat, right_flat, left_shift


class _Chain:
    """Log-domain environments of the block r = r' (one parameter set, or a batch along leading axes).

    ``left_flat[..., off[b]:off[b+1]]`` is log V_b on bond b = 0..n (the product of sites 1..b applied to ⟨0,0|,
    without the weight of bond b), normalised to max 0; ``right_flat`` likewise log W_b (sites b+1..n applied to
    |0,0⟩). ``left_shift[..., b]`` is the log of the normalisation removed at site b (so Σ_b left_shift = log Z).
    """

    def __init__(self, n: int, co: Coefficients, left_flat: np.ndarray | None = None,
                 right_flat: np.ndarray | None = None, left_shift: np.ndarray | None = None) -> None:
        self._setup(n, co)
        if left_flat is None or right_flat is None or left_shift is None:
            left_flat, right_flat, left_shift = _environments(self, co)
        self.left_flat = left_flat
        self.right_flat = right_flat
        self.left_shift = left_shift
        self._cache: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def _setup(self, n: int, co: Coefficients) -> None:
        self.n = n
        self.tr = _transfers(co)
        self.h = heights(n, co.cut)
        self.off = _offsets(self.h)
        self.batch = np.asarray(co.theta).shape
        w0: dict[int, np.ndarray] = {}
        w1: dict[int, np.ndarray] = {}
        for hb in set(int(x) for x in self.h):
            w0[hb] = _bond_log_weight(co.theta, hb)
            w1[hb] = _bond_log_weight(co.theta, hb, 1)
        self.w = [w0[int(hb)] for hb in self.h]
        self.wp = [w1[int(hb)] for hb in self.h]

    def left(self, b: int) -> np.ndarray:
        return self.left_flat[..., self.off[b]:self.off[b + 1]]

    def right(self, b: int) -> np.ndarray:
        return self.right_flat[..., self.off[b]:self.off[b + 1]]

    # -- one site ------------------------------------------------------------------------------------------
    def site_log_populations(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """log⟨P↑_j⟩·Z, log⟨P↓_j⟩·Z up to a common constant (site j = 1..n); their logaddexp is log Z."""
        a = self.left(j - 1) + self.w[j - 1]
        c = self.w[j] + self.right(j)
        length = int(self.h[j]) + 1
        lu = _logsumexp(_step_log_left(self.tr, a, length, "u") + c)
        ld = _logsumexp(_step_log_left(self.tr, a, length, "d") + c)
        return lu, ld

    def log_norm_spread(self) -> float:
        """max − min over bonds of log Z computed at each bond (0 in exact arithmetic)."""
        vals = [_logsumexp(self.left(b) + self.w[b] + self.right(b)) for b in range(self.n + 1)]
        arr = np.stack(vals, axis=-1) + np.cumsum(self.left_shift, axis=-1)
        # the right environments are normalised per site too; compare log Z_b − log Z_0 of the left factor only
        return float(np.max(np.abs(np.diff(arr, axis=-1)))) if arr.shape[-1] > 1 else 0.0

    # -- pairs ---------------------------------------------------------------------------------------------
    def _site_right(self, j: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For site j: log(T_{P↑} c), log(T_{P↓} c) stacked (2, ..., h_{j−1}+1), and exp(c) with c = w_j + log W_j
        shifted to max 0 (c is the right environment at bond j seen from site j)."""
        hit = self._cache.get(j)
        if hit is not None:
            return hit
        c = self.w[j] + self.right(j)
        c = c - np.max(c, axis=-1, keepdims=True)
        length = int(self.h[j - 1]) + 1
        cc = np.stack([_step_log_right(self.tr, c, length, "u"), _step_log_right(self.tr, c, length, "d")])
        out = (cc, np.exp(c), c)
        if self.n <= CACHE_SITES:
            self._cache[j] = out
        return out

    def row(self, i: int, stop: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (i, j), j = i+1..stop, in one sweep (μ = −2 frame, J = 1).

        Returns populations p[..., j − i − 1, (uu, ud, du, dd)] (normalised) and coherences ⟨σ⁺_iσ⁻_j⟩[..., j − i − 1].
        """
        n = self.n
        stop = n if stop is None else stop
        tr = self.tr
        h = self.h
        a = self.left(i - 1) + self.w[i - 1]
        a = a - np.max(a, axis=-1, keepdims=True)
        length = int(h[i]) + 1
        x = np.stack([_step_log_left(tr, a, length, "u"), _step_log_left(tr, a, length, "d")])  # (2, ..., L)
        ym, ye = _band_log(np.ones(a.shape, dtype=complex), a, int(h[i]), [(0, tr.g1), (1, tr.g2)])
        pops = []
        cohs = []
        for j in range(i + 1, stop + 1):
            length = int(h[j]) + 1
            cc, _, cl = self._site_right(j)
            xw = x + self.w[j - 1]
            ye_w = ye + self.wp[j - 1]
            # p[σ_i, σ_j] = Σ_r exp(xw[σ_i, r] + cc[σ_j, r])
            p = np.moveaxis(_logsumexp(xw[:, None] + cc[None, :]).reshape((4,) + xw.shape[1:-1]), 0, -1)
            lz = _logsumexp(p)
            zm, ze = _band_log(ym, ye_w, length, [(0, tr.f1), (-1, tr.f2_prev)])
            coh = _log_dot(zm, ze, cl, lz)
            pops.append(np.exp(p - lz[..., None]))
            cohs.append(coh)
            if j == stop:
                break
            x = _step_log_left(tr, xw, length, "1")
            assert tr.p_u_prev is not None
            ym, ye = _band_log(ym, ye_w, int(h[j]), [(0, tr.p_d), (-1, tr.p_u_prev), (1, tr.p_l)])
            s = np.max(x, axis=(0, -1), keepdims=True)
            x = x - s
            ye = ye - s[0]
        return np.stack(pops, axis=-2), np.stack(cohs, axis=-1)

    # -- every site and every bond at once (padded to the widest bond, in chunks of bonds) ----------------------
    def _rows(self, flat: np.ndarray, bonds: np.ndarray, weights: list[np.ndarray], width: int) -> np.ndarray:
        """Stack log environment + log bond weight of ``bonds`` into (len(bonds), ..., width), padded with −inf."""
        out = np.full((len(bonds),) + self.batch + (width,), _NEG_INF)
        for k, b in enumerate(bonds):
            lo, hi = self.off[b], self.off[b + 1]
            out[k, ..., :hi - lo] = flat[..., lo:hi] + weights[b]
        return out

    def _chunks(self, count: int) -> list[np.ndarray]:
        """Consecutive index ranges 0..count−1 (sites j − 1 or bonds j − 1) sized so that rows × width stays below
        :data:`CHUNK_ENTRIES`, the width being the widest bond the chunk touches (heights change by one per site)."""
        per_param = max(1, int(np.prod(self.batch, dtype=np.int64)))
        out = []
        lo = 0
        while lo < count:
            hi = lo + 1
            width = int(np.max(self.h[lo:lo + 3])) + 2
            while hi < count:
                w_next = max(width, int(np.max(self.h[hi:hi + 3])) + 2)
                if (hi + 1 - lo) * w_next * per_param > CHUNK_ENTRIES:
                    break
                width = w_next
                hi += 1
            out.append(np.arange(lo, hi))
            lo = hi
        return out

    def _width(self, first: int, last: int) -> int:
        return int(np.max(self.h[first:last + 1])) + 1

    def profile(self) -> tuple[np.ndarray, np.ndarray]:
        """log⟨P↑_j⟩, log⟨P↓_j⟩ (normalised: logaddexp = 0), shape (..., n), all sites at once."""
        tr = self.tr
        lu_parts, ld_parts = [], []
        for sites in self._chunks(self.n):
            j = sites + 1
            width = self._width(int(j[0]) - 1, int(j[-1]))
            a = self._rows(self.left_flat, j - 1, self.w, width)
            c = self._rows(self.right_flat, j, self.w, width)
            lu_parts.append(_logsumexp(_step_log_left(tr, a, width, "u") + c))
            ld_parts.append(_logsumexp(_step_log_left(tr, a, width, "d") + c))
        lu = np.moveaxis(np.concatenate(lu_parts, axis=0), 0, -1)
        ld = np.moveaxis(np.concatenate(ld_parts, axis=0), 0, -1)
        lz = np.logaddexp(lu, ld)
        return lu - lz, ld - lz

    def nearest_neighbours(self, log: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Populations (..., n − 1, 4) and coherences (..., n − 1) of every bond (j, j + 1), all bonds at once.

        ``log=True``: the logarithms of the populations (relative accuracy even where they underflow)."""
        tr = self.tr
        pops_parts, coh_parts = [], []
        for bonds in self._chunks(self.n - 1):
            j = bonds + 1
            width = self._width(int(j[0]) - 1, int(j[-1]) + 1)
            a = self._rows(self.left_flat, j - 1, self.w, width)
            a = a - np.max(a, axis=-1, keepdims=True)
            c = self._rows(self.right_flat, j + 1, self.w, width)
            c = c - np.max(c, axis=-1, keepdims=True)
            wj = self._rows(np.zeros(self.batch + (int(self.off[-1]),)), j, self.w, width)
            wpj = np.full((len(j),) + self.batch + (width,), _NEG_INF)
            for k, b in enumerate(j):
                wpj[k, ..., :int(self.h[b])] = self.wp[b]
            x = np.stack([_step_log_left(tr, a, width, "u"), _step_log_left(tr, a, width, "d")]) + wj
            cc = np.stack([_step_log_right(tr, c, width, "u"), _step_log_right(tr, c, width, "d")])
            p = np.moveaxis(_logsumexp(x[:, None] + cc[None, :]).reshape((4,) + x.shape[1:-1]), 0, -1)
            lz = _logsumexp(p)
            coh = _coherence_nn(tr, a, c, wpj, width, lz)
            pops_parts.append(p - lz[..., None] if log else np.exp(p - lz[..., None]))
            coh_parts.append(coh)
        pops = np.moveaxis(np.concatenate(pops_parts, axis=0), 0, -2)
        return pops, np.moveaxis(np.concatenate(coh_parts, axis=0), 0, -1)


# ------------------------------------------------------------------------------------------------------------
# frames: μ = −2, J > 0 (canonical) → the model's (c = d = ±1, sign of J)
# ------------------------------------------------------------------------------------------------------------
def _to_frame(pops: np.ndarray, coh: np.ndarray, distance: np.ndarray | int, sign: int, hop_sign: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """Populations (uu, ud, du, dd) and ⟨σ⁺_iσ⁻_j⟩ of the canonical state mapped to c = d = ``sign``, J ≷ 0.

    c = d = 1 is the global spin flip (uu ↔ dd, ud ↔ du, ⟨σ⁺σ⁻⟩ → its conjugate); J < 0 is the sublattice rotation
    Π_{j even} σᶻ_j (⟨σ⁺_iσ⁻_j⟩ → (−1)^{j−i} ⟨σ⁺_iσ⁻_j⟩).
    """
    if sign == 1:
        pops = pops[..., ::-1]
        coh = np.conj(coh)
    if hop_sign < 0:
        coh = coh * np.where(np.asarray(distance) % 2 == 1, -1.0, 1.0)
    return pops, coh


def _rdm(pops: np.ndarray, coh: np.ndarray) -> np.ndarray:
    """ρ_ij (..., 4, 4) of an X-state from its populations and ⟨σ⁺_iσ⁻_j⟩ (convention of nesskit.twospin)."""
    rho = np.zeros(pops.shape[:-1] + (4, 4), dtype=complex)
    idx = np.arange(4)
    rho[..., idx, idx] = pops
    rho[..., 2, 1] = coh
    rho[..., 1, 2] = np.conj(coh)
    return rho


# ------------------------------------------------------------------------------------------------------------
# parameters of a model in the canonical frame
# ------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CanonicalParameters:
    """The model in the frame of SPEC §8.1: μ = −2, J = 1 (Δ' = Δ/|J|, ε = 2Γ/|J|), plus the way back."""

    n: int
    delta: float
    eps_left: float
    eps_right: float
    sign: int          # c = d = sign
    hopping: float     # the model's uniform J

    @classmethod
    def from_model(cls, model: Model) -> CanonicalParameters:
        reason = why_not(model)
        if reason is not None:
            raise ParameterError(f"method 'matrix-product' cannot solve this model: {reason}")
        j = float(model.hopping_profile[0])
        return cls(n=model.n, delta=model.delta / abs(j), eps_left=2 * model.coupling_left / abs(j),
                   eps_right=2 * model.coupling_right / abs(j), sign=1 if model.mu > 0 else -1, hopping=j)

    @property
    def hop_sign(self) -> int:
        return 1 if self.hopping > 0 else -1

    def coefficients(self, truncate: bool = True) -> Coefficients:
        return coefficients(self.delta, self.eps_left, self.eps_right, self.n // 2 + 1, truncate)


# ------------------------------------------------------------------------------------------------------------
# the pair source (picklable: arrays and numbers only)
# ------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class MatrixProductPairs:
    """Two-spin states of the matrix-product NESS (SPEC §8.1), any pair, computed on demand in O((j − i)·D).

    Holds the log-domain environments of the chain (O(n²/4) numbers) and the auxiliary operators; nothing else.
    """

    params: CanonicalParameters
    coefficients: Coefficients
    left_flat: np.ndarray = field(repr=False)
    right_flat: np.ndarray = field(repr=False)
    left_shift: np.ndarray = field(repr=False)
    #: Nearest-neighbour populations (n − 1, 4) and coherences (n − 1,) in the canonical frame, if precomputed.
    nn_populations: np.ndarray | None = field(default=None, repr=False)
    nn_coherences: np.ndarray | None = field(default=None, repr=False)

    def _chain(self) -> _Chain:
        chain = self.__dict__.get("_chain_cache")
        if chain is None:
            chain = _Chain(self.params.n, self.coefficients, self.left_flat, self.right_flat, self.left_shift)
            self.__dict__["_chain_cache"] = chain
        return chain

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_chain_cache", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def why_not_pair(self, i: int, j: int) -> str | None:
        """Every pair 1 ≤ i < j ≤ n is available."""
        n = self.params.n
        if not (1 <= i < j <= n):
            return f"need 1 <= i < j <= {n}, got ({i}, {j})"
        return None

    def pair(self, i: int, j: int) -> np.ndarray:
        """ρ_ij (4×4), 1 ≤ i < j ≤ n, basis ↑↑, ↑↓, ↓↑, ↓↓ (first factor site i, SPEC §2)."""
        reason = self.why_not_pair(i, j)
        if reason is not None:
            raise ParameterError(reason)
        if j == i + 1 and self.nn_populations is not None and self.nn_coherences is not None:
            p1, c1 = self.nn_populations[i - 1], self.nn_coherences[i - 1]
        else:
            pops, coh = self._chain().row(i, j)
            p1, c1 = pops[-1], coh[-1]
        p1, c1 = _to_frame(p1, c1, j - i, self.params.sign, self.params.hop_sign)
        return _rdm(p1, c1)

    def pairs_from(self, i: int, stop: int | None = None) -> np.ndarray:
        """ρ_ij for j = i+1..stop (default n), shape (stop − i, 4, 4), in one O(n·D) sweep."""
        n = self.params.n
        stop = n if stop is None else stop
        if not (1 <= i < stop <= n):
            raise ParameterError(f"need 1 <= i < stop <= {n}, got i = {i}, stop = {stop}")
        pops, coh = self._chain().row(i, stop)
        dist = np.arange(1, stop - i + 1)
        pops, coh = _to_frame(pops, coh, dist, self.params.sign, self.params.hop_sign)
        return _rdm(pops, coh)


# ------------------------------------------------------------------------------------------------------------
# the explicit MPO
# ------------------------------------------------------------------------------------------------------------
_P_UP = np.array([[1.0, 0.0], [0.0, 0.0]])
_P_DOWN = np.array([[0.0, 0.0], [0.0, 1.0]])
_S_MINUS = np.array([[0.0, 0.0], [1.0, 0.0]])
_S_PLUS = np.array([[0.0, 1.0], [0.0, 0.0]])


@dataclass(frozen=True, eq=False)
class MatrixProductOperator:
    """ρ as an explicit matrix-product operator: ρ = contraction of ``tensors`` (Tr ρ = 1).

    ``tensors[k]`` has shape (D_l, 2, 2, D_r) (left bond, ket σ, bra σ', right bond) in nesskit's basis |↑⟩ = index 0,
    so that ρ[σ_1…σ_n, σ'_1…σ'_n] = Σ_bonds Π_k tensors[k][b_{k−1}, σ_k, σ'_k, b_k]; D_l = D_r = 1 at the ends. The
    bond index on bond b is (a, a') ↦ a·(h_b + 1) + a' with heights a, a' ≤ h_b = min(b, n − b, m − 1), so the bond
    dimension is at most D² (m² at a root of unity [m] = 0: 9 at Δ = 1/2, 4 at Δ = 0). Tensors are gauge-scaled so
    that left partial traces stay O(1) for every Δ and n.
    """

    tensors: tuple[np.ndarray, ...]

    @property
    def n(self) -> int:
        return len(self.tensors)

    @property
    def bond_dimensions(self) -> tuple[int, ...]:
        """D_b on bonds b = 1..n−1."""
        return tuple(t.shape[-1] for t in self.tensors[:-1])

    def to_dense(self) -> np.ndarray:
        """The 2ⁿ × 2ⁿ density matrix (n ≤ :data:`DENSE_SITES`)."""
        if self.n > DENSE_SITES:
            raise ParameterError(f"to_dense needs n <= {DENSE_SITES} (a 2^n x 2^n matrix), got n = {self.n}")
        cur = self.tensors[0][0]
        for t in self.tensors[1:]:
            cur = np.einsum("ija,aklb->ikjlb", cur, t)
            d = cur.shape[0] * cur.shape[1]
            cur = cur.reshape(d, d, cur.shape[-1])
        return cur[:, :, 0]

    def trace(self) -> complex:
        """Tr ρ by contracting the tensors with the identity (1 up to rounding)."""
        env = np.ones(1, dtype=complex)
        for t in self.tensors:
            env = env @ np.einsum("aiib->ab", t)
        return complex(env[0])


def mpo(model: Model, truncate: bool = True) -> MatrixProductOperator:
    """The exact NESS of ``model`` (SPEC §8.1) as an explicit MPO of bond dimension ≤ D² (see
    :class:`MatrixProductOperator`). ``truncate``: cut the auxiliary space at a root of unity [m] = 0.
    """
    params = CanonicalParameters.from_model(model)
    co = params.coefficients(truncate)
    chain = _Chain(params.n, co)
    n = params.n
    h = chain.h
    ops = (_P_UP, _P_DOWN, _S_MINUS, _S_PLUS)
    theta = float(co.theta)
    tensors = []
    for k in range(1, n + 1):
        hl, hr = int(h[k - 1]), int(h[k])
        # S tensor: A_s[a, b] O_s[σ, σ'] with the gauge-scaled Â_s (heights a ≤ hl, b ≤ hr)
        s_t = np.zeros((hl + 1, 2, 2, hr + 1), dtype=complex)
        for a in range(hl + 1):
            for b in range(max(0, a - 1), min(hr, a + 1) + 1):
                if b == a:
                    s_t[a, :, :, b] += co.up[a] * ops[0] + co.down[a] * ops[1]
                elif b == a + 1:
                    s_t[a, :, :, b] += co.raise_[a] * ops[2]
                else:
                    s_t[a, :, :, b] += co.lower[b] * ops[3]
        # ρ = S†S: M[(a, a'), σ, σ'', (b, b')] = Σ_σ' conj(S[a, σ', σ, b]) S[a', σ', σ'', b']
        m = np.einsum("aisb,cite->acstbe", np.conj(s_t), s_t).reshape((hl + 1) ** 2, 2, 2, (hr + 1) ** 2)
        # gauge weight of bond k − 1 on the left, q^{a + a' − 2h}, and the left normalisation of site k
        ar = np.arange(hl + 1)
        wl = np.exp(((ar[:, None] + ar[None, :]) - 2 * hl) * theta).reshape(-1)
        m = m * wl[:, None, None, None] * np.exp(-float(chain.left_shift[k]))
        tensors.append(m)
    if params.sign == 1:
        tensors = [t[:, ::-1, ::-1, :] for t in tensors]
    if params.hop_sign < 0:
        flip = np.array([[1.0, -1.0], [-1.0, 1.0]])
        tensors = [t * flip[None, :, :, None] if (k + 1) % 2 == 0 else t for k, t in enumerate(tensors)]
    return MatrixProductOperator(tuple(np.ascontiguousarray(t) for t in tensors))


# ------------------------------------------------------------------------------------------------------------
# the solve
# ------------------------------------------------------------------------------------------------------------
#: Dense Lindblad residual ‖𝓛ρ‖ of the explicit MPO is evaluated up to this n by default (2ⁿ × 2ⁿ matrices).
RESIDUAL_MAX_N = 8


def _log_current(params: CanonicalParameters, lp_down_1: float, lp_up_n: float) -> tuple[float, float]:
    """ln|t| from the two bath identities (canonical frame, J = 1): |t| = ε_L⟨P↓_1⟩ = ε_R⟨P↑_n⟩."""
    return math.log(params.eps_left) + lp_down_1, math.log(params.eps_right) + lp_up_n


def solve(model: Model, *, truncate: bool = True, residual_max_n: int = RESIDUAL_MAX_N) -> NESS:
    """The exact NESS of ``model`` at extreme driving (SPEC §8.1), any n and Δ.

    Parameters
    ----------
    model : Model
        γ = 0, (c, d) = (1, 1) or (−1, −1), uniform J ≠ 0, no field or a uniform one (see :func:`why_not`).
    truncate : bool
        At a root of unity [m] = 0 (Δ/|J| = cos(πl/m)) use the m-dimensional auxiliary space (exact); False keeps
        all min(b, n − b) + 1 heights (the same state up to rounding: a check).
    residual_max_n : int
        Evaluate ‖𝓛ρ‖₂ of the explicit MPO (dense, :func:`nesskit.solvers.exact.dense_residual`) up to this n.

    Returns
    -------
    NESS
        ``method = "matrix-product"``; ``current`` is the bath-identity value (the same on every bond by continuity,
        never from a cancelling sum) and ``log_current`` its logarithm, finite where ``current`` underflows
        (Δ > 1, n ≳ 700); ``states`` gives every pair; ``diagnostics.checks``: ``current_spread`` (max over bonds of
        |t_b − t|/|t| with t_b = 2 Im⟨σ⁺_bσ⁻_{b+1}⟩ from the coherences; for Δ > 1 at large n the coherences'
        absolute rounding ~1e-17 exceeds |t| and this grows, see ``current_spread_abs``), ``current_spread_abs``,
        ``boundary_identity_left`` = |4J t_1 − 2cε_L(1 + c⟨σᶻ_1⟩)| and ``boundary_identity_right`` =
        |4J t_{n−1} − 2cε_R(1 − c⟨σᶻ_n⟩)| (ε = 2Γ, c = d = ±1; both 0 exactly, evaluated with t_1, t_{n−1} from the
        coherences and ⟨σᶻ⟩ from the populations), ``current_left_right`` (relative difference of the current from
        the two bath identities), ``marginal_consistency`` (max over inner sites of the difference of ⟨σᶻ_j⟩ from the
        states of bonds j − 1 and j), ``auxiliary_dimension``, ``bond_dimension`` (of the MPO).
    """
    start = time.perf_counter()
    if not isinstance(model, Model):
        raise ParameterError(f"model must be a nesskit.Model, got {type(model).__name__}")
    residual_max_n = check_int("residual_max_n", residual_max_n, 0)
    check_bool("truncate", truncate)
    params = CanonicalParameters.from_model(model)
    n = params.n
    co = params.coefficients(truncate)
    chain = _Chain(n, co)
    log_pops, coh = chain.nearest_neighbours(log=True)
    pops = np.exp(log_pops)
    # site populations from the bonds' marginals: site j ≤ n − 1 from bond j, site n from bond n − 1
    first_up = np.logaddexp(log_pops[:, 0], log_pops[:, 1])
    first_down = np.logaddexp(log_pops[:, 2], log_pops[:, 3])
    second_up = np.logaddexp(log_pops[:, 0], log_pops[:, 2])
    second_down = np.logaddexp(log_pops[:, 1], log_pops[:, 3])
    lp_up = np.append(first_up, second_up[-1])
    lp_down = np.append(first_down, second_down[-1])
    # the two marginals of every inner site must agree (a check of the environments' consistency)
    marginal = float(np.max(np.abs(np.tanh((first_up[1:] - first_down[1:]) / 2)
                                   - np.tanh((second_up[:-1] - second_down[:-1]) / 2)))) if n > 2 else 0.0
    log_t_left, log_t_right = _log_current(params, float(lp_down[0]), float(lp_up[-1]))
    # canonical frame: t < 0 for J > 0; the model's frame flips it for c = d = 1 and for J < 0
    t_sign = -1.0 * (-1.0 if params.sign == 1 else 1.0) * params.hop_sign
    mag = np.tanh((lp_up - lp_down) / 2)
    if params.sign == 1:
        mag = -mag
    pops_f, coh_f = _to_frame(pops, coh, 1, params.sign, params.hop_sign)
    zz = pops_f[:, 0] - pops_f[:, 1] - pops_f[:, 2] + pops_f[:, 3]
    t_direct = 2 * coh_f.imag
    t_bar = t_sign * math.exp(log_t_left)
    current = np.full(n - 1, t_bar)
    log_current = np.full(n - 1, log_t_left)
    # checks
    spread_abs = float(np.max(np.abs(t_direct - t_bar)))
    spread = spread_abs / abs(t_bar) if t_bar != 0 else math.inf
    jj = params.hopping
    s = params.sign
    el, er = 2 * model.coupling_left, 2 * model.coupling_right
    # 1 + s m_1 and 1 − s m_n without cancellation: 2⟨P⟩ of the pumped-against state in the model's frame
    one_left = 2 * math.exp(float(lp_down[0]))    # canonical 1 − m_1 = 1 + s m_1 for s = −1; same after the flip
    one_right = 2 * math.exp(float(lp_up[-1]))
    id_left = abs(4 * jj * t_direct[0] - 2 * s * el * one_left)
    id_right = abs(4 * jj * t_direct[-1] - 2 * s * er * one_right)
    left_right = abs(math.expm1(log_t_left - log_t_right))
    residual = None
    aux = f"{co.cut} (root of unity)" if co.cut < n // 2 + 1 else "min(b, n - b) + 1 on bond b"
    notes = (f"Prosen's matrix-product NESS (SPEC §8.1), auxiliary dimension {aux}; current from the bath "
             "identity at site 1 (log_current = ln|t|)")
    mpo_dim = int(np.max((chain.h + 1) ** 2))
    if n <= residual_max_n:
        from .exact import dense_residual

        rho = mpo(model, truncate).to_dense()
        residual = dense_residual(model, rho / np.trace(rho))
    eps = np.finfo(float).eps
    error = max(id_left / (4 * abs(jj)), id_right / (4 * abs(jj)), 8 * n * eps)
    if residual is not None:
        error = max(error, residual)
    if spread > 1e-8:
        notes += ("; the coherences' absolute rounding exceeds the tiny current here, so current_spread is large "
                  "while current_spread_abs and the bath identities stay at rounding level")
    checks: dict[str, float | int | None] = {
        "current_spread": spread,
        "current_spread_abs": spread_abs,
        "boundary_identity_left": id_left,
        "boundary_identity_right": id_right,
        "current_left_right": left_right,
        "marginal_consistency": marginal,
        "auxiliary_dimension": int(np.max(chain.h)) + 1,
        "bond_dimension": mpo_dim,
    }
    states = MatrixProductPairs(params, co, chain.left_flat, chain.right_flat, chain.left_shift, pops, coh)
    diag = Diagnostics(residual=residual, trace=None, hermiticity=None, iterations=None,
                       wall_time=time.perf_counter() - start, error=error, checks=checks, notes=notes)
    return NESS(model=model, method="matrix-product", magnetization=mag, current=current, zz=zz,
                diagnostics=diag, states=states, log_current=log_current)


# ------------------------------------------------------------------------------------------------------------
# batched entry point for sweeps over Δ and Γ at fixed n
# ------------------------------------------------------------------------------------------------------------
#: Numbers of log-environment entries held at once by :func:`grid_pair_measures` (sets the chunk of parameters).
GRID_CHUNK_ENTRIES = 4_000_000


def grid_pair_measures(n: int, delta: Any, coupling_left: Any, coupling_right: Any, sign: int,
                       pairs: Iterable[tuple[int, int]], *, profile: bool = False) -> dict[str, np.ndarray]:
    """Pair states and their entanglement on a grid of (Δ, Γ_L, Γ_R) at fixed n, c = d = ``sign``, J = 1, γ = 0.

    Vectorised over the parameters (chunks of at most ``GRID_CHUNK_ENTRIES`` environment entries); the same
    numbers as :func:`solve` point by point, except that the auxiliary space is never cut at roots of unity (the
    disconnected heights carry weight ~1e-32, harmless).

    Parameters
    ----------
    n : int
        Number of spins, n ≥ 2.
    delta, coupling_left, coupling_right : array_like
        Δ (any real), Γ_L > 0, Γ_R > 0; broadcast against each other to a shape S.
    sign : {1, −1}
        c = d = sign (1: the paper's last-entangled corner μ = 2).
    pairs : iterable of (i, j)
        1-based pairs with 1 ≤ i, j ≤ n, i ≠ j (ρ_ij with the first factor site i).
    profile : bool
        Also return the whole magnetization profile (costs about as much as the environments themselves).

    Returns
    -------
    dict of ndarray
        ``lambda_min``, ``negativity``, ``log_negativity``, ``concurrence``: shape S + (len(pairs),);
        ``rdm``: S + (len(pairs), 4, 4); ``pair_magnetization``: S + (len(pairs), 2) (⟨σᶻ_i⟩, ⟨σᶻ_j⟩);
        ``current``: S (t, the same on every bond, 0 where it underflows) and ``log_current``: S (ln|t|);
        with ``profile=True`` also ``magnetization``: S + (n,) (⟨σᶻ_j⟩, j = 1..n).
    """
    n = check_int("n", n, 2)
    check_bool("profile", profile)
    if sign not in (1, -1) or isinstance(sign, bool):
        raise ParameterError(f"sign must be 1 (c = d = 1) or -1 (c = d = -1), got {sign!r}")
    try:
        d_a, gl_a, gr_a = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in
                                                (delta, coupling_left, coupling_right)))
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"delta, coupling_left, coupling_right must be real arrays that broadcast: {exc}"
                             ) from None
    for name, arr in (("delta", d_a), ("coupling_left", gl_a), ("coupling_right", gr_a)):
        if not np.all(np.isfinite(arr)):
            raise ParameterError(f"{name} must be finite")
    for name, arr in (("coupling_left", gl_a), ("coupling_right", gr_a)):
        if np.any(arr <= 0):
            raise ParameterError(f"{name} must be > 0 (allowed range: (0, inf)), got {float(np.min(arr))!r}")
    pair_list = []
    for pair in pairs:
        try:
            i, j = (check_int("pair site", k, 1) for k in pair)
        except (TypeError, ValueError):
            raise ParameterError(f"each pair must be two sites (i, j), got {pair!r}") from None
        if i > n or j > n or i == j:
            raise ParameterError(f"pair {pair!r}: need two different sites in 1..{n}")
        pair_list.append((i, j))
    shape = d_a.shape
    flat = [a.reshape(-1) for a in (d_a, gl_a, gr_a)]
    size = n // 2 + 1
    total = int(_offsets(heights(n, size)).max())
    chunk = max(1, GRID_CHUNK_ENTRIES // (2 * total))
    count = flat[0].size
    npairs = len(pair_list)
    rdm = np.zeros((count, npairs, 4, 4), dtype=complex)
    mag = np.zeros((count, n)) if profile else None
    log_t = np.zeros(count)
    for lo in range(0, count, chunk):
        sl = slice(lo, min(count, lo + chunk))
        co = coefficients(flat[0][sl], 2 * flat[1][sl], 2 * flat[2][sl], size, truncate=False)
        chain = _Chain(n, co)
        if mag is not None:
            lp_up, lp_down = chain.profile()
            m = np.tanh((lp_up - lp_down) / 2)
            mag[sl] = -m if sign == 1 else m
        lu1, ld1 = chain.site_log_populations(1)
        log_t[sl] = np.log(2 * flat[1][sl]) + ld1 - np.logaddexp(lu1, ld1)
        for k, (i, j) in enumerate(pair_list):
            a, b = min(i, j), max(i, j)
            pops, coh = chain.row(a, b)
            pops, coh = _to_frame(pops[..., -1, :], coh[..., -1], b - a, sign, 1)
            r = _rdm(pops, coh)
            rdm[sl, k] = r if i < j else swap_spins(r)
    sgn_t = 1.0 if sign == 1 else -1.0
    meas = xstate_measures_from_populations(np.einsum("...ii->...i", rdm).real, rdm[..., 2, 1])
    out: dict[str, np.ndarray] = {k: np.asarray(v).reshape(shape + (npairs,)) for k, v in meas.items()}
    out["rdm"] = rdm.reshape(shape + (npairs, 4, 4))
    pd = np.einsum("...ii->...i", rdm).real
    out["pair_magnetization"] = np.stack([pd[..., 0] + pd[..., 1] - pd[..., 2] - pd[..., 3],
                                          pd[..., 0] - pd[..., 1] + pd[..., 2] - pd[..., 3]], axis=-1
                                         ).reshape(shape + (npairs, 2))
    if mag is not None:
        out["magnetization"] = mag.reshape(shape + (n,))
    out["log_current"] = log_t.reshape(shape)
    out["current"] = sgn_t * np.exp(out["log_current"])
    return out


# ------------------------------------------------------------------------------------------------------------
# the Method object
# ------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MatrixProduct(Method):
    """The exact XXZ NESS at extreme driving (SPEC §8.1) for any n: γ = 0, c = d = ±1, any Δ, Γ_L ≠ Γ_R, any pair.

    Prosen's matrix-product ansatz, evaluated with log-domain transfer products in O(n·D) (D = ⌊n/2⌋ + 1, or m at a
    root of unity [m] = 0); every pair on demand in O(|j − i|·D).

    Parameters
    ----------
    truncate : bool
        Cut the auxiliary space at a root of unity (exact; False keeps every height, as a check).
    residual_max_n : int
        Evaluate the Lindblad residual ‖𝓛ρ‖₂ of the dense state up to this n (default 8; 0 never).
    """

    name: ClassVar[str] = "matrix-product"
    truncate: bool = True
    residual_max_n: int = RESIDUAL_MAX_N

    def __post_init__(self) -> None:
        check_bool("truncate", self.truncate)
        check_int("residual_max_n", self.residual_max_n, 0)

    def why_not(self, model: Model, pairs: Sequence[tuple[int, int]] = ()) -> str | None:
        """None if SPEC §8.1 applies to ``model`` (see :func:`why_not`)."""
        return why_not(model, pairs)

    def solve(self, model: Model, *, guess: NESS | None = None) -> NESS:
        """The exact NESS (``guess`` is ignored: the method is direct)."""
        if not isinstance(model, Model):
            raise ParameterError(f"model must be a nesskit.Model, got {type(model).__name__}")
        reason = why_not(model)
        if reason is not None:
            raise ParameterError(f"method 'matrix-product' cannot solve this model: {reason}")
        return solve(model, truncate=self.truncate, residual_max_n=self.residual_max_n)


__all__ = ["MatrixProduct", "MatrixProductPairs", "MatrixProductOperator", "Coefficients", "CanonicalParameters",
           "why_not", "solve", "mpo", "coefficients", "q_numbers", "heights", "grid_pair_measures",
           "ROOT_TOLERANCE", "RESIDUAL_MAX_N", "DENSE_SITES"]
