"""The bundled 5,000-digit MNIST sample (see README.md here), shuffled and split."""

from importlib import resources

import numpy as np

SAMPLE_FILE = "mnist_5k.npz"


def read_sample() -> tuple[np.ndarray, np.ndarray]:
    """Images as float32 (5000, 784) in [0, 1] and labels as int64, sorted by class as stored."""
    with resources.files(__package__).joinpath(SAMPLE_FILE).open("rb") as stream, np.load(stream) as arrays:
        images, labels = arrays["images"], arrays["labels"]
    x = images.reshape(len(images), -1).astype(np.float32) / 255
    return x, labels.astype(np.int64)


def split_sample(valid_fraction: float, seed: int) -> tuple[np.ndarray, ...]:
    """x_train, y_train, x_valid, y_valid: shuffled first, since the file is sorted by class."""
    if not 0 < valid_fraction < 1:
        raise ValueError(f"valid_fraction must be between 0 and 1, not {valid_fraction}")
    x, y = read_sample()
    order = np.random.default_rng(seed).permutation(len(y))
    n_valid = round(len(y) * valid_fraction)
    valid, train = order[:n_valid], order[n_valid:]
    return x[train], y[train], x[valid], y[valid]
