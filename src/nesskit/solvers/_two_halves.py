"""TEBD on two cores: the chain cut in two halves, each evolved by its own process (SPEC §8.2).

The state is kept at a cut bond c (between sites c and c + 1, 0-based) in the form

    C = e^{ℓ_L + ℓ_R} · [L_0 ⋯ L_c] · Λ⁻¹ · [R_{c+1} ⋯ R_{n−1}],

where Λ holds the Schmidt values of the cut (unit norm) and both half-chains carry Λ at their cut end (L_c = U Λ,
R_{c+1} = Λ V right after a split). A layer of gates on bonds of one parity is then two independent sweeps, one per
half, each a mixed-canonical sweep of an MPS with an open boundary index at the cut; the gate on the cut bond itself
(every other layer: the cut has the parity of the first and last layer of a Trotter step) is applied where both
halves meet, on θ = L_c Λ⁻¹ R_{c+1}, and split again by a truncated SVD, which restores the exact canonical form.

Why Λ⁻¹ is safe: every operation on the right half (gates on its physical legs, QR, and truncations, which are
projections θ → θ P onto the kept Schmidt vectors on the far side of a bond) acts on the right of the cut index,
so R_{c+1} stays Λ × (something bounded) row by row, and L_c likewise column by column: Λ⁻¹ cancels one of the two
Λ factors exactly, up to rounding: the two halves' rounding errors ε meet as ε²/λ_i, so cut values below 1e-14 of
the largest are dropped at every split of the cut (their weight, ≤ 1e-28, is below any cutoff in use; at cutoff 0
values of ~1e-30 made the halves drift apart by 8e-6).

What is approximate: while the halves are swept, each truncates in the metric of its own half with the other half
taken as orthonormal, which it is exactly only right after a cut gate (the gates are within dt of the identity).
The cut gate then restores the canonical form. The gates within a layer commute, so the order in which the halves
and the cut gate are applied does not matter.

One worker process evolves the right half; the calling process evolves the left half and applies the cut gates.
The worker is started once per solve (:class:`TwoCores`) and reused by every stage.
"""
from __future__ import annotations

import math
import multiprocessing
import os
import socket
import subprocess
import sys
import traceback
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from ..errors import ParameterError, SolverError
from . import _parity_blocks as pb
from ._tebd import _MPS, _layers, _Propagator, _sweep

#: cut values below this × the largest are dropped at every split of the cut (weight ≤ its square)
CUT_FLOOR = 1e-14
#: relative weight below which a cut value is dropped on the split: CUT_FLOOR²
_SPLIT_CUTOFF = CUT_FLOOR**2


def cut_bond(n: int) -> int:
    """The even bond nearest the middle of the chain (the first and last layer of a step have parity 0)."""
    c = (n - 2) // 2
    return c - (c % 2)


def available_cores() -> int:
    """CPUs this process may run on (``os.sched_getaffinity`` where it exists)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_start_worker() -> str | None:
    """None when a worker process can be started here; else why not (a daemonic process, e.g. a Dask worker,
    may not have children; the worker is handed one end of a socket pair, which needs a POSIX system)."""
    if multiprocessing.current_process().daemon:
        return "this process is daemonic (e.g. a Dask or multiprocessing worker) and may not start a worker"
    if os.name != "posix":
        return "the worker process needs a POSIX system"
    return None


def worker_failure(nesskit_error: bool, text: str) -> Exception:
    """The exception the calling process raises for the worker's: a :class:`SolverError` where the worker's was one
    of nesskit's own (e.g. a state that became zero), else a RuntimeError (a bug, never a "failed point")."""
    if nesskit_error:
        return SolverError("the second core's worker process failed:\n" + text)
    return RuntimeError("the second core's worker process failed with an unexpected error (a bug in nesskit):\n"
                        + text)


def _worker(conn: Any) -> None:  # pragma: no cover - runs in the child process (its effects are tested)
    """The right half's process: ("config", …) sets the propagator, ("run", …) evolves, ("stop",) ends."""
    prop: _Propagator | None = None
    try:
        while True:
            msg = conn.recv()
            if msg[0] == "stop":
                return
            if msg[0] == "config":
                _, gens, dt, order, chi, cutoff = msg
                prop = _Propagator([], dt, order, chi, cutoff)
                prop.generators = gens  # already weighted by the caller
                continue
            _, steps, offset, tensors, parity, n_total = msg
            assert prop is not None
            half = _MPS.from_parts(tensors, parity, center=0, log_norm=0.0)
            local_n = len(tensors)
            by_parity = {p: [b - offset for b in range(p, n_total - 1, 2) if b >= offset and b - offset < local_n - 1]
                         for p in (0, 1)}
            def gate_of(b: int, w: float, p0: Any = prop, off: int = offset) -> np.ndarray:
                return p0.gate(b + off, w)

            for parity_k, w in _layers(prop.order, steps):
                if parity_k == 0:  # the cut gate's layer: meet the left half at the cut
                    if half.center != 0:
                        _sweep(half, gate_of, by_parity[0], w, prop.chi, prop.cutoff)
                        half.move_center(0)
                        conn.send(("cut", half.tensors[0], half.parity[1]))
                        half.tensors[0], half.parity[0] = conn.recv()
                    else:
                        conn.send(("cut", half.tensors[0], half.parity[1]))
                        half.tensors[0], half.parity[0] = conn.recv()
                        _sweep(half, gate_of, by_parity[0], w, prop.chi, prop.cutoff)
                else:
                    _sweep(half, gate_of, by_parity[1], w, prop.chi, prop.cutoff)
            half.move_center(0)
            conn.send(("done", half.tensors, half.parity, half.log_norm, half.discarded))
    except Exception as exc:  # the parent raises it again (:func:`worker_failure`)
        try:
            conn.send(("error", isinstance(exc, (SolverError, ParameterError)), traceback.format_exc()))
        except Exception:
            pass


class TwoCores:
    """A worker process for the right half of the chain, started once per solve and reused by every propagator.

    Use as a context manager; :meth:`close` stops the worker. Raises :class:`SolverError` when it cannot start.
    """

    def __init__(self) -> None:
        why = can_start_worker()
        if why is not None:
            raise SolverError(f"workers=2: {why}; use workers=1")
        # a fresh interpreter on one end of a socket pair: unlike multiprocessing's spawn it does not re-import the
        # caller's __main__ (a script without a __name__ guard would start itself again), and unlike fork it does
        # not copy the caller's threads
        parent, child = socket.socketpair()
        env = dict(os.environ)
        # the worker's BLAS: one thread (two processes on two cores; more threads only contend)
        env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        try:
            self._proc = subprocess.Popen([sys.executable, "-m", __name__, str(child.fileno())],
                                          pass_fds=(child.fileno(),), env=env, stdin=subprocess.DEVNULL)
        except OSError as exc:
            parent.close()
            raise SolverError(f"workers=2: could not start the worker process ({exc}); use workers=1") from exc
        finally:
            child.close()
        self._conn = Connection(parent.detach())
        self._configured: Any = None  # the propagator the worker was last configured for

    def __enter__(self) -> TwoCores:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._proc.poll() is None:
            try:
                self._conn.send(("stop",))
            except OSError:
                pass
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:  # pragma: no cover - a hung worker
                self._proc.kill()
                self._proc.wait()
        self._conn.close()

    def _recv(self) -> Any:
        try:
            msg = self._conn.recv()
        except EOFError as exc:
            raise SolverError("the second core's worker process ended unexpectedly; use workers=1") from exc
        if msg[0] == "error":
            raise worker_failure(msg[1], msg[2])
        return msg

    def configure(self, prop: Any) -> None:
        """Send the worker the (weighted) bond generators, dt, order, χ and cutoff of ``prop``, once per propagator."""
        if prop is not self._configured:
            self._conn.send(("config", list(prop.generators), prop.dt, prop.order, prop.chi, prop.cutoff))
            self._configured = prop  # kept alive, so that a new propagator is never mistaken for it

    def run(self, mps: _MPS, prop: _Propagator, steps: int) -> None:
        """Evolve ``mps`` (an ``_MPS``) by ``steps`` Trotter steps of ``prop`` (a ``_Propagator``), in place."""
        n = mps.n
        c = cut_bond(n)
        self.configure(prop)
        # split at the cut: L_c = U Λ, R_{c+1} = Λ V R_{c+1}
        mps.move_center(c)
        t = mps.tensors[c]
        l_dim = t.shape[0]
        u, s, vt, labels, _ = pb.truncated_block_svd(t.reshape(l_dim * 4, -1), pb.fuse(mps.parity[c], pb.PHYSICAL),
                                                     mps.parity[c + 1], t.shape[2], _SPLIT_CUTOFF)
        s = s / np.linalg.norm(s)
        lam = s
        left_tensors = [np.array(x) for x in mps.tensors[:c]] + [(u * s).reshape(l_dim, 4, -1)]
        left_parity = [np.array(p) for p in mps.parity[:c + 1]] + [labels]
        r0 = np.tensordot(s[:, None] * vt, mps.tensors[c + 1], axes=(1, 0))
        right_tensors = [r0] + [np.array(x) for x in mps.tensors[c + 2:]]
        right_parity = [labels] + [np.array(p) for p in mps.parity[c + 2:]]
        left = _MPS.from_parts(left_tensors, left_parity, center=c, log_norm=mps.log_norm)
        self._conn.send(("run", steps, c + 1, right_tensors, right_parity, n))
        bonds = {p: [b for b in range(p, c, 2)] for p in (0, 1)}  # the left half's own bonds (all < c)

        def gate_of(b: int, w: float) -> np.ndarray:
            return prop.gate(b, w)

        for parity_k, w in _layers(prop.order, steps):
            if parity_k == 0:
                if left.center != c:
                    _sweep(left, gate_of, bonds[0], w, prop.chi, prop.cutoff)
                    left.move_center(c)
                    lam = self._cut(left, lam, prop.gate(c, w), prop.chi, prop.cutoff)
                else:
                    lam = self._cut(left, lam, prop.gate(c, w), prop.chi, prop.cutoff)
                    _sweep(left, gate_of, bonds[0], w, prop.chi, prop.cutoff)
            else:
                _sweep(left, gate_of, bonds[1], w, prop.chi, prop.cutoff)
        left.move_center(c)
        msg = self._recv()
        _, r_tensors, r_parity, r_log_norm, r_discarded = msg
        # join: θ = L_c Λ⁻¹ R_{c+1}, split once more (identity gate) into the canonical form with the centre at c
        us, s, vt, labels, log_gain, discarded = _split_cut(left.tensors[c], lam, r_tensors[0], left.parity[c],
                                                            r_parity[1], None, prop.chi, prop.cutoff)
        mps.tensors = left.tensors[:c] + [us, vt] + list(r_tensors[1:])
        mps.parity = left.parity[:c + 1] + [labels] + list(r_parity[1:])
        mps.center = c
        mps.log_norm = left.log_norm + r_log_norm + log_gain
        mps.discarded += left.discarded + r_discarded + discarded

    def _cut(self, left: Any, lam: np.ndarray, gate: np.ndarray, chi: int, cutoff: float) -> np.ndarray:
        """The cut bond's gate on θ = L_c Λ⁻¹ R_{c+1}; returns the new Λ (the worker gets Λ V)."""
        c = left.n - 1
        msg = self._recv()
        _, y, y_parity = msg
        try:
            us, s, vt, labels, log_gain, discarded = _split_cut(left.tensors[c], lam, y, left.parity[c], y_parity,
                                                                gate, chi, cutoff)
        except SolverError:
            self._conn.send((y, left.parity[c + 1]))  # let the worker go on to the end of its run
            raise
        left.discarded += discarded
        left.log_norm += log_gain
        left.tensors[c] = us
        left.parity[c + 1] = labels
        self._conn.send((s[:, None, None] * vt, labels))
        return s


def _split_cut(x: np.ndarray, lam: np.ndarray, y: np.ndarray, x_parity: np.ndarray, y_parity: np.ndarray,
               gate: np.ndarray | None, chi: int, cutoff: float
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float, float]:
    """θ = x Λ⁻¹ y across the cut (x = L_c, y = R_{c+1}), the gate (None: none) applied, split by a truncated SVD.

    Returns (U S as the new L_c, S (unit norm), V as tensors, the bond labels, the log of the norm θ had, the
    discarded weight relative to θ); the new R_{c+1} is S V (``S[:, None, None] * V``).
    """
    theta = np.tensordot(x / lam[None, None, :], y, axes=(2, 0))  # (l, 4, 4, r)
    lc, rc = theta.shape[0], theta.shape[3]
    nrm = float(np.linalg.norm(theta))
    if not math.isfinite(nrm) or nrm == 0:
        raise SolverError("the tensor-network state became zero or non-finite; reduce dt")
    theta = theta / nrm
    if gate is not None:
        theta = np.tensordot(gate.reshape(4, 4, 4, 4), theta, axes=((2, 3), (1, 2))).transpose(2, 0, 1, 3)
    # the cut's values stay above CUT_FLOOR × the largest even at cutoff 0, where Λ⁻¹ would multiply the rounding
    # of the two halves together (ε²/λ: at λ ~ 1e-30 the halves drifted apart by 8e-6, n = 8, Δ = 1, γ = 0)
    u, s, vt, labels, total = pb.truncated_block_svd(theta.reshape(lc * 4, 4 * rc), pb.fuse(x_parity, pb.PHYSICAL),
                                                     pb.fuse(pb.PHYSICAL, y_parity), chi, max(cutoff, _SPLIT_CUTOFF))
    if not np.isfinite(total) or total == 0:
        raise SolverError("the tensor-network state became zero or non-finite; reduce dt")
    kept = float(s @ s)
    s = s / math.sqrt(kept)
    return ((u * s).reshape(lc, 4, -1), s, vt.reshape(-1, 4, rc), labels, math.log(nrm) + 0.5 * math.log(kept),
            (total - kept) / total)

if __name__ == "__main__":  # pragma: no cover - the worker process (python -m nesskit.solvers._two_halves FD)
    _worker(Connection(int(sys.argv[1])))
