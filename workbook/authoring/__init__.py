"""The instructor's course tools: build ``release/`` and ``solutions/`` from ``source/``, check
that nothing leaks, and make the student wheel.

Runs on the instructor's machine. May import ``workbook.course``, ``workbook.student`` (to write
its manifest) and ``workbook.grading.nbgrader_bridge`` (to run nbgrader's generate steps).
"""
