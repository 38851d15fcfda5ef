"""Fetching full MNIST into the user cache, so that nothing half-downloaded is ever loaded.

The bytes go to a temporary file beside the destination, are checked, and only then replace
the destination in one `os.replace`; on any failure the temporary file is removed and a file
already at the destination is left as it was.
"""

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from tqdm import tqdm

from .full_mnist import InvalidMnistFile, read_full_mnist
from .locations import cached_mnist_path

DEFAULT_URL = "https://github.com/mnielsen/neural-networks-and-deep-learning/raw/master/data/mnist.pkl.gz"
CHUNK_BYTES = 1 << 16


class DownloadError(RuntimeError):
    """Full MNIST could not be downloaded; the message says why and what still works."""


def download_mnist(
    url: str = DEFAULT_URL,
    dest: str | os.PathLike | None = None,
    *,
    progress: bool = True,
    timeout: float = 30.0,
    expected_sha256: str | None = None,
) -> Path:
    """Download, check and install `mnist.pkl.gz` at `dest` (default: the user cache); return its path."""
    dest = Path(dest) if dest is not None else cached_mnist_path()
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    except OSError as error:
        raise DownloadError(_failure(f"cannot write to {dest.parent}: {error}")) from error
    temporary = Path(temporary_name)
    try:
        with os.fdopen(descriptor, "wb") as out:
            sha256 = _fetch(url, out, progress=progress, timeout=timeout)
        if expected_sha256 is not None and sha256 != expected_sha256.lower():
            raise InvalidMnistFile(f"its sha256 is {sha256}, expected {expected_sha256}")
        read_full_mnist(temporary)
        os.chmod(temporary, 0o644)  # mkstemp made it owner-only; a data file is for everyone
        os.replace(temporary, dest)
    except urllib.error.HTTPError as error:
        raise DownloadError(_failure(f"{url} answered HTTP {error.code} {error.reason}")) from error
    except urllib.error.URLError as error:
        raise DownloadError(_failure(f"could not reach {url}: {error.reason}")) from error
    except InvalidMnistFile as error:
        raise DownloadError(_failure(f"the file from {url} is not usable: {error}")) from error
    except (OSError, ValueError, http.client.HTTPException) as error:  # timeouts, dropped connections, bad URLs
        raise DownloadError(_failure(f"downloading {url} failed: {error}")) from error
    finally:
        temporary.unlink(missing_ok=True)
    return dest


def _fetch(url: str, out, *, progress: bool, timeout: float) -> str:
    """Stream the response body into `out`; return its sha256, after making sure none is missing."""
    sha256 = hashlib.sha256()
    received = 0
    with urllib.request.urlopen(url, timeout=timeout) as response:
        length = response.headers.get("Content-Length")
        expected = int(length) if length and length.isdigit() else None
        with tqdm(
            total=expected, unit="B", unit_scale=True, unit_divisor=1024, desc="mnist.pkl.gz", disable=not progress
        ) as bar:
            while chunk := response.read(CHUNK_BYTES):
                out.write(chunk)
                sha256.update(chunk)
                received += len(chunk)
                bar.update(len(chunk))
    if expected is not None and received != expected:
        raise ConnectionError(f"the connection closed after {received} of {expected} bytes")
    return sha256.hexdigest()


def _failure(what_went_wrong: str) -> str:
    return (
        f"Could not download full MNIST: {what_went_wrong}. "
        "Nothing was saved; the bundled 5,000-digit sample is still used by default."
    )
