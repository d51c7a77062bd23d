"""nesskit.interop: QuTiP's spin operators are nesskit's one Pauli table (SPEC §1), checked before converting."""

from __future__ import annotations

import types

import numpy as np
import pytest

from nesskit.model import Model

qutip = pytest.importorskip("qutip")

from nesskit.interop import check_conventions, density_matrix_to_qutip, to_qutip  # noqa: E402


def test_qutip_operators_match_the_pauli_table() -> None:
    check_conventions()
    check_conventions(qutip)


def test_a_qutip_with_another_basis_is_refused() -> None:
    """A QuTiP whose σᶻ were diag(−1, 1) (|↑⟩ = index 1) would flip every magnetization: refused by name."""
    flipped = types.SimpleNamespace(**{k: getattr(qutip, k) for k in
                                       ("qeye", "sigmax", "sigmay", "sigmap", "sigmam")})
    flipped.sigmaz = lambda: -qutip.sigmaz()
    with pytest.raises(ImportError, match="sigmaz"):
        check_conventions(flipped)
    swapped = types.SimpleNamespace(**{k: getattr(qutip, k) for k in ("qeye", "sigmax", "sigmay", "sigmaz")})
    swapped.sigmap, swapped.sigmam = qutip.sigmam, qutip.sigmap
    with pytest.raises(ImportError, match="sigmap"):
        check_conventions(swapped)


def test_to_qutip_magnetization_of_an_up_state() -> None:
    """|↑↑⟩ = QuTiP's basis(2, 0) ⊗ basis(2, 0) has ⟨σᶻ_j⟩ = +1 with nesskit's Hamiltonian dims."""
    h, c_ops = to_qutip(Model(2, mu=1.0))
    assert h.dims == [[2, 2], [2, 2]] and len(c_ops) == 4
    up = qutip.tensor(qutip.basis(2, 0), qutip.basis(2, 0))
    rho = density_matrix_to_qutip(np.asarray((up * up.dag()).full()), 2)
    for j in (0, 1):
        assert qutip.expect(qutip.tensor(*[qutip.sigmaz() if k == j else qutip.qeye(2) for k in (0, 1)]),
                            rho) == pytest.approx(1.0)
