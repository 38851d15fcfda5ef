"""`load_mnist`: the one call the course makes for data, whichever MNIST this machine has."""

from typing import Literal

import torch

from .full_mnist import InvalidMnistFile, read_full_mnist
from .locations import PATH_VARIABLE, find_full_mnist, full_mnist_candidates
from .sample import split_sample

Source = Literal["auto", "sample", "full"]


def load_mnist(
    source: Source = "auto", valid_fraction: float = 0.2, seed: int = 42
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """x_train, y_train, x_valid, y_valid: float32 (N, 784) pixels in [0, 1] and int64 labels.

    "auto" takes full MNIST when it is on this machine and the bundled sample otherwise, so the
    course runs offline. Full MNIST comes with its own validation part; `valid_fraction` and
    `seed` only shape the sample's split (4,000 / 1,000 by default).
    """
    if source not in ("auto", "sample", "full"):
        raise ValueError(f'source must be "auto", "sample" or "full", not {source!r}')
    full_path = None if source == "sample" else find_full_mnist()
    if full_path is not None:
        (x_train, y_train), (x_valid, y_valid), _test = _read_found_file(full_path)
    elif source == "full":
        raise FileNotFoundError(_full_mnist_missing_message())
    else:
        x_train, y_train, x_valid, y_valid = split_sample(valid_fraction, seed)
    return (
        torch.tensor(x_train, dtype=torch.float32),
        torch.tensor(y_train, dtype=torch.int64),
        torch.tensor(x_valid, dtype=torch.float32),
        torch.tensor(y_valid, dtype=torch.int64),
    )


def _read_found_file(path):
    try:
        return read_full_mnist(path)
    except InvalidMnistFile as error:
        raise InvalidMnistFile(
            f"{path} is not usable full MNIST: {error}. Remove it or run `workbook data download` again."
        ) from error


def _full_mnist_missing_message() -> str:
    searched = "\n".join(f"  {path}" for path in full_mnist_candidates())
    return (
        f"Full MNIST (mnist.pkl.gz) was not found. Looked for:\n{searched}\n"
        f"Run `workbook data download` to fetch it, or set {PATH_VARIABLE} to the file's path. "
        'source="auto" falls back to the bundled 5,000-digit sample.'
    )
