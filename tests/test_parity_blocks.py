"""The Z₂ (rotation by π about z) block form of the tensor network's Pauli-coefficient MPS."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nesskit.model import Model
from nesskit.solvers import _parity_blocks as pb
from nesskit.solvers import _tebd
from nesskit.solvers import tensor_network as tn


def _full(tensors: list[np.ndarray]) -> np.ndarray:
    v = np.ones((1, 1))
    for t in tensors:
        v = np.tensordot(v, t, axes=(v.ndim - 1, 0))
    return v.reshape(-1)


def _string_parity(n: int) -> np.ndarray:
    p = np.zeros(1, dtype=int)
    for _ in range(n):
        p = pb.fuse(p, pb.PHYSICAL)
    return p


def _random_mps(rng: np.random.Generator, n: int, chi: int) -> list[np.ndarray]:
    dims = [1] + [min(chi, 4 ** min(k, n - k)) for k in range(1, n)] + [1]
    return [rng.standard_normal((dims[k], 4, dims[k + 1])) for k in range(n)]


def _even_part(v: np.ndarray, n: int) -> np.ndarray:
    return np.where(_string_parity(n) == 0, v, 0.0)


def _block_violation(tensors: list[np.ndarray], parity: list[np.ndarray]) -> float:
    worst = 0.0
    for k, t in enumerate(tensors):
        odd = pb.fuse(pb.fuse(parity[k], pb.PHYSICAL), parity[k + 1]).reshape(t.shape) == 1
        worst = max(worst, float(np.abs(t[odd]).max(initial=0.0)))
    return worst


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 5), delta=st.floats(-2, 2), c=st.floats(-1, 1), d=st.floats(-1, 1),
       gamma=st.floats(0, 0.5), seed=st.integers(0, 2**16))
def test_every_bond_generator_keeps_the_parity(n, delta, c, d, gamma, seed):
    """The premise: the rotation by π about z is a symmetry of every chain (site fields, hopping, baths, dephasing)."""
    rng = np.random.default_rng(seed)
    model = Model(n, coupling_left=0.3, coupling_right=1.7, c=c, d=d, delta=delta, dephasing=gamma * rng.random(n),
                  fields=rng.standard_normal(n), hopping=1 + 0.3 * rng.standard_normal(n - 1))
    p = pb.fuse(pb.PHYSICAL, pb.PHYSICAL)
    for g in tn.bond_generators(model):
        assert np.abs(g).max() > 0
        assert np.abs(g[np.ix_(p == 0, p == 1)]).max() == 0.0
        assert np.abs(g[np.ix_(p == 1, p == 0)]).max() == 0.0


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 5), chi=st.integers(1, 6), seed=st.integers(0, 2**16))
def test_label_keeps_the_even_part_in_block_form(n, chi, seed):
    """Any MPS: the labelled MPS is its even part (odd strings dropped), right-canonical and block-structured."""
    rng = np.random.default_rng(seed)
    tensors = _random_mps(rng, n, chi)
    want = _even_part(_full(tensors), n)
    out, parity = pb.label(tensors)
    np.testing.assert_allclose(_full(out), want, atol=1e-12 * np.abs(want).max())
    assert _block_violation(out, parity) == 0.0
    for t in out[1:]:
        m = t.reshape(t.shape[0], -1)
        np.testing.assert_allclose(m @ m.T, np.eye(t.shape[0]), atol=1e-12)
    # an even state's bond never exceeds the bond it came with, after the redundant directions are removed
    for k in range(n - 1):
        assert out[k].shape[2] <= min(4 ** (k + 1), 4 ** (n - k - 1))


@settings(max_examples=25, deadline=None)
@given(rows=st.integers(1, 12), cols=st.integers(1, 12), seed=st.integers(0, 2**16))
def test_block_decompositions_equal_the_dense_ones(rows, cols, seed):
    rng = np.random.default_rng(seed)
    rp, cp = rng.integers(0, 2, rows), rng.integers(0, 2, cols)
    m = rng.standard_normal((rows, cols)) * (rp[:, None] == cp[None, :])
    if not m.any():
        return
    u, s, vt, labels = pb.block_svd(m, rp, cp)
    np.testing.assert_allclose(u * s @ vt, m, atol=1e-12)
    dense = np.linalg.svd(m, compute_uv=False)
    np.testing.assert_allclose(s[: dense.size], dense[: s.size], atol=1e-12)
    assert np.all(np.diff(s) <= 0)
    assert np.all(np.abs(u[rp[:, None] != labels[None, :]]) == 0)
    q, r, qlabels = pb.block_qr(m, rp, cp)
    np.testing.assert_allclose(q @ r, m, atol=1e-12)
    np.testing.assert_allclose(q.T @ q, np.eye(q.shape[1]), atol=1e-12)
    assert np.all(q[rp[:, None] != qlabels[None, :]] == 0)


@settings(max_examples=40, deadline=None)
@given(rows=st.integers(1, 14), cols=st.integers(1, 14), chi=st.integers(1, 14),
       cutoff=st.sampled_from([0.0, 1e-3, 0.1, 0.5]), seed=st.integers(0, 2**16))
def test_truncated_block_svd_is_the_best_low_rank_cut(rows, cols, chi, cutoff, seed):
    """The cut by blocks equals the cut of the dense SVD: same kept values, same product, same discarded weight."""
    rng = np.random.default_rng(seed)
    rp, cp = rng.integers(0, 2, rows), rng.integers(0, 2, cols)
    m = rng.standard_normal((rows, cols)) * (rp[:, None] == cp[None, :])
    if not m.any():
        return
    u, s, vt, labels, total = pb.truncated_block_svd(m, rp, cp, chi, cutoff)
    dense = np.linalg.svd(m, compute_uv=False)
    assert total == pytest.approx(float(dense @ dense), rel=1e-12)
    tail = np.cumsum((dense**2)[::-1])[::-1] / total
    # the blocks have Σ_p min(rows_p, cols_p) singular values; the dense SVD's others are exact zeros
    in_blocks = sum(min(int(np.sum(rp == p)), int(np.sum(cp == p))) for p in (0, 1))
    want = max(1, min(chi, in_blocks, int(np.count_nonzero(tail > cutoff)) if cutoff > 0 else dense.size))
    assert s.size == want
    np.testing.assert_allclose(s, dense[:want], atol=1e-12)
    # the product is the best rank-`want` approximation: its error is the dense tail (Eckart–Young)
    err = np.linalg.norm(m - u * s @ vt)
    assert err == pytest.approx(float(np.sqrt(dense[want:] @ dense[want:])), abs=1e-10)
    np.testing.assert_allclose(u.T @ u, np.eye(want), atol=1e-12)
    assert np.all(u[rp[:, None] != labels[None, :]] == 0)
    assert np.all(vt[labels[:, None] != cp[None, :]] == 0)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 24), st.integers(2, 24), st.integers(1, 12), st.sampled_from([0.0, 1e-3, 1e-14]),
       st.booleans(), st.integers(0, 2**31 - 1))
def test_gram_projection_is_the_svd_cut(rows, cols, chi, cutoff, left, seed):
    """The Gram-matrix cut keeps what the block SVD keeps: the same count and parities, an isometry, and the
    projection q x = the SVD's u s vt (to rounding), with the kept weight Σ x² = Σ s²."""
    rng = np.random.default_rng(seed)
    rp, cp = rng.integers(0, 2, rows), rng.integers(0, 2, cols)
    # singular values spread over decades, as in a TEBD bond, so that the cut is well defined
    m = rng.standard_normal((rows, cols)) * (rp[:, None] == cp[None, :])
    m = m * np.exp(-0.7 * rng.permutation(cols))[None, :]
    if not m.any():
        return
    u, s, vt, labels_svd, total_svd = pb.truncated_block_svd(m, rp, cp, chi, cutoff)
    dense = np.linalg.svd(m, compute_uv=False)
    k = s.size
    if k < dense.size and dense[k] > 0 and dense[k - 1] / dense[k] < 1 + 1e-6:
        return  # a tie at the cut: either choice is a best cut
    q, x, labels, total, kept = pb.truncated_block_projection(m, rp, cp, chi, cutoff, left)
    assert labels.size == k
    assert sorted(labels.tolist()) == sorted(labels_svd.tolist())
    assert total == pytest.approx(total_svd, rel=1e-12)
    assert kept == pytest.approx(float(s @ s), rel=1e-9)
    iso = q.T @ q if left else q @ q.T
    np.testing.assert_allclose(iso, np.eye(k), atol=1e-12)
    approx = q @ x if left else x @ q
    np.testing.assert_allclose(approx, u * s @ vt, atol=1e-9 * float(dense[0]))
    # the block form is kept: every vector lies inside its parity block
    if left:
        assert np.all(q[rp[:, None] != labels[None, :]] == 0)
    else:
        assert np.all(q[labels[:, None] != cp[None, :]] == 0)


def test_gram_projection_rejects_non_finite_input():
    m = np.ones((4, 4))
    m[1, 1] = np.nan
    with pytest.raises(ValueError, match="non-finite"):
        pb.truncated_block_projection(m, np.zeros(4, dtype=int), np.zeros(4, dtype=int), 2, 1e-14, True)


def test_gram_and_svd_truncation_evolve_the_same_state(monkeypatch):
    """TEBD at a truncating bond gives the same observables with either truncation (Δ = 0.5, γ = 0.05, n = 10)."""
    model = Model(10, c=0.6, d=-0.4, delta=0.5, dephasing=0.05, fields=np.linspace(-0.3, 0.3, 10))
    gens = tn.bond_generators(model)
    out = []
    for gram in (True, False):
        monkeypatch.setattr(_tebd, "GRAM_TRUNCATION", gram)
        mps = _tebd._MPS(tn._closed_form_start(model, correlated=True))
        _tebd._Propagator(gens, 0.1, 4, 8, 1e-14).run(mps, 20)
        assert max(mps.bond_dimensions) == 8
        out.append(tn._observables(mps)[2])
    np.testing.assert_allclose(out[0], out[1], atol=1e-10)


def test_evolution_keeps_the_block_form_and_matches_dense_svd():
    """A few TEBD steps by blocks give the state that dense SVDs give (no truncation: bond below χ)."""
    model = Model(5, coupling_left=1.0, coupling_right=0.6, c=0.4, d=-0.3, delta=0.7, dephasing=0.05,
                  fields=[0.3, -0.2, 0, 0.1, 0.4])
    start = tn._closed_form_start(model, correlated=True)
    gens = tn.bond_generators(model)
    mps = _tebd._MPS(start)
    _tebd._Propagator(gens, 0.1, 4, 256, 0.0).run(mps, 5)
    assert _block_violation(mps.tensors, mps.parity) == 0.0
    # reference: the same layers applied to the full coefficient vector
    v = _full(start)
    n = model.n
    for parity, w in _tebd._layers(4, 5):
        for b in range(parity, n - 1, 2):
            g = _tebd._Propagator(gens, 0.1, 4, 256, 0.0).gate(b, w)
            v = np.einsum("ab,ibj->iaj", g, v.reshape(4**b, 16, -1)).reshape(-1)
    got = _full(mps.tensors)
    np.testing.assert_allclose(got / got[0], v / v[0], atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(rows=st.integers(1, 40), cols=st.integers(1, 40), seed=st.integers(0, 2**16))
def test_robust_svd_is_a_thin_svd(rows, cols, seed):
    """A thin SVD: orthonormal factors, the matrix back, and descending values whose squares are the eigenvalues of
    the smaller Gram matrix (an independent reference: a symmetric eigensolver, not an SVD)."""
    m = np.random.default_rng(seed).standard_normal((rows, cols))
    u, s, vt = pb.robust_svd(m)
    k = min(rows, cols)
    assert u.shape == (rows, k) and s.shape == (k,) and vt.shape == (k, cols)
    np.testing.assert_allclose(u * s @ vt, m, atol=1e-12)
    np.testing.assert_allclose(u.T @ u, np.eye(k), atol=1e-12)
    np.testing.assert_allclose(vt @ vt.T, np.eye(k), atol=1e-12)
    gram = m.T @ m if cols <= rows else m @ m.T
    assert np.all(np.diff(s) <= 0)
    np.testing.assert_allclose(s**2, np.linalg.eigvalsh(gram)[::-1], rtol=1e-10, atol=1e-10 * float(np.sum(m * m)))


def test_robust_svd_falls_back_to_gesvd_when_gesdd_does_not_converge(monkeypatch):
    """gesdd's failure to converge is not an error: the slower gesvd driver answers instead."""
    m = np.random.default_rng(3).standard_normal((7, 5))
    want = np.linalg.svd(m, compute_uv=False)

    def no_convergence(*args, **kwargs):
        raise np.linalg.LinAlgError("SVD did not converge")

    monkeypatch.setattr(pb.np.linalg, "svd", no_convergence)
    u, s, vt = pb.robust_svd(m)
    np.testing.assert_allclose(u * s @ vt, m, atol=1e-12)
    np.testing.assert_allclose(s, want, rtol=1e-12)


def test_robust_svd_rejects_non_finite_input():
    """A non-finite matrix is refused with a ValueError, never decomposed into a wrong answer."""
    with pytest.raises(ValueError, match="infs or NaNs"):
        pb.robust_svd(np.array([[1.0, np.nan], [0.0, 1.0]]))
