"""Reading and checking the classic `mnist.pkl.gz`: ((x_train, y_train), (x_valid, y_valid), (x_test, y_test)).

The file is a pickle, and unpickling can run arbitrary code, so only the few numpy names
that rebuild arrays are allowed in. The lesson's copy was written by Python 2, hence latin-1.
"""

import gzip
import os
import pickle

import numpy as np

PIXELS = 28 * 28
SPLIT_NAMES = ("train", "valid", "test")

# (module, name) globals an array pickle needs; old numpy spells numpy._core as numpy.core.
_ARRAY_GLOBALS = {
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy._core.numeric", "_frombuffer"),
    ("_codecs", "encode"),  # how Python 3 writes bytes at pickle protocol 2
}


class InvalidMnistFile(ValueError):
    """The file exists but is not a usable full-MNIST pickle."""


class _ArrayOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module.startswith("numpy.core."):
            module = "numpy._core." + module.removeprefix("numpy.core.")
        if (module, name) not in _ARRAY_GLOBALS:
            raise pickle.UnpicklingError(f"it refers to {module}.{name}, which a data file has no need of")
        return super().find_class(module, name)


def read_full_mnist(path: str | os.PathLike) -> tuple:
    """Unpickle and check the file; return its three (x, y) numpy pairs as stored."""
    with gzip.open(path, "rb") as stream:
        try:
            splits = _ArrayOnlyUnpickler(stream, encoding="latin-1").load()
        except Exception as error:  # gzip, zlib and unpickling each fail in their own ways
            raise InvalidMnistFile(f"it is not a gzip'd array pickle ({error})") from error
    check_splits(splits)
    return splits


def check_splits(splits) -> None:
    """Raise InvalidMnistFile unless `splits` are three (x, y) pairs of pixels in [0, 1] and digits 0-9."""
    if not (isinstance(splits, (tuple, list)) and len(splits) == len(SPLIT_NAMES)):
        raise InvalidMnistFile("expected three (x, y) pairs: train, valid and test")
    for name, split in zip(SPLIT_NAMES, splits):
        if not (isinstance(split, (tuple, list)) and len(split) == 2):
            raise InvalidMnistFile(f"the {name} part is not an (x, y) pair")
        _check_images(name, *split)


def _check_images(name: str, x, y) -> None:
    if not (isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)):
        raise InvalidMnistFile(f"{name} x is not a float array")
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] != PIXELS:
        raise InvalidMnistFile(f"{name} x has shape {x.shape}, expected (N, {PIXELS}) with N > 0")
    if not (x.min() >= 0 and x.max() <= 1):  # also false for NaN
        raise InvalidMnistFile(f"{name} x has values outside [0, 1]")
    if not (isinstance(y, np.ndarray) and np.issubdtype(y.dtype, np.integer) and y.ndim == 1):
        raise InvalidMnistFile(f"{name} y is not a 1-d integer array")
    if len(y) != len(x):
        raise InvalidMnistFile(f"{name} has {len(x)} images but {len(y)} labels")
    if not (y.min() >= 0 and y.max() <= 9):
        raise InvalidMnistFile(f"{name} y has labels outside 0-9")
