"""Grading without the sandbox is a decision (issue 12): `workbook grade` refuses without
bubblewrap and says how to get it; `--sandbox off` grades, and the summary and the report
say the grades were produced unsandboxed; `workbook demo` may go without, and says why.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, source_notebook

from workbook.authoring import build, notebooks
from workbook import demo, grading
from workbook.grading import sandbox

A = "01_cross_entropy"


def workbook(*args, env=None):
    return subprocess.run([sys.executable, "-m", "workbook.cli", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=900, env=env)


def _course(tmp_path, built=False) -> Path:
    course = tmp_path / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source" / A, course / "source" / A)
    if built:
        assert build.build(course, solutions=False, log=lambda *_: None) == []
        release = notebooks.read(notebooks.notebook_path(course, "release", A))
        nb = notebooks.make_submission(release, notebooks.reference_solutions(source_notebook(A)))
    else:
        nb = nbformat.v4.new_notebook()
    path = course / "submitted" / "ada" / A / f"{A}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, str(path))
    return course


def test_grade_refuses_without_bubblewrap_and_says_how_to_get_it(tmp_path):
    course = _course(tmp_path)
    no_bwrap = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # the venv's tools, no /usr/bin/bwrap
    no_bwrap.pop("WORKBOOK_SANDBOX", None)
    assert shutil.which("bwrap", path=no_bwrap["PATH"]) is None
    proc = workbook("grade", "--root", str(course), env=no_bwrap)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "refusing to run student code without the sandbox: bubblewrap is not installed" in proc.stderr
    assert "apt-get install bubblewrap" in proc.stderr
    assert "Linux machine or in a Linux container" in proc.stderr  # macOS, Windows
    assert "--sandbox off" in proc.stderr and "Traceback" not in proc.stderr
    assert not (course / "autograded").exists() and not (course / "gradebook.db").exists()


def test_grade_refuses_before_grading_anything_when_bubblewrap_fails(tmp_path, monkeypatch):
    course = _course(tmp_path)
    monkeypatch.delenv("WORKBOOK_SANDBOX", raising=False)
    monkeypatch.setattr(sandbox, "bubblewrap_works", lambda: False)
    with pytest.raises(sandbox.SandboxUnavailable, match="apt-get install bubblewrap"):
        grading.grade(course, jobs=1, progress=False, log=lambda *_: None)
    assert not (course / "autograded").exists()


def test_the_demo_goes_without_the_sandbox_only_where_bubblewrap_is_missing_and_says_why(monkeypatch):
    monkeypatch.delenv("WORKBOOK_SANDBOX", raising=False)
    monkeypatch.setattr(sandbox, "bubblewrap_works", lambda: False)
    mode, why = demo.demo_sandbox_mode()
    assert mode == "auto" and "WITHOUT" in why and "synthetic" in why and "apt-get install bubblewrap" in why
    monkeypatch.setenv("WORKBOOK_SANDBOX", mode)
    assert sandbox.enabled() is False  # and so the demo grades, unsandboxed
    monkeypatch.setattr(sandbox, "bubblewrap_works", lambda: True)
    monkeypatch.delenv("WORKBOOK_SANDBOX")
    assert demo.demo_sandbox_mode()[0] == "auto" and sandbox.enabled() is True


@pytest.mark.nbgrader
def test_sandbox_off_grades_and_the_summary_and_report_say_so(tmp_path):
    course = _course(tmp_path, built=True)
    env = {k: v for k, v in os.environ.items() if k != "WORKBOOK_SANDBOX"}
    proc = workbook("grade", "--root", str(course), "--sandbox", "off", "--jobs", "1", env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "WARNING: grading WITHOUT the sandbox" in proc.stdout
    assert "graded 1, failed 0" in proc.stdout and "WITHOUT THE SANDBOX (--sandbox off)" in proc.stdout
    assert "30/30" in proc.stdout
    report = workbook("report", "--root", str(course), env=env)
    assert report.returncode == 0, report.stdout + report.stderr
    assert f"ada/{A}: graded WITHOUT the sandbox" in report.stdout
    assert "graded WITHOUT the sandbox" in (course / "reports" / "report.html").read_text()
