"""A disordered chain's NESS is reproducible from its seed through the CLI (``--disorder W --seed S``)."""

from __future__ import annotations

import json

import numpy as np
from click.testing import CliRunner

from nesskit import Model, disorder_fields
from nesskit.cli import main
from nesskit.solvers import free_fermion, hierarchy


def run_json(*args: str) -> dict:
    result = CliRunner().invoke(main, ["solve", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_same_seed_same_profile_different_seed_different() -> None:
    base = ["--n", "30", "--mu", "1", "--disorder", "1", "--method", "free-fermion"]
    first = run_json(*base, "--seed", "7")
    again = run_json(*base, "--seed", "7")
    other = run_json(*base, "--seed", "8")
    assert first["method"] == "free-fermion"
    assert first["magnetization"] == again["magnetization"] and first["model"]["fields"] == again["model"]["fields"]
    assert first["current"] == again["current"]
    assert not np.allclose(first["magnetization"], other["magnetization"], atol=1e-6)
    # and the CLI's profile is the library's, from the documented field draw
    model = Model(30, mu=1.0, fields=disorder_fields(30, 1.0, seed=7))
    np.testing.assert_allclose(first["magnetization"], free_fermion.solve(model).magnetization, atol=1e-12)


def test_disordered_dephasing_chain_by_hierarchy_with_pair() -> None:
    out = run_json("--n", "12", "--mu", "1", "--disorder", "0.5", "--seed", "3", "--dephasing", "0.1",
                   "--method", "hierarchy", "--pair", "6", "7")
    model = Model(12, mu=1.0, dephasing=0.1, fields=disorder_fields(12, 0.5, seed=3))
    ness = hierarchy.solve(model)
    np.testing.assert_allclose(out["zz"], ness.zz, atol=1e-12)
    assert out["pairs"][0]["i"] == 6 and np.isfinite(out["pairs"][0]["lambda_min"])


def test_hierarchy_refuses_far_pairs_on_the_cli() -> None:
    result = CliRunner().invoke(main, ["solve", "--n", "8", "--mu", "1", "--dephasing", "0.1", "--method",
                                       "hierarchy", "--pair", "2", "5"])
    assert result.exit_code == 2
    assert "nearest-neighbour" in result.output


def test_profile_only_hierarchy_prints_a_table_and_null_zz() -> None:
    args = ["solve", "--n", "40", "--mu", "1", "--dephasing", "0.1", "--disorder", "0.3", "--seed", "1"]
    table = CliRunner().invoke(main, args)
    assert table.exit_code == 0, table.output
    assert "not computed" in table.output
    out = run_json(*args[1:])
    assert out["method"] == "hierarchy" and out["zz"] is None and len(out["current"]) == 39
