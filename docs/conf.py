"""Sphinx configuration of the nesskit documentation.

Build (warnings are errors, nothing is downloaded)::

    sphinx-build -W --keep-going -b html docs docs/_build/html

* The API reference is generated at build time from the docstrings (autodoc + numpydoc): one page per public
  module found by walking the installed ``nesskit`` package, so a new solver module appears without editing
  anything here (``api/generated/``, git-ignored, is rewritten on every build).
* "Eq. 13", "Eqs. 16–17" and "SPEC §4" in docstrings become links to the anchors of the physics page
  (``physics.md``: ``(eq-13)``, ``(spec-4)``); see :func:`link_equations`.
* Tutorials and the gallery are MyST-NB notebooks executed at every build (``nb_execution_mode = "force"``),
  with one BLAS thread each.
* MathJax 3 is served from the local copy shipped by the ``sphinx-mathjax-offline`` package (no CDN).
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import re
import sys
from pathlib import Path

# -- environment: one BLAS thread in the build and in every notebook kernel (kernels inherit os.environ) --------
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
# Dask must not try to open its dashboard or look anything up on the network during the build.
os.environ.setdefault("DASK_DISTRIBUTED__DIAGNOSTICS_NVML", "False")

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
if str(ROOT / "src") not in sys.path:  # an uninstalled checkout also builds
    sys.path.insert(0, str(ROOT / "src"))

import nesskit  # noqa: E402

# -- project -------------------------------------------------------------------------------------------------
project = "nesskit"
author = "nesskit developers"
copyright = "nesskit developers"  # noqa: A001
release = nesskit.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_nb",
    "sphinx-mathjax-offline",  # local MathJax 3 (sets mathjax_path, copies the files into _static/mathjax)
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb"}
root_doc = "index"
exclude_patterns = ["_build", "README.md", ".gitignore", "**.ipynb_checkpoints", "jupyter_execute"]

# -- HTML ----------------------------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"nesskit {release}"
html_static_path = ["_static"]
html_css_files = ["nesskit.css"]
html_show_sourcelink = False
html_theme_options = {"navigation_with_keys": True}

# -- maths: MathJax 3 from the local copy; the paper's equation numbers are explicit \tag{n} ---------------------
mathjax3_config = {"tex": {"tags": "none"}, "chtml": {"matchFontHeight": False}}

# -- autodoc / numpydoc --------------------------------------------------------------------------------------
autodoc_default_options = {"members": True, "show-inheritance": True, "member-order": "bysource"}
autodoc_typehints = "none"          # the numpydoc "Parameters" sections state the types in words
autodoc_class_signature = "mixed"
numpydoc_show_class_members = False  # autodoc documents the members; numpydoc would add stub tables
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

# -- MyST / MyST-NB ------------------------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "substitution"]
myst_heading_anchors = 3
nb_execution_mode = "force"         # every tutorial runs at every build
nb_execution_timeout = 240
nb_execution_raise_on_error = True  # a failing cell fails the build
nb_execution_show_tb = True
nb_execution_in_temp = True         # files a tutorial writes land in a temporary folder
nb_merge_streams = True
nb_kernel_rgx_aliases = {".*": "python3"}

# -- nitpicky cross-references: every reference must resolve, except to packages not linked offline -------------
nitpicky = True
nitpick_ignore_regex = [
    # No intersphinx (nothing is downloaded at build time): references into these packages cannot resolve.
    (r"py:.*", r"(numpy|np|scipy|xarray|xr|dask|distributed|matplotlib|qutip|click|rich|h5py|pathlib|os)(\..*)?"),
    (r"py:.*", r"(collections\.abc|typing|abc|dataclasses|enum)\..*"),
]
#: Docstring references that do not resolve: none left (every reference in the docstrings resolves; add an entry
#: here, with the module it comes from, only for a reference that cannot be fixed at its source).
nitpick_ignore: list[tuple[str, str]] = []

# -- the API reference, generated from the installed package --------------------------------------------------
#: Order of the reference: the pipeline (model → method → NESS → pair → entanglement → sweeps → analysis →
#: figures); modules not listed go to "Other modules" at the end.
API_GROUPS: list[tuple[str, list[str]]] = [
    ("The package", ["nesskit"]),
    ("Model, methods, results", ["nesskit.model", "nesskit.methods", "nesskit.ness", "nesskit.errors"]),
    ("Pairs and entanglement", ["nesskit.pairs", "nesskit.entanglement", "nesskit.twospin"]),
    ("Solvers", ["nesskit.solvers", "nesskit.solvers.*"]),
    ("Sweeps and maps", ["nesskit.sweeps", "nesskit.sweeps.*", "nesskit.sweep", "nesskit.storage"]),
    ("Analysis and critical values", ["nesskit.analysis", "nesskit.regions", "nesskit.critical"]),
    ("Thermal states", ["nesskit.thermal", "nesskit.thermal_map"]),
    ("Figures and the report", ["nesskit.figures", "nesskit.figures.*"]),
    ("Interoperability and internals", ["nesskit.interop", "nesskit.operators", "nesskit.memory"]),
]
#: Not part of the API reference: the command line has its own page (cli.md).
API_EXCLUDE = re.compile(r"^nesskit\.cli(\.|$)")


def public_modules() -> list[str]:
    """Every importable public module of nesskit (no component starting with "_"), CLI excluded."""
    names = ["nesskit"]
    for info in pkgutil.walk_packages(nesskit.__path__, prefix="nesskit."):
        if any(part.startswith("_") for part in info.name.split(".")) or API_EXCLUDE.match(info.name):
            continue
        names.append(info.name)
    return sorted(names)


def _place_of(name: str) -> tuple[int, int]:
    """(group, position in the group's pattern list) of a module, for the order of the reference."""
    for k, (_, patterns) in enumerate(API_GROUPS):
        for i, pattern in enumerate(patterns):
            if pattern == name or (pattern.endswith(".*") and name.startswith(pattern[:-1])
                                   and name.count(".") == pattern.count(".")):
                return k, i
    return len(API_GROUPS), 0


def _group_of(name: str) -> int:
    return _place_of(name)[0]


def _defined_in(obj: object, modname: str) -> bool:
    return getattr(obj, "__module__", None) == modname


def _reexports(modname: str) -> list[str]:
    """Names of ``__all__`` that are classes or functions defined elsewhere: the canonical target of each."""
    module = importlib.import_module(modname)
    out = []
    for name in getattr(module, "__all__", []):
        obj = getattr(module, name, None)
        if (inspect.isclass(obj) or inspect.isfunction(obj)) and not _defined_in(obj, modname):
            out.append(f"{obj.__module__}.{obj.__qualname__}")
    return out


def _is_package(modname: str) -> bool:
    return hasattr(importlib.import_module(modname), "__path__")


#: Words after which a period does not end the summary sentence.
_ABBREVIATIONS = {"phys", "rev", "eq", "eqs", "e.g", "i.e", "fig", "figs", "sec", "cf", "vs", "al", "ref", "no"}
_ROLE = re.compile(r":(?:[a-z]+:)+`(~?)([^`<]*?)(?:\s*<([^>]*)>)?`")


def _role_text(m: re.Match[str]) -> str:
    """What Sphinx would show for a role, as a literal: its title, else its target (last part after ``~``)."""
    tilde, title, target = m.group(1), m.group(2).strip(), m.group(3)
    if target is not None:
        return f"``{title}``" if title else f"``{target}``"
    return f"``{title.split('.')[-1] if tilde else title}``"


def summary(obj: object) -> str:
    """The first sentence of a docstring as plain reST (roles become literals: they would not resolve here)."""
    doc = inspect.getdoc(obj) or ""
    first = doc.strip().split("\n\n")[0].replace("\n", " ")
    text = first
    for m in re.finditer(r"[.!?](\s|$)", first):
        words = first[: m.start()].split()
        if not words or words[-1].lower().rstrip(".") not in _ABBREVIATIONS:
            text = first[: m.start() + 1]
            break
    text = _ROLE.sub(_role_text, text)
    text = re.sub(r"(?<!\\)\|", r"\\|", text)          # |↑⟩ is maths, not a substitution
    return text


def table(rows: list[tuple[str, str]]) -> list[str]:
    """A two-column list-table: a reference and a plain summary."""
    lines = [".. list-table::", "   :widths: 35 65", "   :class: api-table", ""]
    for ref, text in rows:
        lines += [f"   * - {ref}", f"     - {text or ' '}"]
    return lines + [""]


def _role_for(obj: object) -> str:
    return "class" if inspect.isclass(obj) else "func"


def module_page(modname: str) -> str:
    """The reST of one module's page: its docstring and members (autodoc), re-exports as a table."""
    title = f"``{modname}``"
    lines = [title, "=" * len(title), "", f".. automodule:: {modname}"]
    module = importlib.import_module(modname)
    reexported = _reexports(modname)
    if reexported:
        # Document only what the module defines; the re-exported names link to their own pages.
        own = []
        for n in getattr(module, "__all__", []):
            obj = getattr(module, n, None)
            if n.startswith("__") or inspect.ismodule(obj):
                continue
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and not _defined_in(obj, modname):
                continue
            own.append(n)
        lines += ([f"   :members: {', '.join(own)}"] if own else ["   :no-members:"])
        lines += ["", "Re-exported here", "----------------", "",
                  f"These names are importable from ``{modname}``; each is documented in its own module.", ""]
        rows = []
        for target in reexported:
            obj = _resolve(target)
            rows.append((f":py:{_role_for(obj)}:`{target.rsplit('.', 1)[1]} <{target}>`", summary(obj)))
        lines += table(rows)
    if _is_package(modname):
        subs = [m for m in public_modules() if m.startswith(modname + ".") and m.count(".") == modname.count(".") + 1]
        if subs:
            lines += ["", "Modules", "-------", ""]
            lines += table([(f":py:mod:`{m}`", summary(importlib.import_module(m))) for m in subs])
    return "\n".join(lines) + "\n"


def _resolve(dotted: str) -> object:
    """The object named by a dotted path ``module.Qual.Name``."""
    parts = dotted.split(".")
    for k in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:k]))
        except ImportError:
            continue
        for attr in parts[k:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


def write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def generate_api_pages() -> None:
    """Write ``api/generated/<module>.rst`` for every public module and the grouped index ``api/index.rst``."""
    out = DOCS / "api" / "generated"
    modules = public_modules()
    for stale in out.glob("*.rst") if out.exists() else ():
        if stale.stem not in modules:
            stale.unlink()
    for name in modules:
        write_if_changed(out / f"{name}.rst", module_page(name))
    groups: dict[int, list[str]] = {}
    for name in sorted(modules, key=lambda m: (*_place_of(m), m)):
        groups.setdefault(_group_of(name), []).append(name)
    lines = ["API reference", "=============", "",
             "Generated from the docstrings of the installed package: every public module of ``nesskit``. "
             "Equation numbers (\"Eq. 13\") and sections (\"SPEC §4\") link to :doc:`../physics`; sites are "
             "1-based everywhere (:doc:`../conventions`).", ""]
    titles = [t for t, _ in API_GROUPS] + ["Other modules"]
    for k in sorted(groups):
        lines += [titles[k], "-" * len(titles[k]), ""]
        lines += table([(f":py:mod:`{m}`", summary(importlib.import_module(m))) for m in groups[k]])
        lines += [".. toctree::", "   :hidden:", ""] + [f"   generated/{m}" for m in groups[k]] + [""]
    write_if_changed(DOCS / "api" / "index.rst", "\n".join(lines))


# -- links from docstrings to the physics page ----------------------------------------------------------------
#: Paper equations that have an anchor ``eq-N`` on the physics page.
EQUATION_ANCHORS = set(range(1, 26))
#: SPEC sections that have an anchor ``spec-N`` (``spec-8-1`` for §8.1) on the physics page.
SPEC_ANCHORS = {"1", "2", "3", "4", "5", "6", "7", "8", "8.1", "8.2"}

_LITERAL = re.compile(r"(``.+?``|:[a-z:]+:`[^`]*`|`[^`]*`_?)")
_REF = re.compile(r"\b(?:(?P<word>Eqs?\.)\s?(?P<first>\d+)(?:\s?[–-]\s?(?P<second>\d+))?"
                  r"|SPEC §\s?(?P<sec>\d+(?:\.\d+)?))")


def _link_segment(text: str) -> str:
    """Replace each equation / SPEC reference of a plain-text segment by ``:ref:`` roles."""

    def sub(m: re.Match[str]) -> str:
        if m.group("sec") is not None:
            sec = m.group("sec")
            if sec not in SPEC_ANCHORS:
                return m.group(0)
            out = f":ref:`SPEC §{sec} <spec-{sec.replace('.', '-')}>`"
        else:
            word, first, second = m.group("word"), int(m.group("first")), m.group("second")
            if first not in EQUATION_ANCHORS or (second is not None and int(second) not in EQUATION_ANCHORS):
                return m.group(0)
            if second is None:
                out = f":ref:`{word} {first} <eq-{first}>`"
            else:
                out = f"{word} :ref:`{first} <eq-{first}>`–:ref:`{second} <eq-{second}>`"
        # inline markup must stand apart from word characters: escaped spaces are invisible
        if m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "_*"):
            out = "\\ " + out
        if m.end() < len(text) and (text[m.end()].isalnum() or text[m.end()] in "_*"):
            out += "\\ "
        return out

    return _REF.sub(sub, text)


def link_line(line: str) -> str:
    """Turn "Eq. 13" / "Eqs. 16–17" / "SPEC §4" in one docstring line into links, outside literals and roles."""
    parts = _LITERAL.split(line)
    return "".join(p if k % 2 else _link_segment(_escape_bars(p)) for k, p in enumerate(parts))


def _escape_bars(text: str) -> str:
    """``|↑⟩``, ``|pm|`` and ``‖ρ‖`` are maths in the docstrings, not reST substitutions: escape the bars."""
    return re.sub(r"(?<!\\)\|", r"\\|", text)


def link_equations(app, what, name, obj, options, lines: list[str]) -> None:  # noqa: ANN001
    """autodoc-process-docstring: link equation numbers, except inside literal blocks, directives and doctests."""
    skip_indent: int | None = None
    in_table = False
    for k, line in enumerate(lines):
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if re.fullmatch(r"\+[-=+]+\+", stripped.rstrip()):  # a grid table: its bars are borders
            in_table = True
        if in_table:
            in_table = bool(stripped)
            continue
        if skip_indent is not None:
            if not stripped or indent > skip_indent:
                continue
            skip_indent = None
        if stripped.startswith((">>>", "...")):
            continue
        if stripped.startswith(".. ") or line.rstrip().endswith("::"):
            skip_indent = indent
            if stripped.startswith(".. "):
                continue
            # "text ::" / "text::": the paragraph itself is normal text; only what follows is literal.
        lines[k] = link_line(line)


# -- short names in docstrings: resolve them as the module that wrote them sees them ---------------------------
def resolve_imported_name(app, env, node, contnode):  # noqa: ANN001, ANN201
    """missing-reference: resolve ``:class:`SolverError``` written in a module that imports the name.

    Sphinx looks a short name up only among the objects documented in the current module. A docstring of
    ``nesskit.solvers.exact`` that says ``:class:`SolverError``` means the ``SolverError`` that module imports; this
    handler looks the name up in the module's namespace (and the current class's), takes the object's canonical
    location (``nesskit.errors.SolverError``) and resolves the reference there — only if that target is documented.
    """
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    modname = node.get("py:module")
    if not target or not modname or target.startswith(".") or target.startswith("nesskit."):
        return None
    try:
        scope: object = importlib.import_module(modname)
    except ImportError:
        return None
    candidates = []
    if node.get("py:class"):
        try:
            candidates.append(_resolve(f"{modname}.{node['py:class']}.{target}"))
        except (ImportError, AttributeError):
            pass
    try:
        candidates.append(_resolve(f"{modname}.{target}"))
    except (ImportError, AttributeError):
        pass
    domain = env.get_domain("py")
    for obj in candidates:
        names = []
        qual = getattr(obj, "__qualname__", None)
        owner = getattr(obj, "__module__", None)
        if qual and owner:
            names.append(f"{owner}.{qual}")
        if not (inspect.isclass(obj) or inspect.isfunction(obj) or inspect.ismethod(obj)):
            # data (a constant re-exported from another module): find where it is documented
            leaf = target.split(".")[-1]
            names += [f"{m}.{leaf}" for m in public_modules()
                      if getattr(importlib.import_module(m), leaf, object()) is obj]
        for name in names:
            if name in domain.objects:
                return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], name, node, contnode)
    del scope
    return None


def setup(app):  # noqa: ANN001, ANN201
    app.connect("builder-inited", lambda _app: generate_api_pages())
    app.connect("autodoc-process-docstring", link_equations, priority=400)  # before numpydoc (500)
    app.connect("missing-reference", resolve_imported_name)
    return {"parallel_read_safe": True}
