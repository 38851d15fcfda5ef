"""The student's half: the wheel an instructor publishes, what it gives away (nothing), and
`workbook check`, run as a student would run them."""

import json
import re
import subprocess
import sys
import zipfile

import nbformat
import pytest
from conftest import ROOT, SPEC_POINTS, WRITTEN, release_notebook, source_notebook

from workbook.authoring import answer_copies, build, bundle, notebooks
from workbook.student import manifest

WHEEL = ROOT / "release" / bundle.wheel_name()
ALLOWED = re.compile(r"^workbook/(__init__\.py|course/\w+\.py|checks/\w+\.py|data/(\w+\.py|mnist_5k\.npz|README\.md)"
                     r"|student/(\w+\.py|course\.json))$|^workbook-[\d.]+\.dist-info/(METADATA|WHEEL|RECORD|"
                     r"entry_points\.txt|top_level\.txt)$")
INSTRUCTOR_ONLY = ("nbgrader", "sqlalchemy", "psycopg", "dask", "nbconvert", "pytest")


@pytest.fixture(scope="module")
def fresh_wheel(tmp_path_factory):
    return bundle.build_wheel(ROOT, WRITTEN, tmp_path_factory.mktemp("wheel"))


def _metadata(wheel) -> str:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(next(n for n in archive.namelist() if n.endswith("METADATA"))).decode()


def test_wheel_holds_only_the_students_part(fresh_wheel):
    names = zipfile.ZipFile(fresh_wheel).namelist()
    assert [n for n in names if not ALLOWED.match(n)] == []
    for needed in ("workbook/checks/__init__.py", "workbook/data/mnist_5k.npz", "workbook/data/README.md",
                   "workbook/student/check.py", "workbook/student/course.json", "workbook/course/cell_repair.py"):
        assert needed in names
    requires = [line.split(":", 1)[1].strip().lower() for line in _metadata(fresh_wheel).splitlines()
                if line.startswith("Requires-Dist:")]
    assert not [r for r in requires if r.startswith(INSTRUCTOR_ONLY)], requires
    torch_req = next(r for r in requires if r.startswith("torch"))
    assert "==" not in torch_req and "<3" in torch_req and ">=2.1" in torch_req  # keeps a hosted notebook's torch


def test_the_published_wheel_is_the_one_the_sources_give(fresh_wheel):
    """release/'s wheel is rebuilt with the package: `workbook build` and commit it."""
    assert WHEEL.exists(), f"{WHEEL} is missing: run `workbook build`"
    assert bundle.wheel_sources(WHEEL) == bundle.wheel_sources(fresh_wheel)
    assert [p.name for p in WHEEL.parent.glob("workbook-*.whl")] == [WHEEL.name]


def test_course_description_matches_the_release_notebooks():
    committed = json.loads((ROOT / "workbook" / "student" / manifest.MANIFEST).read_text())
    assert committed == {a: manifest.describe_release(release_notebook(a)) for a in WRITTEN}
    for assignment in WRITTEN:
        tests = [c for c in committed[assignment]["cells"].values() if c["role"] == "test"]
        assert sum(c["points"] for c in tests) == sum(SPEC_POINTS[assignment].values())


def test_nothing_students_receive_copies_a_reference_solution():
    assert build.check_bundle(ROOT, WRITTEN, WHEEL) == []


def _rename_locals(code: str, names: list[str]) -> str:
    """``code`` with every variable and argument of ``names`` renamed, as a student would."""
    import ast

    new = {name: f"renamed_{k}" for k, name in enumerate(names)}

    class Rename(ast.NodeTransformer):
        def visit_Name(self, node):
            node.id = new.get(node.id, node.id)
            return node

        def visit_arg(self, node):
            node.arg = new.get(node.arg, node.arg)
            return node

    renamed = ast.unparse(Rename().visit(ast.parse(code)))
    assert renamed != ast.unparse(ast.parse(code)) or not names
    return renamed


def test_the_copy_check_reads_the_wheel(tmp_path):
    """A renamed reference solution planted in a copy of the wheel is reported."""
    softmax = notebooks.reference_solutions(source_notebook("01_cross_entropy"))["softmax"]
    planted = tmp_path / WHEEL.name
    with zipfile.ZipFile(WHEEL) as original, zipfile.ZipFile(planted, "w") as copy:
        for item in original.infolist():
            copy.writestr(item, original.read(item))
        copy.writestr("workbook/checks/helpers.py", re.sub(r"\bx\b", "logits", softmax).replace("softmax", "probs"))
    assert build.check_bundle(ROOT, WRITTEN, planted) == [
        f"{WHEEL.name}: workbook/checks/helpers.py: probs is a copy of the reference softmax (softmax)"]


@pytest.mark.parametrize("assignment", WRITTEN)
def test_the_copy_check_sees_through_renaming(assignment):
    """Every non-trivial reference function, with its arguments and locals renamed, is found."""
    solutions = notebooks.reference_solutions(source_notebook(assignment))
    prints = answer_copies.fingerprints(solutions)
    assert prints, "no reference function is big enough to check"
    for exercise, code in solutions.items():
        for name, func in answer_copies.functions(code).items():
            if answer_copies._size(func) < answer_copies.MIN_NODES:
                continue
            renamed = _rename_locals(code, sorted(answer_copies._local_names(func) - {"self"}))
            found = {c.function for c in answer_copies.find_copies(prints, renamed, "student")}
            assert name in found, f"{exercise}: a renamed copy of {name} was not found"
    blank = notebooks.solution_cells(release_notebook(assignment))
    assert [c for src in blank.values() for c in answer_copies.find_copies(prints, src, "blank")] == []


# -- workbook check ----------------------------------------------------------------------------

def _solved(assignment):
    release = release_notebook(assignment)
    return notebooks.make_submission(release, notebooks.reference_solutions(source_notebook(assignment)))


def _cell(nb, grade_id):
    return next(c for c in nb.cells if notebooks.nbgrader_meta(c).get("grade_id") == grade_id)


def _workbook_check(command, path, cwd):
    return subprocess.run([*command, "check", str(path)], cwd=cwd, text=True, capture_output=True, timeout=900)


INSTRUCTOR_CHECK = [sys.executable, "-m", "workbook.cli"]


@pytest.mark.nbgrader
def test_check_names_every_accident_of_a_tampered_notebook(tmp_path):
    nb = _solved("01_cross_entropy")
    _cell(nb, "test_softmax_values").source += "\nprint('I changed this')"
    nb.cells.remove(_cell(nb, "test_logsumexp_stability"))
    _cell(nb, "test_nll_values").metadata["nbgrader"]["points"] = 50
    solution = _cell(nb, "log_softmax")
    pasted = nbformat.from_dict(json.loads(json.dumps(solution)))
    pasted.id = f"{solution.id}-copy"  # Jupyter gives a pasted cell a new id, and keeps its metadata
    nb.cells.insert(nb.cells.index(solution) + 1, pasted)
    nb.metadata["kernelspec"] = {"name": "evil", "display_name": "Evil", "language": "python"}
    _cell(nb, "accuracy").source = "def accuracy(out, yb):\n    return 1 / 0\n"
    path = tmp_path / "01_cross_entropy (1).ipynb"
    nbformat.write(nb, str(path))
    proc = _workbook_check(INSTRUCTOR_CHECK, path, tmp_path)
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "grader collects 01_cross_entropy.ipynb" in out
    assert "`test_softmax_values`" in out and "read-only but was edited" in out
    assert "`test_logsumexp_stability` was deleted" in out
    assert "points were changed from 3 to 50" in out
    assert "is a copy of a graded cell" in out
    assert "kernel is `evil`" in out
    assert re.search(r"TODO accuracy\s+visible check fails: .*ZeroDivisionError", out), out
    assert re.search(r"ok\s+softmax\s+visible checks pass", out), out
    assert "Not ready to submit" in out


def test_check_refuses_what_is_not_a_notebook(tmp_path):
    path = tmp_path / "01_cross_entropy.ipynb"
    path.write_text("{ not json")
    proc = _workbook_check(INSTRUCTOR_CHECK, path, tmp_path)
    assert proc.returncode == 2 and "not a readable notebook" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.nbgrader
def test_setup_cell_says_in_one_line_how_to_install_the_package(tmp_path):
    """A missing or outdated package: one line that says what to do, not a traceback."""
    from nbclient import NotebookClient

    setup = _cell(release_notebook("01_cross_entropy"), "setup").source
    for before, why in (("import sys\nsys.modules['workbook'] = None", "missing"),
                        ("import workbook\nworkbook.__version__ = '0.1.0'", "too old")):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(before), nbformat.v4.new_code_cell(setup)])
        NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=120).execute()
        (error,) = [o for o in nb.cells[1].outputs if o.output_type == "error"]
        assert error.ename == "CourseSetupError", why
        assert len(error.traceback) == 1 and "%pip install workbook-" in error.traceback[0], (why, error.traceback)


# -- a student's machine: a fresh environment outside the repository ----------------------------

@pytest.fixture(scope="module")
def student_env(tmp_path_factory):
    """A new virtual environment that has torch (as a hosted notebook does), then the wheel."""
    home = tmp_path_factory.mktemp("student")
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-c", str(ROOT / "constraints.txt")]
    subprocess.run([*pip, "torch==2.13.0"], check=True, cwd=home, timeout=1200)
    torch_file = subprocess.run([python, "-c", "import torch; print(torch.__file__)"], check=True, text=True,
                                capture_output=True).stdout.strip()
    before = (torch_file, _stat(torch_file))
    install = subprocess.run([*pip[:-2], "-v", str(WHEEL)], cwd=home, text=True, capture_output=True, timeout=1200)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    return {"home": home, "python": python, "workbook": [str(venv / "bin" / "workbook")], "torch_before": before,
            "install_log": install.stdout}


def _stat(path):
    import os

    st = os.stat(path)
    return st.st_ino, st.st_mtime_ns


@pytest.mark.nbgrader
def test_wheel_installs_beside_an_installed_torch_without_touching_it(student_env):
    torch_file, stat = student_env["torch_before"]
    assert _stat(torch_file) == stat, "installing the wheel reinstalled torch"
    installed = [line for line in student_env["install_log"].splitlines() if line.startswith("Successfully installed")]
    assert installed and "torch-" not in installed[0] and "workbook-" in installed[0]
    where = subprocess.run([student_env["python"], "-c", "import workbook, torch; print(workbook.__file__, torch.__version__)"],
                           text=True, capture_output=True, check=True, cwd=student_env["home"]).stdout
    assert str(ROOT) not in where and "site-packages" in where


@pytest.mark.nbgrader
@pytest.mark.parametrize("assignment", WRITTEN)
def test_students_check_passes_a_finished_notebook_and_names_every_unfinished_exercise(student_env, assignment):
    folder = student_env["home"] / assignment
    folder.mkdir()
    finished, blank = folder / f"{assignment}.ipynb", folder / "blank" / f"{assignment}.ipynb"
    blank.parent.mkdir()
    nbformat.write(_solved(assignment), str(finished))
    nbformat.write(release_notebook(assignment), str(blank))
    proc = _workbook_check(student_env["workbook"], finished, folder)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Ready to submit" in proc.stdout
    assert len(re.findall(r"^  ok  ", proc.stdout, re.M)) == len(SPEC_POINTS[assignment])
    proc = _workbook_check(student_env["workbook"], blank, blank.parent)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    for exercise in SPEC_POINTS[assignment]:
        assert re.search(rf"^  TODO {exercise}\s+not done", proc.stdout, re.M), proc.stdout
    assert "Not ready to submit" in proc.stdout
