"""The grader's machinery: runs on the instructor's (or a cluster's) machines, never a student's.

Path of a grade: ``run`` finds each student's notebook in ``submitted/`` and hands it to a
``worker`` process, which runs nbgrader's autograde with this package's ``preprocessors``;
they execute the notebook in a kernel that ``sandbox`` and ``limits`` confine. The
``gradebook`` stores the scores; ``cluster`` does the same work on Dask workers;
``nbgrader_bridge`` runs nbgrader's own command line with this environment's tools.
``contracts`` types what they hand each other: the worker's requests and answers, each
submission's outcome, and the ``GradingOptions`` (sandbox, limits) that reach the kernels.

May import: ``workbook.course`` and the instructor's libraries (nbgrader, nbconvert,
jupyter_client, SQLAlchemy, Dask). Never torch: student code, and the checks it calls, run
only inside the sandboxed kernel.
"""

from .contracts import GradingOptions, SubmissionOutcome
from .run import (
    LOG_FOLDER, GradeRun, Submission, actionable_reason, adopt_renamed, ensure_assignments, export_grades,
    find_submissions, grade, grade_one, grade_submission, grading_notes, in_shard, kernel_threads, parse_shard,
    precheck, renamed_copies, start_worker, summary, unsandboxed_submissions,
)
