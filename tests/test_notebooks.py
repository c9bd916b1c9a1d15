"""The notebooks in ``notebooks/``: paired, clean, on the public API, and they run.

Each notebook is a jupytext pair: a percent-format ``.py`` (the file to review and edit)
and an ``.ipynb`` (the file to open in Jupyter), kept in step by jupytext. A pair that
disagrees means someone edited one side without syncing (``jupytext --sync``); outputs
committed in an ``.ipynb`` make diffs unreadable and can carry numbers of a past
calibration. Executing each notebook is the only way to know it still works with the
model of today: they are run on a kernel of the test's own interpreter (slow: a few
seconds to a few tens of seconds each once the model is compiled).
"""

from __future__ import annotations

import ast
import json
import re
import sys
import time
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SCRIPTS = sorted(NOTEBOOKS.glob("*.py"))
IPYNBS = sorted(NOTEBOOKS.glob("*.ipynb"))

#: The notebooks the project promises (issue 17); a missing one fails the test.
EXPECTED = {
    "01_first_territory",
    "02_trust_and_turnover",
    "03_funding_policies",
    "04_sensitivity",
    "05_classroom",
    "05_classroom_fr",
}

#: Modules of ptce_sim a notebook may import: the public API (the model, a run, the
#: scenarios, the rules, survival, the comparison and the sensitivity study).
PUBLIC = (
    "ptce_sim.world.model",
    "ptce_sim.world.run",
    "ptce_sim.world.scenario",
    "ptce_sim.world.survival",
    "ptce_sim.rules",
    "ptce_sim.apps.compare",
    "ptce_sim.apps.sensitivity.spec",
    "ptce_sim.apps.sensitivity.study",
)

ids = [p.stem for p in SCRIPTS]

#: Code that draws a figure in a cell: pyplot, pandas' .plot, or a ptce_sim function
#: returning a Figure (``survival_figure``, ``indices_figure``, ...).
DRAWS = re.compile(r"\bplt\.(subplots|figure|show)\b|\.plot\(|\w+_figure\(")


def draws(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and bool(DRAWS.search(cell.source))


def shows_a_picture(cell: nbformat.NotebookNode) -> bool:
    return any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


def cells(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """(cell type, source without trailing blank lines) of every cell."""
    return [(c.cell_type, c.source.rstrip()) for c in nb.cells]


def test_the_promised_notebooks_exist_as_pairs() -> None:
    scripts = {p.stem for p in SCRIPTS}
    ipynbs = {p.stem for p in IPYNBS}
    assert scripts >= EXPECTED, f"missing notebooks: {sorted(EXPECTED - scripts)}"
    assert scripts == ipynbs, (
        f"unpaired: .py without .ipynb {sorted(scripts - ipynbs)}, "
        f".ipynb without .py {sorted(ipynbs - scripts)} (run `jupytext --sync` on it)"
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=ids)
def test_the_py_and_the_ipynb_agree(script: Path) -> None:
    paired = script.with_suffix(".ipynb")
    if not paired.exists():
        pytest.fail(f"{paired.name} is missing: run `jupytext --sync {script.name}`")
    from_py = jupytext.read(script)
    from_ipynb = nbformat.read(paired, as_version=4)
    assert cells(from_py) == cells(from_ipynb), (
        f"{script.name} and {paired.name} disagree: edit one, then "
        f"`jupytext --sync notebooks/{script.name}`"
    )
    formats = from_ipynb.metadata.get("jupytext", {}).get("formats", "")
    assert formats == "ipynb,py:percent", f"{paired.name} is not paired (formats={formats!r})"


@pytest.mark.parametrize("ipynb", IPYNBS, ids=[p.stem for p in IPYNBS])
def test_no_outputs_are_committed(ipynb: Path) -> None:
    nb = nbformat.read(ipynb, as_version=4)
    dirty = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)
    ]
    assert not dirty, (
        f"{ipynb.name}: cells {dirty} hold outputs or execution counts; strip them "
        f"(`jupytext --sync` rewrites the .ipynb from the .py without outputs)"
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=ids)
def test_notebooks_use_the_public_api_only(script: Path) -> None:
    tree = ast.parse(script.read_text(encoding="utf-8"))
    private = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            if name.startswith("ptce_sim") and not name.startswith(PUBLIC):
                private.append(name)
    assert not private, f"{script.name} imports outside the public API: {private}"


def test_a_pair_that_disagrees_is_detected() -> None:
    """The comparison above sees an edit made on one side only."""
    script = SCRIPTS[0]
    nb = jupytext.read(script)
    edited = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    code = next(c for c in edited.cells if c.cell_type == "code")
    code.source += "\nprint('edited in Jupyter, not synced')"
    assert cells(nb) != cells(edited)


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A kernel spec running this interpreter (never a ``python3`` kernel that happens to
    be installed for another Python on the machine)."""
    home = tmp_path_factory.mktemp("jupyter")
    spec = home / "kernels" / "ptce-sim-tests"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "ptce-sim tests", "language": "python"})
    )
    mp = pytest.MonkeyPatch()
    mp.setenv("JUPYTER_PATH", str(home))
    yield "ptce-sim-tests"
    mp.undo()


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS, ids=ids)
def test_the_notebook_runs(
    script: Path, kernel: str, tmp_path: Path, record_property: pytest.RecordProperty
) -> None:
    nb = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    # A generous per-cell limit: the first cell that builds a model compiles it on a
    # machine whose cache is cold (about a minute, more on a busy machine).
    client = NotebookClient(
        nb, timeout=900, kernel_name=kernel, resources={"metadata": {"path": str(tmp_path)}}
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    record_property("seconds", round(seconds, 1))
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors
    # A figure that silently fails to show (a library switching matplotlib's backend
    # under the notebook, say) leaves a "<Figure ...>" text, or nothing, where a picture
    # should be: every cell that draws must display one.
    blank = [i for i, c in enumerate(nb.cells) if draws(c) and not shows_a_picture(c)]
    assert not blank, f"cells {blank} draw a figure but display none"
    assert not list(tmp_path.iterdir()), "the notebook wrote files into its working folder"
