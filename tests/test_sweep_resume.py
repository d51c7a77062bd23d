"""A sweep killed with SIGKILL mid-way and started again recomputes only what is missing and ends identical."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from nesskit.errors import ParameterError
from nesskit.methods import solve
from nesskit.model import Model
from nesskit.ness import NESS
from nesskit.sweeps import Execution, sweep

CALLS: list[float] = []
AXES = {"c": np.linspace(-1, 1, 6), "d": np.linspace(-1, 1, 5)}  # 30 points
FIXED = dict(n=4, coupling=1.1, dephasing=0.03, pairs=["boundary", "bulk"])
CHUNK = 1
FINISHED = re.compile(r"chunk-\d{6}\.npz")


def slow_exact(model: Model) -> NESS:
    """Test-only method: the exact solver after a sleep of $NESSKIT_TEST_SLEEP seconds (counts its calls)."""
    time.sleep(float(os.environ.get("NESSKIT_TEST_SLEEP", "0")))
    CALLS.append(model.c)
    return solve(model, method="exact")


SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from test_sweep_resume import AXES, CHUNK, FIXED, slow_exact
    from nesskit.sweeps import Execution, sweep
    sweep(AXES, method=slow_exact, execution=Execution(workers=2, chunk_size=CHUNK, out={out!r}, progress=False),
          **FIXED)
    """
)


def test_sigkill_of_a_two_worker_sweep_and_resume(tmp_path: Path):
    reference = tmp_path / "reference.nc"
    sweep(AXES, method=slow_exact, execution=Execution(workers=0, chunk_size=CHUNK, out=reference), **FIXED)
    out = tmp_path / "map.nc"
    parts = tmp_path / "map.nc.parts"
    env = dict(os.environ, NESSKIT_TEST_SLEEP="0.3", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    code = SCRIPT.format(tests=str(Path(__file__).parent), out=str(out))
    # a session of its own, so that SIGKILL reaches the Dask worker processes too
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(list(parts.glob("chunk-*.npz"))) < 4:
            assert proc.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline
            # every name that looks like a finished part is one (temporaries never match the glob)
            assert all(FINISHED.fullmatch(p.name) for p in parts.glob("chunk-*.npz"))
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    finished = len(list(parts.glob("chunk-*.npz")))
    assert 4 <= finished < 30 and not out.exists()
    # stray temporaries of a killed run (and of nesskit 0.1, which matched the glob) are cleaned on resume
    (parts / "partial-000029-12345.tmp").write_bytes(b"half a chunk")
    (parts / "chunk-000029.tmp.npz").write_bytes(b"half a chunk")

    CALLS.clear()
    resumed = sweep(AXES, method=slow_exact, execution=Execution(workers=0, chunk_size=CHUNK, out=out), **FIXED)
    assert len(CALLS) == 30 - finished  # only the missing points were solved
    assert not parts.exists()
    xr.testing.assert_identical(xr.load_dataset(out), xr.load_dataset(reference))
    xr.testing.assert_identical(resumed, xr.load_dataset(reference))

    CALLS.clear()
    again = sweep(AXES, method=slow_exact, execution=Execution(workers=0, chunk_size=CHUNK, out=out), **FIXED)
    assert CALLS == []  # finished: loaded, nothing recomputed
    xr.testing.assert_identical(again, resumed)


def test_stray_temporaries_are_removed_and_not_counted(tmp_path: Path):
    from nesskit.storage import PartStore

    store = PartStore(tmp_path / "x.nc", "digest", 3)
    store.open()
    store.write(0, {"a": np.arange(3)})
    (store.parts / "partial-000001-1.tmp").write_bytes(b"")
    (store.parts / "chunk-000002.tmp.npz").write_bytes(b"")
    assert sorted(p.name for p in store.parts.iterdir()) == ["chunk-000000.npz", "chunk-000002.tmp.npz",
                                                             "manifest.json", "partial-000001-1.tmp"]
    assert store.open() == {0}
    assert sorted(p.name for p in store.parts.iterdir()) == ["chunk-000000.npz", "manifest.json"]
    np.testing.assert_array_equal(store.read(0)["a"], np.arange(3))


def test_other_definition_same_out(tmp_path: Path):
    out = tmp_path / "map.nc"
    sweep({"c": [0.0, 1.0]}, d=1.0, n=4, execution=Execution(out=out))
    with pytest.raises(ParameterError, match="overwrite"):
        sweep({"c": [0.0, 0.5]}, d=1.0, n=4, execution=Execution(out=out))
    ds = sweep({"c": [0.0, 0.5]}, d=1.0, n=4, execution=Execution(out=out, overwrite=True))
    assert ds.c.values.tolist() == [0.0, 0.5]
    # leftover parts of another definition are refused too
    parts = tmp_path / "fresh.nc.parts"
    parts.mkdir()
    (parts / "manifest.json").write_text('{"digest": "something else"}')
    (parts / "chunk-000000.npz").write_bytes(b"stale")
    fresh = tmp_path / "fresh.nc"
    with pytest.raises(ParameterError, match="overwrite"):
        sweep({"c": [0.0, 1.0]}, d=1.0, n=3, method="exact", execution=Execution(workers=0, out=fresh))
    ds = sweep({"c": [0.0, 1.0]}, d=1.0, n=3, method="exact", execution=Execution(workers=0, out=fresh,
                                                                                   overwrite=True))
    assert (ds.status == 0).all() and not parts.exists()
