"""MNIST for the course: the bundled 5,000-digit sample, or full MNIST when present.

Runs in the student's kernel (the notebooks call ``load_mnist``) and in ``workbook data
download``; ships in the student wheel. May import torch, numpy, tqdm and the standard library;
nothing else from ``workbook``.
"""

from .download import DEFAULT_URL, DownloadError, download_mnist
from .locations import find_full_mnist
from .mnist import load_mnist

__all__ = ["DEFAULT_URL", "DownloadError", "download_mnist", "find_full_mnist", "load_mnist"]
