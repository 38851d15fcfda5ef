"""`workbook export`: grades and feedback in the form an LMS imports as they are.

Runs on the instructor's machine after grading. May import ``workbook.course``,
``workbook.grading.gradebook`` and nbgrader; never torch.

- ``roster``: the LMS's own gradebook export, read as the map from nbgrader's student ids to
  the LMS's; ``scores``: what each student gets per assignment (after late penalties);
- ``canvas``, ``moodle``: the grade CSV each LMS's import takes;
- ``feedback``: one zip of feedback pages per student;
- ``lms_collect``: nbgrader ``zip_collect`` for submissions downloaded from an LMS;
- ``run``: the command, which lists every student missing on either side; ``cli``: its
  arguments (importing it loads nothing else, so ``workbook --help`` stays quick).
"""
