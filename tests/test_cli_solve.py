"""``nesskit solve``: the JSON contract, the table, and clean errors (CliRunner and one real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import nesskit
from nesskit.cli import main
from nesskit.model import Model

PAIR_KEYS = {"i", "j", "rdm", "lambda_min", "negativity", "log_negativity", "concurrence"}
ARGS = ["solve", "--n", "5", "--coupling-left", "0.8", "--coupling-right", "1.4", "--mu", "0.9", "--mu-bar", "0.1",
        "--dephasing", "0.1,0.2,0.0,0.1,0.3", "--delta", "0.4", "--fields", "0.2,-0.1,0.0,0.3,0.1",
        "--method", "exact", "--pair", "1", "2", "--pair", "2", "4", "--pair", "5", "3", "--json"]
MODEL = Model(5, coupling_left=0.8, coupling_right=1.4, mu=0.9, mu_bar=0.1, dephasing=[0.1, 0.2, 0.0, 0.1, 0.3],
              delta=0.4, fields=[0.2, -0.1, 0.0, 0.3, 0.1])
PAIRS = [(1, 2), (2, 4), (5, 3)]


def check_contract(out: dict, model: Model, pairs: list[tuple[int, int]], method: str) -> None:
    n = model.n
    ness = nesskit.solve(model, method=method, pairs=pairs)
    assert out["n"] == n and out["method"] == ness.method
    assert len(out["magnetization"]) == n and len(out["current"]) == n - 1 and len(out["zz"]) == n - 1
    np.testing.assert_allclose(out["magnetization"], ness.magnetization, atol=1e-12)
    np.testing.assert_allclose(out["current"], ness.current, atol=1e-12)
    np.testing.assert_allclose(out["zz"], ness.zz, atol=1e-12)
    assert "residual" in out
    if out["method"] == "exact":
        assert out["residual"] <= 1e-12
    assert [(p["i"], p["j"]) for p in out["pairs"]] == pairs
    for p in out["pairs"]:
        assert PAIR_KEYS <= set(p)
        rdm = np.array(p["rdm"])
        assert rdm.shape == (4, 4, 2)
        np.testing.assert_allclose(rdm[..., 0] + 1j * rdm[..., 1], ness.pair(p["i"], p["j"]), atol=1e-12)
        ent = ness.entanglement(p["i"], p["j"])
        for key in ("lambda_min", "negativity", "log_negativity", "concurrence"):
            assert p[key] == pytest.approx(ent[key], abs=1e-12)


def test_json_contract_exact() -> None:
    result = CliRunner().invoke(main, ARGS)
    assert result.exit_code == 0, result.output
    check_contract(json.loads(result.stdout), MODEL, PAIRS, "exact")


def test_json_contract_auto_method() -> None:
    result = CliRunner().invoke(main, ["solve", "--n", "6", "--coupling", "1.0", "--c", "1", "--d", "1",
                                       "--dephasing", "0.05", "--pair", "3", "4", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    model = Model(6, coupling=1.0, c=1.0, d=1.0, dephasing=0.05)
    check_contract(out, model, [(3, 4)], "auto")
    # whichever method auto chose, it agrees with the exact solver
    ref = nesskit.solve(model, method="exact")
    np.testing.assert_allclose(out["magnetization"], ref.magnetization, atol=1e-9)
    assert out["pairs"][0]["lambda_min"] == pytest.approx(ref.entanglement(3, 4)["lambda_min"], abs=1e-9)


def test_table_output() -> None:
    result = CliRunner().invoke(main, [a for a in ARGS if a != "--json"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "NESS of n = 5 spins by method exact" in text
    assert "residual" in text and "λ_min" in text and "(2,4)" in text and "(5,3)" in text
    ness = nesskit.solve(MODEL, method="exact")
    assert f"{ness.magnetization[0]: .12f}".strip() in text
    assert f"{ness.entanglement(1, 2)['lambda_min']: .6e}".strip() in text


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["--n", "1"], "n"),
        (["--n", "4", "--coupling-left", "0"], "coupling_left"),
        (["--n", "4", "--coupling", "-1"], "coupling"),
        (["--n", "4", "--dephasing", "-0.1"], "dephasing"),
        (["--n", "4", "--dephasing", "0.1,0.1"], "dephasing"),
        (["--n", "4", "--mu", "3"], "rhombus"),
        (["--n", "4", "--c", "1.5", "--d", "0"], "c"),
        (["--n", "4", "--mu", "1", "--pair", "1", "7"], "pair site j"),
        (["--n", "4", "--mu", "1", "--pair", "0", "2"], "pair site i"),
        (["--n", "4", "--mu", "1", "--pair", "2", "2"], "i = j"),
        (["--n", "40", "--mu", "1", "--delta", "0.5", "--method", "exact"], "GiB"),
        (["--mu", "1"], "--n"),
    ],
)
def test_bad_input_is_a_clean_error(args: list[str], name: str) -> None:
    result = CliRunner().invoke(main, ["solve", *args])
    assert result.exit_code != 0
    assert name in result.stderr
    assert result.stderr.startswith("Error:")
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def nesskit_executable() -> str:
    exe = Path(sys.executable).with_name("nesskit")
    if not exe.exists():
        pytest.skip("the nesskit console script is not installed next to the interpreter")
    return str(exe)


def test_real_subprocess() -> None:
    exe = nesskit_executable()
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    proc = subprocess.run([exe, *ARGS], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    check_contract(json.loads(proc.stdout), MODEL, PAIRS, "exact")
    bad = subprocess.run([exe, "solve", "--n", "4", "--mu", "1", "--dephasing", "-1"], capture_output=True,
                         text=True, env=env, timeout=120)
    assert bad.returncode == 2
    assert "dephasing" in bad.stderr and "Traceback" not in bad.stderr and bad.stdout == ""


def test_tol_reaches_the_exact_solver_and_is_refused_elsewhere():
    from click.testing import CliRunner

    from nesskit.cli import main

    runner = CliRunner()
    ok = runner.invoke(main, ["solve", "--n", "5", "--mu", "1", "--delta", "0.4", "--tol", "1e-13", "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["residual"] <= 1e-13
    bad = runner.invoke(main, ["solve", "--n", "5", "--mu", "1", "--tol", "1e-13"])
    assert bad.exit_code == 2
    assert "--tol" in bad.output and "Traceback" not in bad.output


def test_one_number_lists_broadcast_like_scalars():
    """--fields 0.3 means a uniform field (like --field 0.3), --dephasing 0.1 every site, --hopping 1 every bond."""
    from click.testing import CliRunner

    from nesskit.cli import main

    runner = CliRunner()
    base = ["solve", "--n", "4", "--mu", "1", "--dephasing", "0.1", "--json"]
    one = runner.invoke(main, [*base, "--fields", "0.3", "--hopping", "1"])
    uniform = runner.invoke(main, [*base, "--field", "0.3"])
    assert one.exit_code == 0 and uniform.exit_code == 0, one.output + uniform.output
    assert json.loads(one.output)["model"]["fields"] == [0.3] * 4
    assert json.loads(one.output)["magnetization"] == json.loads(uniform.output)["magnetization"]
    wrong = runner.invoke(main, [*base, "--fields", "0.1,0.2"])
    assert wrong.exit_code == 2 and "fields" in wrong.output


def test_method_options_reach_the_method_and_are_checked():
    """-o KEY=VALUE sets any option of the method object; unknown keys, bad values and bad syntax are clean errors."""
    from click.testing import CliRunner

    from nesskit.cli import main

    runner = CliRunner()
    base = ["solve", "--n", "4", "--mu", "1", "--dephasing", "0.1", "--method", "tensor-network", "--json"]
    ok = runner.invoke(main, [*base, "-o", "bond_dimension=16", "-o", "trotter_check=none", "-o", "tol=1e-7"])
    assert ok.exit_code == 0, ok.output
    out = json.loads(ok.output)
    assert out["diagnostics"]["checks"]["bond_dimension_limit"] == 16
    assert out["diagnostics"]["checks"]["trotter_error"] is None
    for args, word in ([["-o", "bond_dim=7"]], "bond_dim"), ([["-o", "dt=2"]], "dt"), \
            ([["-o", "bond_dimension"]], "KEY=VALUE"), ([["-o", "tol=1e-7", "--tol", "1e-7"]], "tol"):
        bad = runner.invoke(main, [*base, *args[0]])
        assert bad.exit_code == 2, bad.output
        assert word in bad.output and "Traceback" not in bad.output
    exact = runner.invoke(main, ["solve", "--n", "4", "--mu", "1", "--delta", "0.3", "--method", "exact",
                                 "-o", "linear_solver=lu", "--json"])
    assert exact.exit_code == 0, exact.output
