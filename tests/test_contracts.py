"""The grading contracts (workbook/grading/contracts.py): what crosses the pipe to a grading
process comes back equal, options survive the environment, and a wrong value says what is wrong."""

import pickle
from pathlib import Path

import pytest

from workbook import cli
from workbook.course import COURSE_ID
from workbook.grading import gradebook, sandbox
from workbook.grading.contracts import (ENVIRONMENT_NAMES, ContractError, GradeAnswer, GradeRequest, GradingOptions,
                                        Submission, SubmissionOutcome, is_ready_line, ready_line)


def test_a_request_round_trips_through_its_json_line():
    request = GradeRequest("ann", "01_cross_entropy")
    line = request.to_json()
    assert "\n" not in line
    assert GradeRequest.from_json(line) == request


def test_an_answer_round_trips_with_every_field():
    answer = GradeAnswer(ok=False, log="log\nlines", error="Traceback ...", feedback="feedback broke",
                         notes=["cell 3 repaired", "cell 9 repaired"], died=True)
    line = answer.to_json()
    assert "\n" not in line
    again = GradeAnswer.from_json(line)
    assert again == answer and again.notes == ("cell 3 repaired", "cell 9 repaired")


def test_an_answer_without_the_optional_fields_gets_their_defaults():
    assert GradeAnswer.from_json('{"ok": true}') == GradeAnswer(ok=True, log="", error="", feedback="", notes=(),
                                                                died=False)


@pytest.mark.parametrize("line, says", [
    ('{"log": ""}', "missing ok"),
    ('{"ok": "yes"}', "ok must be bool"),
    ('{"ok": true, "notes": [3]}', "notes must be text"),
    ('{"ok": true, "oops": 1}', "unknown oops"),
    ("[1, 2]", "expected a JSON object"),
    ("Traceback (most recent call last):", "not a JSON line"),
])
def test_a_malformed_answer_says_what_is_wrong(line, says):
    with pytest.raises(ContractError, match=says):
        GradeAnswer.from_json(line)


def test_a_malformed_request_says_what_is_missing():
    with pytest.raises(ContractError, match="missing assignment"):
        GradeRequest.from_json('{"student": "ann"}')


def test_only_the_ready_line_reads_as_ready():
    assert is_ready_line(ready_line())
    assert not is_ready_line(None)
    assert not is_ready_line('{"ready": false}')
    assert not is_ready_line("not json")


def test_an_outcome_says_whether_it_was_graded_and_survives_the_trip_to_a_dask_worker(tmp_path):
    sub = Submission("ann", "01_cross_entropy", tmp_path)
    assert sub.notebook == tmp_path / "01_cross_entropy.ipynb"
    graded = SubmissionOutcome(sub, None, "feedback broke")
    failed = SubmissionOutcome(sub, "missing notebook")
    assert graded.graded and not failed.graded
    assert pickle.loads(pickle.dumps(graded)) == graded


def test_default_options_are_todays_defaults():
    options = GradingOptions.from_environment({})
    assert options == GradingOptions()
    assert (options.sandbox, options.memory_limit, options.process_limit, options.tmp_limit) == \
        ("require", 6 * 2**30, 256, 512 * 2**20)
    assert options.kernel_threads is None and options.hidden == ()


def test_options_survive_the_environment_and_a_pickle():
    options = GradingOptions(sandbox="off", memory_limit=2 * 2**30, process_limit=64, tmp_limit=2**20,
                             kernel_threads=3, hidden=("/course", "/repo"))
    env = options.to_environment()
    assert env["WORKBOOK_SANDBOX"] == "off" and env["WORKBOOK_MEMORY_LIMIT"] == str(2 * 2**30)
    assert set(env) == set(ENVIRONMENT_NAMES.values())
    assert GradingOptions.from_environment(env) == options
    assert pickle.loads(pickle.dumps(options)) == options
    assert GradingOptions.from_environment(GradingOptions().to_environment()) == GradingOptions()


def test_options_replace_what_a_process_environment_had():
    inherited = {"PATH": "/bin", "WORKBOOK_KERNEL_THREADS": "7", "WORKBOOK_SANDBOX": "off"}
    env = GradingOptions().over(inherited)
    assert env["PATH"] == "/bin" and env["WORKBOOK_SANDBOX"] == "require"
    assert "WORKBOOK_KERNEL_THREADS" not in env  # not chosen here: the cores shared out, not the parent's 7


@pytest.mark.parametrize("name, value, says", [
    ("WORKBOOK_SANDBOX", "maybe", "WORKBOOK_SANDBOX must be require, off or auto, not 'maybe'"),
    ("WORKBOOK_MEMORY_LIMIT", "6G", "WORKBOOK_MEMORY_LIMIT must be a whole number of bytes, not '6G'"),
    ("WORKBOOK_PROCESS_LIMIT", "many", "WORKBOOK_PROCESS_LIMIT must be a whole number of processes"),
    ("WORKBOOK_KERNEL_THREADS", "two", "WORKBOOK_KERNEL_THREADS must be a whole number of threads"),
])
def test_a_bad_variable_names_itself_and_the_value(name, value, says):
    with pytest.raises(ContractError) as raised:
        GradingOptions.from_environment({name: value})
    assert says in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_bad_options_are_refused_when_made():
    with pytest.raises(ContractError, match="sandbox must be require, off or auto"):
        GradingOptions(sandbox="sometimes")
    with pytest.raises(ContractError, match="memory_limit must be int"):
        GradingOptions(memory_limit="6 GiB")


def test_the_sandbox_reads_its_options_from_the_environment_unless_given(monkeypatch):
    monkeypatch.setenv("WORKBOOK_SANDBOX", "off")
    monkeypatch.setenv("WORKBOOK_TMP_LIMIT", "4096")
    monkeypatch.setenv("WORKBOOK_HIDE", "/a:/b")
    assert sandbox.mode() == "off" and sandbox.tmp_limit() == 4096 and not sandbox.enabled()
    assert sandbox.mode(GradingOptions(sandbox="auto")) == "auto"
    assert {Path("/a"), Path("/b")} <= set(sandbox.hidden_folders(Path("/")))


def test_workbook_grade_flags_become_options_and_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("WORKBOOK_SANDBOX", "not a mode")  # overridden by --sandbox, so never read
    monkeypatch.setenv("WORKBOOK_PROCESS_LIMIT", "99")
    args = cli.parser().parse_args(["grade", "--sandbox", "off", "--memory-limit", "1.5"])
    options = cli.grading_options(args)
    assert options == GradingOptions(sandbox="off", memory_limit=int(1.5 * 2**30), process_limit=99)
    default = cli.grading_options(cli.parser().parse_args(["grade"]))
    assert default.sandbox == "require" and default.memory_limit == GradingOptions().memory_limit


def test_the_course_id_is_set_once_in_the_course_table():
    assert gradebook.COURSE_ID is COURSE_ID
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(__file__).resolve().parents[1]
    assert f'"{COURSE_ID}"' not in (root / "nbgrader_config.py").read_text()  # not spelled out a second time
    config = PyFileConfigLoader("nbgrader_config.py", str(root)).load_config()
    assert config.CourseDirectory.course_id == COURSE_ID
