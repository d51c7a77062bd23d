"""Keep ci/min-versions.txt in step with the floors declared in pyproject.toml.

Every ``name>=X`` of ``[project] dependencies`` and of every optional-dependency group must appear in
ci/min-versions.txt as ``name==X`` (and nothing else may appear there), so that ``make test-min`` installs each
dependency at exactly its declared floor. With ``--installed`` it also checks that the running environment holds
those versions (pip may not have silently picked a newer one).

Usage: python ci/check_min_versions.py [--installed]
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    from pip._vendor import tomli as tomllib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
FLOOR = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*(?:\[[^\]]*\])?\s*>=\s*([0-9][0-9A-Za-z.]*)\s*$")
PIN = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*==\s*([0-9][0-9A-Za-z.]*)\s*$")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _release(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in re.findall(r"\d+", version.split("+")[0])[:3]]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def declared_floors() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for group in project.get("optional-dependencies", {}).values():
        reqs += group
    floors: dict[str, str] = {}
    for req in reqs:
        m = FLOOR.match(req)
        if not m:
            sys.exit(f"pyproject.toml: {req!r} has no plain '>=' floor; test-min needs one for every dependency")
        name, version = _norm(m.group(1)), m.group(2)
        if floors.get(name, version) != version:
            sys.exit(f"pyproject.toml: {name} has two floors, {floors[name]} and {version}")
        floors[name] = version
    return floors


def pinned() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "ci" / "min-versions.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = PIN.match(line)
        if not m:
            sys.exit(f"ci/min-versions.txt: {line!r} is not 'name==version'")
        pins[_norm(m.group(1))] = m.group(2)
    return pins


def main() -> None:
    floors, pins = declared_floors(), pinned()
    problems = [f"{n}: pyproject floor {v}, ci/min-versions.txt {pins.get(n, 'missing')}"
                for n, v in floors.items() if pins.get(n) != v]
    problems += [f"{n}: pinned in ci/min-versions.txt but not a dependency in pyproject.toml"
                 for n in pins if n not in floors]
    if "--installed" in sys.argv[1:]:
        for name, version in pins.items():
            try:
                have = metadata.version(name)
            except metadata.PackageNotFoundError:
                problems.append(f"{name}: not installed")
                continue
            if _release(have) != _release(version):
                problems.append(f"{name}: installed {have}, floor {version}")
    if problems:
        sys.exit("minimum versions out of step:\n  " + "\n  ".join(problems))
    print(f"minimum versions: {len(pins)} dependencies at their declared floors")


if __name__ == "__main__":
    main()
