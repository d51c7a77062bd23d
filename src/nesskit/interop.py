"""Interoperability with QuTiP 5 (optional dependency: ``pip install nesskit[qutip]``).

QuTiP's ``basis(2, 0)`` is (1, 0), the state QuTiP's ``sigmaz() = diag(1, −1)`` gives +1: it is nesskit's |↑⟩,
and QuTiP's ``sigmap()`` is nesskit's σ⁺ = |↑⟩⟨↓|. ``qutip.tensor`` puts its first factor leftmost, like
site 1 in nesskit (:mod:`nesskit.operators`), so matrices coincide element by element.

QuTiP's ``c_ops`` enter the textbook dissipator D[C]ρ = CρC† − ½{C†C, ρ}; the paper's dissipator (Eq. 6) is
2LρL† − {L†L, ρ} = D[√2 L]ρ, so the collapse operators are C_k = √2·L_k (SPEC §1).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .model import Model
from .operators import IDENTITY, SIGMA_MINUS, SIGMA_PLUS, SIGMA_X, SIGMA_Y, SIGMA_Z, hamiltonian, jump_operators_full


def _qutip() -> Any:
    try:
        import qutip
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImportError(
            "nesskit.interop needs QuTiP >= 5; install it with: pip install nesskit[qutip]"
        ) from exc
    check_conventions(qutip)
    return qutip


def check_conventions(qutip: Any = None) -> None:
    """Check that QuTiP's single-spin operators are nesskit's Pauli table (:mod:`nesskit.operators`).

    QuTiP's ``qeye(2)``, ``sigmax()``, ``sigmay()``, ``sigmaz()``, ``sigmap()``, ``sigmam()`` must equal σ⁰, σˣ,
    σʸ, σᶻ, σ⁺, σ⁻ in the basis |↑⟩ = index 0 (SPEC §1) element by element; every conversion of this module
    relies on it, and it is checked before each one.

    Parameters
    ----------
    qutip : module, optional
        The QuTiP module to check (default: ``import qutip``).

    Raises
    ------
    ImportError
        If QuTiP is missing or uses another spin basis (the matrices would then be silently wrong).
    """
    if qutip is None:
        _qutip()  # imports QuTiP and runs this check on it
        return
    ours = {"qeye(2)": IDENTITY, "sigmax()": SIGMA_X, "sigmay()": SIGMA_Y, "sigmaz()": SIGMA_Z,
            "sigmap()": SIGMA_PLUS, "sigmam()": SIGMA_MINUS}
    theirs = {"qeye(2)": qutip.qeye(2), "sigmax()": qutip.sigmax(), "sigmay()": qutip.sigmay(),
              "sigmaz()": qutip.sigmaz(), "sigmap()": qutip.sigmap(), "sigmam()": qutip.sigmam()}
    for name, op in theirs.items():
        if not np.array_equal(np.asarray(op.full()), ours[name]):
            raise ImportError(
                f"this QuTiP's {name} is {np.asarray(op.full()).tolist()}, not nesskit's "
                f"{ours[name].tolist()} (basis |up> = index 0, SPEC §1): nesskit.interop cannot convert safely"
            )


def to_qutip(model: Model) -> tuple[Any, list[Any]]:
    """The model as QuTiP objects: the Hamiltonian and the collapse operators.

    Parameters
    ----------
    model : Model
        The chain (SPEC §1, Eqs. 1 and 7–9).

    Returns
    -------
    H : qutip.Qobj
        The Hamiltonian (dims [[2]*n, [2]*n]), same matrix as :func:`nesskit.operators.hamiltonian`.
    c_ops : list of qutip.Qobj
        √2·L_k for every Lindblad operator of Eqs. 7–9 (textbook convention), so that
        ``qutip.steadystate(H, c_ops)`` is the paper's NESS.

    Examples
    --------
    >>> import qutip  # doctest: +SKIP
    >>> H, c_ops = to_qutip(Model(4, mu=1.0, dephasing=0.1))  # doctest: +SKIP
    >>> rho = qutip.steadystate(H, c_ops)  # doctest: +SKIP
    """
    qutip = _qutip()
    dims = [[2] * model.n, [2] * model.n]
    h = qutip.Qobj(hamiltonian(model), dims=dims)
    c_ops = [qutip.Qobj(op, dims=dims) for op in jump_operators_full(model, "textbook")]
    return h, c_ops


def density_matrix_to_qutip(rho: np.ndarray, n: int) -> Any:
    """A dense 2ⁿ × 2ⁿ density matrix (nesskit basis) as a ``qutip.Qobj`` with n qubit dims."""
    qutip = _qutip()
    return qutip.Qobj(np.asarray(rho), dims=[[2] * n, [2] * n])


__all__ = ["to_qutip", "density_matrix_to_qutip", "check_conventions"]
