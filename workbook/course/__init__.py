"""Facts and formats that every side shares: the course table (``table``), the failure
message format (``failures``) and the rules for graded cells (``cell_repair``).

Torch-free and light (the standard library and nbformat only), so that it runs anywhere: in the
student's kernel and ``workbook check`` (it ships in the student wheel), in the grader and in
the instructor's tools. It imports nothing else from ``workbook``.
"""

from .table import (ASSIGNMENT_TABLE, ASSIGNMENTS, COURSE_ID, EXERCISES, TOTAL_POINTS, Assignment, Exercise,
                    assignment, assignment_of, exercise, exercise_of)
