"""nbgrader settings for the minibatch-training workbook (the course root is this folder)."""

import os

from workbook.course import COURSE_ID  # set once, in the course table

c = get_config()  # noqa: F821  (nbgrader provides get_config)

c.CourseDirectory.course_id = COURSE_ID
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# generate_solution writes the executed solution notebooks here (committed with release/).
c.CourseDirectory.solution_directory = "solutions"

# The assignments and their release order come from the course table (workbook/course/table.py,
# ASSIGNMENTS); generate_assignment adds each to the gradebook.

# Each cell gets 30 s (a demo cell trains on a small subset while NBGRADER_EXECUTION is
# set; a cell that loops forever is interrupted and grading goes on).
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
# A whole submission gets at most this timeout times its code cells, plus 300 s, before
# its grading process is killed and it is reported as not graded (`workbook grade --deadline`).

# Submitted files are untrusted input (workbook/grading/intake.py): a submission holding a
# file larger than this is refused with its size before anything reads it (kilobytes of
# 1000 bytes: nbgrader's own setting, which its exchange uses; 100000 is 100 MB, its default).
# Links and anything not a regular file (a FIFO, a socket, a device) are refused too.
c.CourseDirectory.max_file_size = 100000

# nbgrader gives 0 to a test cell that wrote to stderr. The checks already silence warnings
# while they run student code; this drops warnings that escape them (e.g. emitted by a
# solution cell's import and replayed later) so benign warnings never cost points.
c.IgnorePattern.pattern = r"\w*Warning\b"

# Feedback shows the failure messages of hidden tests, never their source code. Hidden
# tests are cleared from test cells only: a student's own "BEGIN HIDDEN TESTS" text must
# not break their feedback.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "workbook.grading.preprocessors.ClearHiddenTestCells",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# Long outputs are cut (nbgrader limits lines; a single huge line is cut by `workbook grade`).
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 40

# Before nbgrader checks a submission's metadata, copied graded cells (and graded cells the
# assignment does not have) become plain cells, by documented rules (workbook/course/cell_repair.py),
# instead of failing the whole notebook. nbgrader's own steps follow, unchanged.
c.Autograde.sanitize_preprocessors = [
    "workbook.grading.preprocessors.RepairCopiedCells",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# The sandbox shows a kernel only what grading needs (the README lists it: the Python
# environment, the system's libraries, the notebook's folder, full MNIST); a course that
# needs more, read-only (a data folder elsewhere), names it here.
c.SandboxedKernelManager.read_only_paths = []

# Autograding, hardened (workbook/grading/preprocessors.py): each kernel runs sandboxed and
# memory-limited and is replaced when it dies, outputs are cut by size as well as lines, and
# nothing a student wrote or displayed can run in a browser (formgrader, feedback).
c.Autograde.autograde_preprocessors = [
    "workbook.grading.preprocessors.ResilientExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "workbook.grading.preprocessors.LimitOutputSize",
    "workbook.grading.preprocessors.SanitizeStudentHTML",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# A deleted test cell is put back from the gradebook (and graded), never silently dropped.
c.OverwriteCells.add_missing_cells = True

# Late submissions (README, "Late submissions"): nbgrader compares each submission's
# timestamp.txt with the assignment's due date (`workbook build --due A=DATE`) and
# AssignLatePenalties (above) asks this plugin for the penalty, which every export subtracts:
# 10 % of the score per day or part of a day late, after 15 minutes' grace; 0 after 7 days.
c.AssignLatePenalties.plugin_class = "workbook.grading.late_penalty.PenaltyPerDay"
c.PenaltyPerDay.percent_per_day = 10.0
c.PenaltyPerDay.grace_minutes = 15.0
c.PenaltyPerDay.zero_after_days = 7
