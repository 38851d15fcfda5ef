"""workbook.data: the bundled sample, finding and reading full MNIST, and downloading it.

Every test runs with its own empty cache and working folder, and downloads only ever talk
to a server on 127.0.0.1, so the suite neither reads the real user cache nor needs a network.
"""

import gzip
import hashlib
import io
import os
import pickle
import re
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
import torch

from workbook.data import DownloadError, download_mnist, find_full_mnist, load_mnist
from workbook.data.full_mnist import InvalidMnistFile, read_full_mnist

SAMPLE_SHA256 = "246e0c30eeea57c8d0037d3f38c8e00651ec204cc61b8022563e9aeeb9d756f4"
FAKE_SIZES = (60, 20, 20)


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No $WORKBOOK_MNIST, a fresh cache and home, and an empty current folder."""
    monkeypatch.delenv("WORKBOOK_MNIST", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")


def fake_splits(sizes=FAKE_SIZES, seed=0):
    rng = np.random.default_rng(seed)
    return tuple((rng.random((n, 784), dtype=np.float32), rng.integers(0, 10, n, dtype=np.int64)) for n in sizes)


def write_fake_mnist(path, splits=None) -> Path:
    """A small file in the format of the real mnist.pkl.gz."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(pickle.dumps(splits or fake_splits())))
    return path


class _Python2StylePickler(pickle._Pickler):
    """Writes bytes as Python 2 `str` and numpy's module under its old name, like the lesson's file."""

    dispatch = pickle._Pickler.dispatch.copy()

    def _save_bytes_as_python2_str(self, data):
        self.write(pickle.BINSTRING + struct.pack("<i", len(data)) + data)
        self.memoize(data)

    dispatch[bytes] = _save_bytes_as_python2_str

    def save_global(self, obj, name=None):
        if getattr(obj, "__module__", None) == "numpy._core.multiarray":
            self.write(pickle.GLOBAL + b"numpy.core.multiarray\n" + obj.__name__.encode() + b"\n")
            self.memoize(obj)
        else:
            super().save_global(obj, name)


def python2_style_pickle(obj) -> bytes:
    buffer = io.BytesIO()
    _Python2StylePickler(buffer, protocol=2).dump(obj)
    return buffer.getvalue()


# --- the bundled sample ---------------------------------------------------------------------


def test_sample_loads_as_float_pixels_and_int_labels_split_4000_1000():
    x_train, y_train, x_valid, y_valid = load_mnist(source="sample")
    assert x_train.shape == (4000, 784) and x_valid.shape == (1000, 784)
    assert y_train.shape == (4000,) and y_valid.shape == (1000,)
    assert x_train.dtype == x_valid.dtype == torch.float32
    assert y_train.dtype == y_valid.dtype == torch.int64
    for x in (x_train, x_valid):
        assert 0 <= x.min() and x.max() <= 1 and x.max() > 0.99
    for y in (y_train, y_valid):
        assert set(y.tolist()) == set(range(10))


def test_sample_split_is_shuffled_and_deterministic():
    first, second = load_mnist(source="sample"), load_mnist(source="sample")
    for a, b in zip(first, second):
        assert torch.equal(a, b)
    y_train = first[1]
    assert not torch.equal(y_train, y_train.sort().values)
    other_seed = load_mnist(source="sample", seed=7)
    assert not torch.equal(y_train, other_seed[1])


def test_sample_valid_fraction_sets_the_split():
    x_train, _, x_valid, _ = load_mnist(source="sample", valid_fraction=0.1)
    assert (len(x_train), len(x_valid)) == (4500, 500)
    with pytest.raises(ValueError, match="valid_fraction"):
        load_mnist(source="sample", valid_fraction=1.0)


def test_auto_uses_the_sample_when_full_mnist_is_absent():
    assert find_full_mnist() is None
    assert len(load_mnist()[0]) == 4000


def test_bundled_file_matches_its_documented_sha256():
    package = resources.files("workbook.data")
    data = package.joinpath("mnist_5k.npz").read_bytes()
    assert hashlib.sha256(data).hexdigest() == SAMPLE_SHA256
    assert SAMPLE_SHA256 in package.joinpath("README.md").read_text(encoding="utf-8")


def test_unknown_source_is_refused():
    with pytest.raises(ValueError, match="source"):
        load_mnist(source="mnist")


# --- finding and reading full MNIST ---------------------------------------------------------


def test_find_full_mnist_prefers_env_var_then_cache_then_data_folder(tmp_path, monkeypatch):
    chosen = write_fake_mnist(tmp_path / "chosen" / "anything.pkl.gz")
    cached = write_fake_mnist(tmp_path / "cache" / "workbook" / "mnist.pkl.gz")
    local = write_fake_mnist(tmp_path / "cwd" / "data" / "mnist.pkl.gz")
    monkeypatch.setenv("WORKBOOK_MNIST", str(chosen))
    assert find_full_mnist() == chosen
    monkeypatch.delenv("WORKBOOK_MNIST")
    assert find_full_mnist() == cached
    cached.unlink()
    assert find_full_mnist() == local
    local.unlink()
    assert find_full_mnist() is None


def test_cache_defaults_to_home_dot_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_CACHE_HOME")
    cached = write_fake_mnist(tmp_path / "home" / ".cache" / "workbook" / "mnist.pkl.gz")
    assert find_full_mnist() == cached


def test_auto_loads_full_mnist_when_present():
    splits = fake_splits()
    write_fake_mnist("data/mnist.pkl.gz", splits)
    x_train, y_train, x_valid, y_valid = load_mnist()
    (x_train_stored, y_train_stored), (x_valid_stored, y_valid_stored), _ = splits
    assert torch.equal(x_train, torch.from_numpy(x_train_stored))
    assert torch.equal(y_train, torch.from_numpy(y_train_stored))
    assert torch.equal(x_valid, torch.from_numpy(x_valid_stored))
    assert torch.equal(y_valid, torch.from_numpy(y_valid_stored))
    assert (x_train.dtype, y_train.dtype) == (torch.float32, torch.int64)
    assert len(load_mnist(source="sample")[0]) == 4000


def test_full_without_the_file_says_how_to_get_it():
    with pytest.raises(FileNotFoundError, match="workbook data download"):
        load_mnist(source="full")


def test_a_broken_full_mnist_file_is_named_in_the_error():
    broken = write_fake_mnist("data/mnist.pkl.gz", fake_splits(sizes=(60, 20)))
    with pytest.raises(InvalidMnistFile, match=f"{re.escape(str(broken.resolve()))}.*workbook data download"):
        load_mnist()


@pytest.mark.parametrize(
    "write",
    [pickle.dumps, lambda obj: pickle.dumps(obj, protocol=2), python2_style_pickle],
    ids=["python3", "python3-protocol-2", "python2"],
)
def test_reads_pickles_from_python_2_and_3(tmp_path, write):
    splits = fake_splits()
    path = tmp_path / "mnist.pkl.gz"
    path.write_bytes(gzip.compress(write(splits)))
    (x_train, y_train), _, (x_test, _) = read_full_mnist(path)
    np.testing.assert_array_equal(x_train, splits[0][0])
    np.testing.assert_array_equal(y_train, splits[0][1])
    assert x_test.shape == (20, 784)


class _RemovesAFileWhenUnpickled:
    def __init__(self, victim):
        self.victim = str(victim)

    def __reduce__(self):
        return os.remove, (self.victim,)


def test_a_pickle_that_runs_code_is_refused_without_running_it(tmp_path):
    victim = tmp_path / "victim"
    victim.touch()
    path = tmp_path / "mnist.pkl.gz"
    path.write_bytes(gzip.compress(pickle.dumps(_RemovesAFileWhenUnpickled(victim))))
    with pytest.raises(InvalidMnistFile, match="remove"):
        read_full_mnist(path)
    assert victim.exists()


# --- downloading ----------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path not in self.server.routes:
            self.send_error(404)
            return
        body, declared_length = self.server.routes[self.path]
        self.send_response(200)
        self.send_header("Content-Length", str(declared_length))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class LocalServer:
    """An HTTP server on 127.0.0.1 that serves whatever bytes a test gives it."""

    def __init__(self):
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.http.routes = {}

    def serve(self, path: str, body: bytes, declared_length: int | None = None) -> str:
        self.http.routes[path] = (body, len(body) if declared_length is None else declared_length)
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.http.server_address[1]}{path}"


@pytest.fixture
def server():
    local = LocalServer()
    thread = threading.Thread(target=local.http.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield local
    local.http.shutdown()
    local.http.server_close()
    thread.join()


@pytest.fixture
def dest(tmp_path):
    return tmp_path / "download" / "mnist.pkl.gz"


def files_in(folder: Path) -> list[str]:
    return sorted(os.listdir(folder)) if folder.exists() else []


def fake_mnist_bytes() -> bytes:
    return gzip.compress(pickle.dumps(fake_splits()))


def test_download_installs_a_checked_file(server, dest):
    body = fake_mnist_bytes()
    url = server.serve("/mnist.pkl.gz", body)
    sha256 = hashlib.sha256(body).hexdigest()
    assert download_mnist(url, dest, expected_sha256=sha256) == dest
    assert dest.read_bytes() == body
    assert files_in(dest.parent) == ["mnist.pkl.gz"]
    _, (x_valid, _), _ = read_full_mnist(dest)
    assert x_valid.shape == (20, 784)


def test_download_defaults_to_the_user_cache_where_load_mnist_finds_it(server, tmp_path):
    url = server.serve("/mnist.pkl.gz", fake_mnist_bytes())
    path = download_mnist(url, progress=False)
    assert path == tmp_path / "cache" / "workbook" / "mnist.pkl.gz"
    assert find_full_mnist() == path
    assert len(load_mnist(source="full")[0]) == 60


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"<html>not a gzip file</html>", id="not-gzip"),
        pytest.param(gzip.compress(pickle.dumps(("wrong", "structure"))), id="wrong-structure"),
        pytest.param(gzip.compress(pickle.dumps(fake_splits(sizes=(60, 20)))), id="two-parts"),
        pytest.param(fake_mnist_bytes()[:-200], id="cut-short-gzip"),
    ],
)
def test_corrupt_download_is_refused_and_leaves_nothing(server, dest, body):
    url = server.serve("/mnist.pkl.gz", body)
    with pytest.raises(DownloadError, match="not usable.*5,000-digit sample"):
        download_mnist(url, dest, progress=False)
    assert files_in(dest.parent) == []


def test_connection_closed_early_is_refused(server, dest):
    body = fake_mnist_bytes()
    url = server.serve("/mnist.pkl.gz", body[:1000], declared_length=len(body))
    with pytest.raises(DownloadError, match=f"1000 of {len(body)} bytes"):
        download_mnist(url, dest, progress=False)
    assert files_in(dest.parent) == []


def test_checksum_mismatch_is_refused(server, dest):
    url = server.serve("/mnist.pkl.gz", fake_mnist_bytes())
    with pytest.raises(DownloadError, match="sha256"):
        download_mnist(url, dest, progress=False, expected_sha256="0" * 64)
    assert files_in(dest.parent) == []


def test_http_404_is_reported(server, dest):
    url = server.url("/missing.pkl.gz")
    with pytest.raises(DownloadError, match="HTTP 404.*5,000-digit sample"):
        download_mnist(url, dest, progress=False)
    assert files_in(dest.parent) == []


def test_offline_is_reported_clearly(dest):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with pytest.raises(DownloadError, match="could not reach.*5,000-digit sample is still used by default"):
        download_mnist(f"http://127.0.0.1:{closed_port}/mnist.pkl.gz", dest, progress=False, timeout=5)
    assert files_in(dest.parent) == []


def test_failed_download_keeps_the_existing_file(server, dest):
    good = write_fake_mnist(dest).read_bytes()
    url = server.serve("/mnist.pkl.gz", b"garbage")
    with pytest.raises(DownloadError):
        download_mnist(url, dest, progress=False)
    assert dest.read_bytes() == good
    assert files_in(dest.parent) == ["mnist.pkl.gz"]
