"""Two-spin states: the X-state builder and the Pauli-table maps against the dense reference (SPEC §2)."""

from __future__ import annotations

import numpy as np
import pytest

from dense_reference import dense_ness, dense_pair, expectation
from nesskit import Model
from nesskit.operators import PAULIS, SIGMA_MINUS, SIGMA_PLUS, SIGMA_Z, site_operator
from nesskit.twospin import pauli_correlations, rdm_from_pauli_correlations, swap_spins, xstate_rdm


@pytest.fixture(scope="module")
def driven_chain() -> tuple[Model, np.ndarray]:
    model = Model(4, coupling_left=0.7, coupling_right=1.6, mu=0.9, mu_bar=0.2, dephasing=0.15,
                  fields=[0.3, -0.2, 0.1, 0.5])
    return model, dense_ness(model)


@pytest.mark.parametrize("pair", [(1, 2), (2, 3), (1, 3), (1, 4), (2, 4)])
def test_xstate_rdm_equals_partial_trace(driven_chain, pair):
    model, rho = driven_chain
    n = model.n
    i, j = pair
    z_i = expectation(rho, site_operator(SIGMA_Z, i, n)).real
    z_j = expectation(rho, site_operator(SIGMA_Z, j, n)).real
    zz = expectation(rho, site_operator(SIGMA_Z, i, n) @ site_operator(SIGMA_Z, j, n)).real
    pm = expectation(rho, site_operator(SIGMA_PLUS, i, n) @ site_operator(SIGMA_MINUS, j, n))
    assert abs(pm) > 1e-4  # the test must see a coherence
    np.testing.assert_allclose(xstate_rdm(z_i, z_j, zz, pm), dense_pair(rho, i, j, n), atol=1e-12)


def test_pauli_table_round_trip_and_definition(driven_chain):
    model, rho = driven_chain
    n = model.n
    r = dense_pair(rho, 1, 3, n)
    table = pauli_correlations(r)
    for a in range(4):
        for b in range(4):
            direct = expectation(rho, site_operator(PAULIS[a], 1, n) @ site_operator(PAULIS[b], 3, n)).real
            assert table[a, b] == pytest.approx(direct, abs=1e-12)
    np.testing.assert_allclose(rdm_from_pauli_correlations(table), r, atol=1e-13)


def test_swap_spins_gives_reversed_pair(driven_chain):
    model, rho = driven_chain
    forward = dense_pair(rho, 1, 2, model.n)
    # reversed order from the reference: reorder the kept axes by hand
    t = forward.reshape(2, 2, 2, 2).transpose(1, 0, 3, 2).reshape(4, 4)
    np.testing.assert_allclose(swap_spins(forward), t, atol=0)


def test_xstate_rdm_broadcasts():
    z = np.linspace(-0.5, 0.5, 6).reshape(2, 3)
    rho = xstate_rdm(z, 0.1, z * 0.1, 0.05j)
    assert rho.shape == (2, 3, 4, 4)
    np.testing.assert_allclose(np.trace(rho, axis1=-2, axis2=-1), 1.0)
    np.testing.assert_allclose(rho, np.conj(np.swapaxes(rho, -1, -2)))


def test_the_pauli_table_is_spec_section_1() -> None:
    """The one Pauli table: σᶻ|↑⟩ = +|↑⟩ with |↑⟩ = index 0, σ± = (σˣ ± iσʸ)/2, σˣσʸ = iσᶻ (SPEC §1)."""
    from nesskit.operators import IDENTITY, SIGMA_X, SIGMA_Y

    up = np.array([1, 0])
    np.testing.assert_array_equal(SIGMA_Z @ up, up)
    np.testing.assert_array_equal(SIGMA_PLUS, (SIGMA_X + 1j * SIGMA_Y) / 2)
    np.testing.assert_array_equal(SIGMA_MINUS, (SIGMA_X - 1j * SIGMA_Y) / 2)
    np.testing.assert_array_equal(SIGMA_PLUS @ np.array([0, 1]), up)  # σ⁺ = |↑⟩⟨↓| raises σᶻ
    np.testing.assert_array_equal(SIGMA_X @ SIGMA_Y, 1j * SIGMA_Z)
    for s in (SIGMA_X, SIGMA_Y, SIGMA_Z):
        np.testing.assert_array_equal(s @ s, IDENTITY)
    np.testing.assert_array_equal(PAULIS, np.stack([IDENTITY, SIGMA_X, SIGMA_Y, SIGMA_Z]))
    for table in (PAULIS, IDENTITY, SIGMA_X, SIGMA_Y, SIGMA_Z, SIGMA_PLUS, SIGMA_MINUS):
        with pytest.raises(ValueError):
            table[0, 0] = 5  # shared, read-only
