"""Entangled regions: the paper's boundary curves (Eqs. 16, 17, 21, 22) against zeros of λ_min found numerically
from the NESS, the λ_min wrappers against the dense reference, and the symmetries of the c–d square."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nesskit as nk
from dense_reference import dense_ness, dense_pair
from nesskit import regions
from nesskit.entanglement import lambda_min
from nesskit.errors import ParameterError
from nesskit.pairs import pair_sites

GAMMA_MIN = 0.5105779601611  # only used to pick test couplings inside the tongue's range
unit = st.floats(-1.0, 1.0)


@settings(max_examples=8, deadline=None)
@given(st.floats(0.1, 3.0), st.floats(0.1, 3.0), unit, unit, st.floats(0.0, 1.0),
       st.sampled_from(["boundary", "central", (1, 3), (2, 4), (1, 4)]))
def test_wrappers_match_dense_reference(gl: float, gr: float, c: float, d: float, gamma: float, pair) -> None:
    model = nk.Model(4, coupling_left=gl, coupling_right=gr, c=c, d=d, dephasing=gamma)
    i, j = pair_sites(pair, 4)
    want = float(lambda_min(dense_pair(dense_ness(model), i, j, 4)))
    got = float(regions.pair_lambda_min(pair, c, d, dephasing=gamma, n=4, coupling_left=gl, coupling_right=gr))
    assert got == pytest.approx(want, abs=1e-10)


@settings(max_examples=6, deadline=None)
@given(st.floats(GAMMA_MIN + 0.02, 5.0))
def test_eq16_boundary_c_min_is_the_numeric_tongue_start(coupling: float) -> None:
    assert float(regions.c_min("boundary", coupling)) == pytest.approx(float(regions.boundary_c_min(coupling)),
                                                                      abs=1e-9)


@settings(max_examples=6, deadline=None)
@given(st.floats(0.54, 1.87))
def test_eq22_bulk_c_min_is_the_numeric_pocket_start(coupling: float) -> None:
    assert float(regions.c_min("bulk", coupling)) == pytest.approx(float(regions.bulk_c_min(coupling)), abs=1e-9)


def test_no_region_gives_nan() -> None:
    assert np.isnan(regions.c_min("boundary", 0.45))
    assert np.isnan(regions.c_min("bulk", 2.2))
    # vectorised over the coupling
    out = regions.c_min("boundary", np.array([0.45, 1.0]))
    assert np.isnan(out[0]) and out[1] == pytest.approx(0.6, abs=1e-9)  # SPEC: 0.6 at Γ = 1


@pytest.mark.parametrize("coupling", [0.6, 0.9, 1.0, 1.5, 2.0, 4.0])
def test_eq17_boundary_edge_matches_zero_of_lambda_min(coupling: float) -> None:
    start = float(regions.boundary_c_min(coupling))
    cs = np.linspace(start, 1.0, 8)[1:-1]
    # at c = 1 the edge may end at the product state (1, −1), where λ_min = 0: the policy's margin (1e-12) moves a
    # quadratic zero by ~1e-3 at most
    assert float(regions.lower_edge("boundary", 1.0, coupling)) == pytest.approx(
        max(float(regions.boundary_edge(1.0, coupling)), -1.0), abs=2e-3)
    numeric = regions.lower_edge("boundary", cs, coupling)
    formula = np.maximum(regions.boundary_edge(cs, coupling), -1.0)  # below −1: the tongue reaches d = −1
    np.testing.assert_allclose(numeric, formula, atol=1e-9)
    # above the edge entangled, below it separable
    lam_in = regions.boundary_lambda_min(cs, np.minimum(formula + 1e-3, 1.0), coupling)
    assert np.all(lam_in < 0)


@pytest.mark.parametrize("coupling", [0.6, 0.8, 1.0, 1.3, 1.8])
def test_eq21_bulk_edge_matches_zero_of_lambda_min(coupling: float) -> None:
    start = float(regions.bulk_c_min(coupling))
    cs = np.linspace(start, 1.0, 8)[1:]
    np.testing.assert_allclose(regions.lower_edge("bulk", cs, coupling), regions.bulk_edge(cs, coupling), atol=1e-9)


def test_tongue_exists_only_for_c_above_c_min() -> None:
    g = 1.3
    start = float(regions.boundary_c_min(g))
    d = np.linspace(-1, 1, 2001)
    assert regions.boundary_lambda_min(start - 1e-4, d, g).min() > 0
    assert regions.boundary_lambda_min(start + 1e-4, d, g).min() < 0


@settings(max_examples=15, deadline=None)
@given(st.floats(0.1, 3.0), st.floats(0.1, 3.0), unit, unit, st.floats(0.0, 1.0), st.integers(2, 8))
def test_spin_flip_mirror_symmetry(gl, gr, c, d, gamma, n) -> None:
    """(c, d) → (−c, −d) leaves λ_min of every pair unchanged (spin flip), for any Γ_L, Γ_R, γ."""
    kw = dict(dephasing=gamma, n=n, coupling_left=gl, coupling_right=gr)
    for i in range(1, n):
        for j in range(i + 1, n + 1):  # every pair (no st.data(): its draws overran old hypothesis' size limit)
            a = regions.pair_lambda_min((i, j), c, d, **kw)
            b = regions.pair_lambda_min((i, j), -c, -d, **kw)
            assert float(a) == pytest.approx(float(b), abs=1e-13), (i, j)


def test_mirror_tongue_and_diagonal_symmetry_on_a_grid() -> None:
    g = 2.0
    c = np.linspace(-1, 1, 201)[:, None]
    d = np.linspace(-1, 1, 201)[None, :]
    ent = regions.boundary_lambda_min(c, d, g) < -1e-12
    np.testing.assert_array_equal(ent, ent[::-1, ::-1])  # point reflection
    assert not np.array_equal(ent, ent.T)  # the boundary tongue is not symmetric about c = d
    left = ent[c[:, 0] < 0]
    assert left.any() and c[c[:, 0] < 0][left.any(axis=1)].max() == pytest.approx(-regions.boundary_c_min(g), abs=0.01)
    bulk = regions.bulk_lambda_min(c, d, 1.0) < -1e-12
    np.testing.assert_array_equal(bulk, bulk.T)  # reflection + flip: (c, d) → (d, c) for bulk pairs
    np.testing.assert_array_equal(bulk, bulk[::-1, ::-1])


def test_bad_input() -> None:
    with pytest.raises(ParameterError, match="coupling"):
        regions.boundary_c_min(-1.0)
    with pytest.raises(ParameterError, match="c must lie"):
        regions.boundary_edge(1.5, 1.0)
    with pytest.raises(ParameterError, match="pair"):
        regions.pair_lambda_min("middle", 0.5, 0.5, n=6)
    with pytest.raises(ParameterError, match="c must lie"):
        regions.lower_edge("boundary", 1.5, 1.0)
    with pytest.raises(ParameterError, match="dephasing"):
        regions.c_min("boundary", 1.0, dephasing=-0.1)


def test_spin_flip_maps_entangled_points_to_entangled_points():
    """regions.spin_flip is the symmetry the figures use to draw the mirror tongue: λ_min is invariant under it."""
    from dense_reference import dense_ness, dense_pair
    from nesskit import Model, lambda_min
    from nesskit.regions import spin_flip

    c, d = 0.8, -0.3
    fc, fd = spin_flip(c, d)
    for pair in ((1, 2), (2, 3)):
        lam = lambda_min(dense_pair(dense_ness(Model(4, coupling=2.0, c=c, d=d)), *pair, 4))
        lam_flipped = lambda_min(dense_pair(dense_ness(Model(4, coupling=2.0, c=float(fc), d=float(fd))), *pair, 4))
        assert lam == pytest.approx(lam_flipped, abs=1e-12)


@pytest.mark.parametrize("n", [3, 5])
def test_odd_n_central_pair_is_the_bond_left_of_the_middle(n: int) -> None:
    """"central"/"bulk" = (n//2, n//2 + 1) for every n (nesskit.pairs), checked against the dense NESS."""
    c, d, g = 0.9, 0.95, 0.05
    model = nk.Model(n, coupling=1.1, c=c, d=d, dephasing=g)
    i, j = n // 2, n // 2 + 1
    want = float(lambda_min(dense_pair(dense_ness(model), i, j, n)))
    for name in ("central", "bulk"):
        got = float(regions.pair_lambda_min(name, c, d, coupling=1.1, dephasing=g, n=n))
        assert got == pytest.approx(want, abs=1e-10)
    assert np.isfinite(regions.c_min("central", 1.0, dephasing=0.01, n=n)) or n == 3


def test_numeric_curves_on_another_method_equal_the_fast_lane() -> None:
    """regions.c_min / lower_edge through the free-fermion solver (per point) equal the closed-form fast lane."""
    g = 1.3
    fast = float(regions.c_min("boundary", g, n=5))
    slow = float(regions.c_min("boundary", g, n=5, method="free-fermion"))
    assert slow == pytest.approx(fast, abs=1e-8)
    assert fast == pytest.approx(float(regions.boundary_c_min(g)), abs=1e-9)
    cs = np.array([0.9, 0.97])
    np.testing.assert_allclose(regions.lower_edge("boundary", cs, g, n=5, method="free-fermion"),
                               np.maximum(regions.boundary_edge(cs, g), -1.0), atol=1e-8)
