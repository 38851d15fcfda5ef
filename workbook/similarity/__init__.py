"""The similarity report: pairs of students whose solution cells share code beyond what the
course hands out, for a person to read. Runs on the instructor's machine; it reads notebooks,
never runs them, and imports no torch.

- ``tokens``: a cell as normalised tokens (names, comments, strings, numbers gone), cut in units;
- ``fingerprints``: winnowed k-gram hashes of those tokens, as MOSS does;
- ``collect``: the submissions' solution cells, read safely, and the skeleton and reference;
- ``compare``: the discount, the inverted index and the pairs' scores;
- ``page``: reports/similarity.html; ``run``: the command and its summary.
"""

from .run import DEFAULT_THRESHOLD, add_similarity_command, similarity, similarity_main

__all__ = ["DEFAULT_THRESHOLD", "add_similarity_command", "similarity", "similarity_main"]
