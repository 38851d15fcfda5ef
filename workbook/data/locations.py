"""Where full MNIST (`mnist.pkl.gz`) may live on this machine, in the order they are searched."""

import os
from pathlib import Path

FILE_NAME = "mnist.pkl.gz"
PATH_VARIABLE = "WORKBOOK_MNIST"


def cached_mnist_path() -> Path:
    """The per-user cache file that `workbook data download` writes by default."""
    cache_home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache_home) / "workbook" / FILE_NAME


def full_mnist_candidates() -> list[Path]:
    """$WORKBOOK_MNIST when set, then the user cache, then ./data: an explicit choice wins."""
    candidates = []
    chosen = os.environ.get(PATH_VARIABLE)
    if chosen:
        candidates.append(Path(chosen).expanduser())
    candidates.append(cached_mnist_path())
    candidates.append(Path.cwd() / "data" / FILE_NAME)
    return candidates


def find_full_mnist() -> Path | None:
    """The first candidate that is an existing file, or None when full MNIST is absent."""
    return next((path for path in full_mnist_candidates() if path.is_file()), None)
