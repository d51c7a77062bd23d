"""Thermal XX chain (SPEC §5): the quadrature of Eq. 3 against a finite free-fermion chain, the free-fermion
chain against brute-force exp(−βH − φM) for tiny n, limits (β = 0, β = ∞, ground states) and β_c."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st

import nesskit as nk
from dense_reference import dense_pair
from nesskit import thermal
from nesskit.entanglement import lambda_min
from nesskit.errors import ParameterError
from nesskit.operators import SIGMA_X, SIGMA_Z, hamiltonian, site_operator


@pytest.mark.parametrize("n", [2, 4, 5])
@pytest.mark.parametrize(("beta", "phi"), [(0.0, 0.7), (0.4, -0.3), (1.3, 0.5), (-0.8, 1.1)])
def test_finite_chain_matches_brute_force(n: int, beta: float, phi: float) -> None:
    h = hamiltonian(nk.Model(n)).toarray()
    m = sum(site_operator(SIGMA_Z, j, n) for j in range(1, n + 1)).toarray()
    rho = scipy.linalg.expm(-beta * h - phi * m)
    rho /= np.trace(rho)
    ff = thermal.finite_chain(n, beta, phi)
    for j in range(1, n + 1):
        assert np.trace(rho @ site_operator(SIGMA_Z, j, n).toarray()).real == pytest.approx(
            ff["magnetization"][j - 1], abs=1e-12)
    for j in range(1, n):
        xx = np.trace(rho @ (site_operator(SIGMA_X, j, n) @ site_operator(SIGMA_X, j + 1, n)).toarray()).real
        zz = np.trace(rho @ (site_operator(SIGMA_Z, j, n) @ site_operator(SIGMA_Z, j + 1, n)).toarray()).real
        assert xx == pytest.approx(ff["xx"][j - 1], abs=1e-12)
        assert zz == pytest.approx(ff["zz"][j - 1], abs=1e-12)
        assert float(lambda_min(dense_pair(rho, j, j + 1, n))) == pytest.approx(ff["lambda_min"][j - 1], abs=1e-12)


@settings(max_examples=20, deadline=None)
@given(st.floats(0.0, 3.0), st.floats(-3.0, 3.0))
def test_infinite_chain_matches_centre_of_long_open_chain(beta: float, phi: float) -> None:
    n = 240
    ff = thermal.finite_chain(n, beta, phi)
    inf = thermal.infinite_chain(beta, phi)
    bond = n // 2 - 1
    assert float(inf["magnetization"]) == pytest.approx(ff["magnetization"][bond], abs=1e-10)
    for key in ("xx", "zz", "energy", "lambda_min"):
        assert float(inf[key]) == pytest.approx(ff[key][bond], abs=1e-10)


def test_sign_convention_and_beta_zero() -> None:
    """β = 0: ⟨σᶻ⟩ = −tanh φ (exp(−φM) favours spin down; Eq. 12 with tanh φ = −μ̄)."""
    phi = np.linspace(-2, 2, 9)
    res = thermal.infinite_chain(0.0, phi)
    np.testing.assert_allclose(res["magnetization"], -np.tanh(phi), atol=1e-14)
    np.testing.assert_allclose(res["xx"], 0.0, atol=1e-14)
    assert float(thermal.infinite_chain(0.5, 1.0)["magnetization"]) < 0


def test_zero_temperature_limit() -> None:
    inf = thermal.infinite_chain(np.inf, 0.7)
    big = thermal.infinite_chain(1e6, 0.7)
    for key in inf:
        assert float(big[key]) == pytest.approx(float(inf[key]), abs=1e-6)
    assert float(inf["xx"]) == pytest.approx(-2 / np.pi, abs=1e-12)
    assert float(inf["magnetization"]) == pytest.approx(0.0, abs=1e-12)
    # ground states at fixed field h = φ/β: β → ∞ with φ = βh traces the T = 0 curve of Fig. 3
    beta = 1e4
    z, e = thermal.energy_magnetization(beta, beta * np.linspace(-1.8, 1.8, 7))
    np.testing.assert_allclose(e, thermal.ground_state_energy(z), atol=1e-6)
    # finite chain at β = ∞ is finite too
    assert np.all(np.isfinite(thermal.finite_chain(9, np.inf, 0.3)["lambda_min"]))


def test_negative_temperature_mirror_and_broadcasting() -> None:
    beta = np.array([0.2, 0.6, 1.5])[:, None]
    phi = np.array([-1.0, 0.0, 0.5, 3.0])[None, :]
    a = thermal.lambda_min(beta, phi)
    assert a.shape == (3, 4)
    np.testing.assert_allclose(a, thermal.lambda_min(-beta, phi), atol=1e-13)
    z, e = thermal.energy_magnetization(beta, phi)
    assert z.shape == e.shape == (3, 4)


def test_beta_critical_two_routes_and_paper() -> None:
    b = thermal.beta_critical([0.0, 4.0])
    assert b[0] == pytest.approx(0.5162, abs=1e-4)  # paper, T_c ≈ 1.94
    assert 1 / b[0] == pytest.approx(1.94, abs=5e-3)
    assert b[1] == pytest.approx(0.5146, abs=1e-4)
    assert thermal.beta_critical_finite(0.0, 128) == pytest.approx(b[0], rel=1e-9)
    assert thermal.beta_critical_finite(4.0, 256) == pytest.approx(b[1], rel=1e-9)
    # separable just below, entangled just above
    assert thermal.lambda_min(b[0] * (1 - 1e-6), 0.0) > 0 > thermal.lambda_min(b[0] * (1 + 1e-6), 0.0)


def test_bad_input() -> None:
    with pytest.raises(ParameterError, match="beta"):
        thermal.infinite_chain(np.nan, 0.0)
    with pytest.raises(ParameterError, match="phi"):
        thermal.infinite_chain(1.0, np.inf)
    with pytest.raises(ParameterError, match="n must be"):
        thermal.finite_chain(1, 1.0, 0.0)
    with pytest.raises(ParameterError, match="magnetization"):
        thermal.ground_state_energy(1.5)
