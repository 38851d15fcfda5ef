import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/inprocess.py

from workbook import ASSIGNMENTS  # noqa: E402  (the course table's)
from workbook.authoring import notebooks  # noqa: E402

# The points of every exercise, as the course's design document fixes them (100 in all): an
# oracle written independently of the course table, which tests/test_course_table.py checks.
SPEC_POINTS = {
    "01_cross_entropy": {"softmax": 5, "logsumexp": 5, "log_softmax": 5, "nll": 5, "cross_entropy": 6, "accuracy": 4},
    "02_training_loop": {"fit_sgd": 8, "Optimizer": 7, "SGD": 5},
    "03_modules": {"MLP": 5, "MyModule": 10, "SequentialModel": 5},
    "04_data_loading": {"Dataset": 4, "Sampler": 5, "BatchSampler": 5, "collate": 3, "DataLoader": 5, "fit": 6,
                        "get_dls": 2},
}
WRITTEN = [a for a in ASSIGNMENTS if notebooks.notebook_path(ROOT, "source", a).exists()]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def source_notebook(assignment):
    return notebooks.read(notebooks.notebook_path(ROOT, "source", assignment))


def release_notebook(assignment):
    return notebooks.read(notebooks.notebook_path(ROOT, "release", assignment))


def ctrl_c_as_in_a_terminal():
    """``preexec_fn`` for a command a test stops with SIGINT: a shell that starts jobs in the
    background (``cmd &``, nohup, some CI runners) makes them ignore SIGINT, and Python then
    installs no KeyboardInterrupt handler; a user's terminal never does that."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
