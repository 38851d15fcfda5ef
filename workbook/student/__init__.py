"""What runs on a student's own machine, outside the notebooks: ``workbook check``.

The student wheel (``workbook build`` writes it into ``release/``) holds this package, the
checks and the data, and nothing of the instructor's tools. It may import the standard
library, nbformat and nbclient (present wherever Jupyter is) and ``workbook.course``;
never nbgrader, the gradebook or anything under ``source/``.
"""
