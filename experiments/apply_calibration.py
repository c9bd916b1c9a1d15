"""Write a calibration's chosen values into the baseline defaults (a developer's tool).

Usage (from the repository root, after ``ptce-sim calibrate --out DIR``)::

    python experiments/apply_calibration.py DIR/calibration.json

What it does, so that the defaults, their provenance and every document that quotes them
agree with the calibration that produced them:

1. in ``src/ptce_sim/``, rewrites the default of each calibrated ``param(...)``
   declaration to the value the ``verify`` stage ran (``written``: 2 significant digits)
   and marks it ``source="calibrated"``;
2. in ``docs/odd.md``, updates the bracketed defaults quoted as ```key` [value]``;
3. regenerates ``docs/parameters.md``, ``scenarios/baseline.toml`` and the golden run
   (``tests/golden/``), each from the code.

Why a script that edits source rather than a data file of calibrated values: a default
stays readable where the parameter is declared, with its bounds, unit and meaning, and
the diff of a recalibration is a reviewable diff of the declarations. Add a CHANGELOG
line by hand: the script cannot say why the defaults moved.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "ptce_sim"

# One declaration: "    name: float = param(\n        <default>,\n ... \n    )"
DECL = r"(\n    {name}: (?:float|int) = param\(\n        )([^,\n]+)(,\n(?:        .*\n)*?)(    \))"


def _section_class(section: str) -> str:
    """Name of the dataclass that holds the parameters of ``section``."""
    import dataclasses

    from ptce_sim.world.parameters import Parameters

    fields = {f.name: f for f in dataclasses.fields(Parameters)}
    if section not in fields:
        raise SystemExit(f"{section!r} is not a parameter section")
    return type(fields[section].default_factory()).__name__  # type: ignore[misc]


def set_default(key: str, value: float | int) -> Path:
    """Rewrite the declaration of ``key``; return the file changed."""
    section, name = key.split(".", 1)
    owner_class = _section_class(section)
    pattern = re.compile(DECL.format(name=re.escape(name)))
    hits: list[tuple[Path, str]] = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for m in pattern.finditer(text):
            owner = re.findall(r"\nclass (\w+)", text[: m.start()])
            if owner and owner[-1] == owner_class:
                body = m.group(3)
                if "source=" in body:
                    body = re.sub(r'source="[^"]*"', 'source="calibrated"', body)
                else:
                    body += '        source="calibrated",\n'
                new = m.group(1) + repr(value) + body + m.group(4)
                hits.append((path, text[: m.start()] + new + text[m.end() :]))
    if len(hits) != 1:
        raise SystemExit(f"{key}: {len(hits)} declarations found in {SRC}, expected 1")
    path, text = hits[0]
    path.write_text(text, encoding="utf-8")
    return path


def set_odd(values: dict[str, float | int], odd: Path) -> None:
    """Update ```key` [value]`` quotes in the ODD description."""
    text = odd.read_text(encoding="utf-8")
    for key, value in values.items():
        quote = re.compile(r"(`" + re.escape(key) + r"` \[)([-0-9.e]+)")
        text = quote.sub(lambda m, v=value: m.group(1) + repr(v), text)
    odd.write_text(text, encoding="utf-8")


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        raise SystemExit(__doc__)
    result = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    written = result["written"]
    for key, value in written.items():
        print(f"{key} = {value!r}  ({set_default(key, value).relative_to(ROOT)})")
    set_odd(written, ROOT / "docs" / "odd.md")
    cli = [sys.executable, "-c", "import sys; from ptce_sim.apps.cli import main; sys.exit(main())"]
    with open(ROOT / "docs" / "parameters.md", "w", encoding="utf-8") as fh:
        subprocess.run([*cli, "params", "--markdown"], stdout=fh, check=True, cwd=ROOT)
    with open(ROOT / "scenarios" / "baseline.toml", "w", encoding="utf-8") as fh:
        subprocess.run([*cli, "params", "--toml"], stdout=fh, check=True, cwd=ROOT)
    subprocess.run([sys.executable, "tests/golden/regenerate.py"], check=True, cwd=ROOT)
    print(
        f"verdict of these values on fresh seeds: {result['patterns_passed']} of "
        f"{len(result['patterns'])} patterns pass (distance {result['distance']:.2f}); "
        "check with: ptce-sim patterns -n 50"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
