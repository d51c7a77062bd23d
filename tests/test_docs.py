"""Fast checks of the documentation sources (the full build is ``make docs``).

They import ``docs/conf.py`` (which has no side effects at import: the API pages are written when Sphinx starts)
and check that every public module gets an API page, that the physics page has every anchor the docstring links
point at, and that the docstring rewriting leaves literals alone.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture(scope="module")
def conf():
    spec = importlib.util.spec_from_file_location("nesskit_docs_conf", DOCS / "conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REQUIRED_MODULES = [
    "nesskit", "nesskit.model", "nesskit.methods", "nesskit.ness", "nesskit.pairs", "nesskit.entanglement",
    "nesskit.twospin", "nesskit.solvers", "nesskit.solvers.closed_form", "nesskit.solvers.free_fermion",
    "nesskit.solvers.hierarchy", "nesskit.solvers.exact", "nesskit.sweeps", "nesskit.analysis", "nesskit.regions",
    "nesskit.critical", "nesskit.thermal", "nesskit.figures", "nesskit.figures.data", "nesskit.figures.plots",
    "nesskit.figures.report", "nesskit.interop",
]


def test_every_public_module_has_an_api_page(conf):
    modules = conf.public_modules()
    missing = [m for m in REQUIRED_MODULES if m not in modules]
    assert not missing, f"no API page for {missing}"
    assert not [m for m in modules if any(p.startswith("_") for p in m.split("."))], "private module documented"
    # every module found by walking the package gets a group in the reference
    for name in modules:
        page = conf.module_page(name)
        assert f".. automodule:: {name}" in page


def test_solver_modules_are_picked_up_automatically(conf):
    import pkgutil

    import nesskit.solvers

    solvers = {f"nesskit.solvers.{m.name}" for m in pkgutil.iter_modules(nesskit.solvers.__path__)
               if not m.name.startswith("_")}
    assert solvers <= set(conf.public_modules())


def test_reexports_link_to_canonical_pages(conf):
    page = conf.module_page("nesskit")
    assert ":py:class:`Model <nesskit.model.Model>`" in page
    assert ":py:func:`solve <nesskit.methods.solve>`" in page
    assert ":members:" not in page  # nothing documented twice


def test_physics_page_has_every_anchor(conf):
    text = (DOCS / "physics.md").read_text(encoding="utf-8")
    eq = {int(k) for k in re.findall(r"^\(eq-(\d+)\)=$", text, re.M)}
    spec = set(re.findall(r"^\(spec-([\d-]+)\)=$", text, re.M))
    assert eq == conf.EQUATION_ANCHORS
    assert spec == {s.replace(".", "-") for s in conf.SPEC_ANCHORS}
    for k in eq:  # the paper's number is shown next to its equation
        assert f"\\tag{{{k}}}" in text


def test_equation_links(conf):
    assert conf.link_line("as in Eq. 13, see") == "as in :ref:`Eq. 13 <eq-13>`, see"
    assert conf.link_line("Eqs. 16–17") == "Eqs. :ref:`16 <eq-16>`–:ref:`17 <eq-17>`"
    assert conf.link_line("(SPEC §8.1)") == "(:ref:`SPEC §8.1 <spec-8-1>`)"
    assert conf.link_line("``Eq. 13`` and :func:`Eq. 4`") == "``Eq. 13`` and :func:`Eq. 4`"
    assert conf.link_line("Eq. 99") == "Eq. 99"  # no anchor: left alone
    assert conf.link_line("|↑⟩ and ‖ρ‖") == "\\|↑⟩ and ‖ρ‖"


def test_literal_blocks_and_doctests_are_left_alone(conf):
    lines = ["Solve (Eq. 5)::", "", "    nk.solve(model)  # Eq. 13", "", "Then Eq. 13.", ">>> f(1)  # Eq. 1"]
    conf.link_equations(None, "function", "f", None, {}, lines)
    assert lines[0] == "Solve (:ref:`Eq. 5 <eq-5>`)::"
    assert lines[2] == "    nk.solve(model)  # Eq. 13"
    assert lines[4] == "Then :ref:`Eq. 13 <eq-13>`."
    assert lines[5] == ">>> f(1)  # Eq. 1"


def test_tutorials_are_executed_notebooks():
    tutorials = sorted((DOCS / "tutorials").glob("*.md"))
    names = {p.stem for p in tutorials}
    assert {"paper_figure", "own_chain", "dask_resume", "interacting"} <= names
    for path in tutorials:
        if path.stem == "index":
            continue
        text = path.read_text(encoding="utf-8")
        assert "file_format: mystnb" in text and "{code-cell}" in text, path.name
        assert path.stem in (DOCS / "tutorials" / "index.md").read_text(encoding="utf-8")


def test_gallery_has_every_figure():
    from nesskit.figures import FIGURES
    from nesskit.figures.report import CAPTIONS

    text = (DOCS / "gallery.md").read_text(encoding="utf-8")
    assert set(CAPTIONS) == set(FIGURES)
    for name in FIGURES:
        assert f'show("{name}")' in text, name


def test_grid_tables_keep_their_borders(conf):
    lines = ["+---+---+", "| a | b |", "+---+---+", "", "x |y| Eq. 3"]
    conf.link_equations(None, "function", "f", None, {}, lines)
    assert lines[:3] == ["+---+---+", "| a | b |", "+---+---+"]
    assert lines[4] == "x \\|y\\| :ref:`Eq. 3 <eq-3>`"
