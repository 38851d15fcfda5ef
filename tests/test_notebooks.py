"""The notebooks' structure, and release/ and solutions/ in sync with source/ and leak-free."""

import ast
import shutil

import nbformat
import pytest
from conftest import ROOT, SPEC_POINTS, WRITTEN, release_notebook, source_notebook

from workbook.authoring import leaks, notebooks
from workbook.grading import nbgrader_bridge


@pytest.mark.parametrize("assignment", WRITTEN)
def test_source_is_stored_without_outputs(assignment):
    for cell in source_notebook(assignment).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("assignment", WRITTEN)
def test_exercises_and_points_match_the_spec(assignment):
    nb = source_notebook(assignment)
    assert list(notebooks.solution_cells(nb)) == list(SPEC_POINTS[assignment])
    assert notebooks.points_by_exercise(nb) == {e: float(p) for e, p in SPEC_POINTS[assignment].items()}
    exercises = list(SPEC_POINTS[assignment])
    for exercise, points in SPEC_POINTS[assignment].items():
        cells = [c for c in notebooks.test_cells(nb) if notebooks.exercise_of(c.grade_id, exercises) == exercise]
        assert cells, f"{exercise} has no test cell"
        if points >= 4:
            assert len(cells) >= 2, f"{exercise} ({points} points) needs two test cells for partial credit"
        visible = leaks._REGION.sub("", cells[0].source)
        assert f'C.exercise("{exercise}")' in visible, f"{exercise}: the first test cell has no visible check"


@pytest.mark.parametrize("assignment", WRITTEN)
def test_each_solution_cell_defines_exactly_its_name(assignment):
    for grade_id, source in notebooks.reference_solutions(source_notebook(assignment)).items():
        defined = set()
        for node in ast.parse(source).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                defined.add(node.name)
            elif isinstance(node, ast.Assign):
                defined |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        assert grade_id in defined, f"the {grade_id} cell does not define {grade_id}"
        assert all(n == grade_id or n.startswith("_") for n in defined), (grade_id, defined)


@pytest.mark.parametrize("assignment", WRITTEN)
def test_setup_first_and_integrity_last(assignment):
    code = [c for c in source_notebook(assignment).cells if c.cell_type == "code"]
    first, last = notebooks.nbgrader_meta(code[0]), notebooks.nbgrader_meta(code[-1])
    assert first.get("grade_id") == "setup" and first.get("locked")
    assert "import workbook.checks as C" in code[0].source
    assert last.get("grade_id") == "integrity" and "C.verify_integrity()" in code[-1].source


def test_all_points_add_up_to_100_once_every_assignment_is_written():
    total = sum(sum(notebooks.points_by_exercise(source_notebook(a)).values()) for a in WRITTEN)
    assert total == sum(sum(SPEC_POINTS[a].values()) for a in WRITTEN)
    if len(WRITTEN) == len(SPEC_POINTS):
        assert total == 100


# -- release/ and solutions/ ---------------------------------------------------------------

@pytest.fixture(scope="module")
def regenerated_release(tmp_path_factory):
    """release/ as `workbook build` would write it now, in a scratch course folder."""
    course = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source", course / "source")
    for assignment in WRITTEN:
        nbgrader_bridge.run(["generate_assignment", assignment, "--force"], course)
    return course / "release"


@pytest.mark.parametrize("assignment", WRITTEN)
def test_committed_release_is_what_the_build_generates(assignment, regenerated_release):
    fresh = (regenerated_release / assignment / f"{assignment}.ipynb").read_bytes()
    committed = notebooks.notebook_path(ROOT, "release", assignment).read_bytes()
    assert committed == fresh, "release/ is out of date: run `workbook build` and commit release/ and solutions/"


@pytest.mark.parametrize("assignment", WRITTEN)
def test_committed_solutions_are_the_executed_source(assignment):
    solution = notebooks.read(notebooks.notebook_path(ROOT, "solutions", assignment))
    source = source_notebook(assignment)
    assert [c.source for c in solution.cells] == [c.source for c in source.cells], (
        "solutions/ is out of date: run `workbook build` and commit it")
    for cell in solution.cells:
        if cell.cell_type == "code":
            assert cell.execution_count is not None, "solutions/ notebooks are executed"
            for output in cell.outputs:
                assert output.output_type != "error", f"the solution raises in {cell.get('id')}"


@pytest.mark.parametrize("assignment", WRITTEN)
def test_committed_release_has_no_leaks(assignment):
    assert leaks.check_release(ROOT, [assignment]) == []


def test_leak_check_catches_solutions_hidden_tests_and_outputs():
    assignment = WRITTEN[0]
    source, release = source_notebook(assignment), release_notebook(assignment)
    assert leaks.find_leaks(source, release) == []
    exercise, solution = next(iter(notebooks.reference_solutions(source).items()))
    leaked = notebooks.make_submission(release, {exercise: solution})
    assert any("line of a solution" in p for p in leaks.find_leaks(source, leaked))
    with_marker = nbformat.from_dict(release)
    with_marker.cells[-1].source += "\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS"
    assert any("marker" in p for p in leaks.find_leaks(source, with_marker))
    hidden_test = next(c for c in source.cells if "### BEGIN HIDDEN TESTS" in c.source)
    pasted = nbformat.from_dict(release)
    pasted.cells[-1].source = hidden_test.source.replace("### BEGIN HIDDEN TESTS", "").replace(
        "### END HIDDEN TESTS", "")
    assert any("hidden test" in p for p in leaks.find_leaks(source, pasted))
    with_output = nbformat.from_dict(release)
    code = next(c for c in with_output.cells if c.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="tensor(0.1234)")]
    assert any("outputs" in p for p in leaks.find_leaks(source, with_output))


def test_the_package_students_install_holds_no_solution_or_hidden_test():
    """The files of the student wheel (the instructor's tools never reach students, and a line
    such as ``return result`` there is no leak)."""
    from workbook.authoring.bundle import student_files

    package_text = "\n".join((ROOT / "workbook" / rel).read_text() for rel in student_files() if rel.suffix == ".py")
    package_lines = {line.strip() for line in package_text.splitlines()}
    for assignment in WRITTEN:
        found = leaks.secret_lines(source_notebook(assignment)) & package_lines
        assert not found, f"workbook/ contains lines of {assignment}'s solutions or hidden tests: {found}"
