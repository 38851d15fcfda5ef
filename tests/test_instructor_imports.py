"""The instructor's tools never start PyTorch: they read notebooks, the gradebook and the course
table, and torch takes seconds to import (and is not needed on a grading or reporting machine)."""

import subprocess
import sys

from conftest import ROOT

INSTRUCTOR_MODULES = ["workbook.report", "workbook.audit", "workbook.authoring.build", "workbook.authoring.leaks",
                      "workbook.authoring.notebooks", "workbook.authoring.bundle", "workbook.authoring.answer_copies",
                      "workbook.grading", "workbook.grading.worker", "workbook.grading.preprocessors",
                      "workbook.grading.cluster", "workbook.demo", "workbook.course", "workbook.cli",
                      "workbook.export.run", "workbook.export.lms_collect", "workbook.grading.late_penalty",
                      "workbook.similarity",
                      "workbook.student.check"]  # workbook check runs a kernel; the command itself needs no torch


def _imported_after(modules: list[str]) -> set[str]:
    """The modules among torch and workbook.checks that a fresh interpreter holds after importing ``modules``."""
    code = ("import importlib, sys\n"
            f"for name in {modules!r}:\n"
            "    importlib.import_module(name)\n"
            "print(' '.join(m for m in ('torch', 'workbook.checks') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_the_instructor_tools_import_without_torch():
    assert _imported_after(INSTRUCTOR_MODULES) == set()


def test_the_probe_sees_torch_when_it_is_imported():
    assert _imported_after(["workbook.checks"]) == {"torch", "workbook.checks"}
