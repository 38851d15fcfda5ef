"""Submitted files are untrusted input: what is checked before anything reads a submission.

Every name under ``submitted/<student>/<assignment>/`` is the student's. Read naively, a
symbolic link grades whatever it points at (``source/`` with the solutions, a classmate's
notebook, any file of the host), a FIFO blocks whoever opens it forever (the whole class
waits), and a huge file stalls JSON parsing and nbgrader's copy into ``autograded/``. So a
submission is refused, with a reason naming the file, when anything in it is:

- a symbolic link: the student folder, the assignment folder, or any entry inside it
  (nbgrader copies every file of the folder, not only the notebook). Never followed;
- not a regular file or folder (a FIFO, a socket, a device);
- a file larger than ``c.CourseDirectory.max_file_size`` in ``nbgrader_config.py``
  (nbgrader's own setting, in kilobytes; default 100000, 100 MB, as nbgrader's exchange);
- more than ``MAX_ENTRIES`` entries or ``MAX_DEPTH`` folders deep (a walk must stay short).

``submitted/`` itself is the instructor's and may be a link. The checks use ``lstat`` and
``O_NOFOLLOW | O_NONBLOCK`` opens relative to the opened parent folder, so nothing is
followed or blocks even if a name changes meanwhile; ``read_bytes`` reads a file the same
way, for whoever then reads the notebook (grading's precheck, the audit). Grading, the audit
and the report all take their verdict from here. Torch-free (standard library, traitlets).
"""

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from workbook.course import folders

from . import nbgrader_bridge

DEFAULT_MAX_FILE_KB = 100_000  # nbgrader's CourseDirectory.max_file_size default (kilobytes of 1000 bytes)
MAX_ENTRIES = 10_000
MAX_DEPTH = 16
_SHOWN = 3  # problems named in one reason; the rest are counted
_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class Untrusted(OSError):
    """A submitted file that must not be read; the message says why, naming it."""


@dataclass(frozen=True)
class Refusal:
    """A hand-in refused before anything read it; ``assignment`` is ``"*"`` for a student folder."""
    student: str
    assignment: str
    reason: str


def max_file_bytes(root) -> int:
    """The largest submitted file accepted, in bytes: nbgrader's ``CourseDirectory.max_file_size``."""
    kilobytes = nbgrader_bridge.course_config(root).get("CourseDirectory", {}).get("max_file_size", DEFAULT_MAX_FILE_KB)
    if not isinstance(kilobytes, int) or isinstance(kilobytes, bool) or kilobytes <= 0:
        raise RuntimeError(f"c.CourseDirectory.max_file_size in nbgrader_config.py must be a positive whole "
                         f"number of kilobytes, not {kilobytes!r}")
    return kilobytes * 1000  # nbgrader's own factor (utils.ignore_patterns)


def _megabytes(size: int) -> str:
    """A size as nbgrader counts it (1 kB = 1000 bytes)."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:,.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def _shown(path) -> str:
    text = str(path)
    return text if text.isprintable() else ascii(text)


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def _link(name: str, where: str, dir_fd: int) -> str:
    try:
        target = os.readlink(name, dir_fd=dir_fd)  # reads the link itself, follows nothing
    except OSError:
        target = "?"
    return f"{where} is a symbolic link (to {_shown(target)[:120]}), never followed: hand in the file itself"


def _open_folder(name: str, where: str, dir_fd: int) -> int:
    """The folder ``name`` in ``dir_fd``, opened without following a link; Untrusted otherwise."""
    try:
        return os.open(name, _DIRECTORY, dir_fd=dir_fd)
    except OSError as error:
        if error.errno not in (errno.ELOOP, errno.ENOTDIR):  # O_DIRECTORY | O_NOFOLLOW on a link: either
            raise
        mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
        if stat.S_ISLNK(mode):
            raise Untrusted(_link(name, where, dir_fd)) from None
        raise Untrusted(f"{where} is {_kind(mode)}, not a folder") from None


def _walk(dir_fd: int, where: str, limit: int, found: list[str], counted: list[int], depth: int, top: str = ""):
    """Append a reason for every entry under the open folder that must not be read."""
    top = top or where
    with os.scandir(dir_fd) as entries:
        names = sorted(entry.name for entry in entries)
    for name in names:
        counted[0] += 1
        if counted[0] > MAX_ENTRIES:  # said once, by the level that counted past the cap
            if counted[0] == MAX_ENTRIES + 1:
                found.append(f"{top} holds more than {MAX_ENTRIES:,} files and folders")
            return
        path = f"{where}/{_shown(name)}"
        info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        if stat.S_ISLNK(info.st_mode):
            found.append(_link(name, path, dir_fd))
        elif stat.S_ISDIR(info.st_mode):
            if depth >= MAX_DEPTH:
                found.append(f"{path} is more than {MAX_DEPTH} folders deep")
                continue
            try:
                inner = _open_folder(name, path, dir_fd)
            except Untrusted as refused:  # replaced by a link since the stat
                found.append(str(refused))
                continue
            try:
                _walk(inner, path, limit, found, counted, depth + 1, top)
            finally:
                os.close(inner)
        elif not stat.S_ISREG(info.st_mode):
            found.append(f"{path} is {_kind(info.st_mode)}, not a regular file: it is never opened")
        elif info.st_size > limit:
            found.append(f"{path} is {_megabytes(info.st_size)}, over the {_megabytes(limit)} limit "
                         "(c.CourseDirectory.max_file_size in nbgrader_config.py)")


def problems(folder, limit: int) -> list[str]:
    """Every reason not to read the hand-in at ``folder`` (``.../submitted/<student>/<assignment>``),
    naming each file as ``submitted/<student>/<assignment>/...``; [] when it may be read."""
    folder = Path(folder)
    student, assignment = folder.parent.name, folder.name
    where = f"{folders.SUBMITTED}/{_shown(student)}"
    found: list[str] = []
    opened: list[int] = []
    try:
        opened.append(os.open(folder.parent.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))  # submitted/: ours
        opened.append(_open_folder(student, where, opened[-1]))
        where = f"{where}/{_shown(assignment)}"
        opened.append(_open_folder(assignment, where, opened[-1]))
        _walk(opened[-1], where, limit, found, [0], 0)
    except Untrusted as refused:
        found.append(str(refused))
    except FileNotFoundError:
        found.append(f"{where} does not exist")
    except OSError as error:  # unreadable (permissions): refused too, never guessed at
        found.append(f"{where} could not be checked ({error.strerror or error})")
    finally:
        for fd in reversed(opened):
            os.close(fd)
    return found


def reason(found: list[str]) -> str:
    """One line for the summary, the log and the report, from ``problems``' list."""
    more = f"; and {len(found) - _SHOWN} more" if len(found) > _SHOWN else ""
    return "refused, nothing in it was read: " + "; ".join(found[:_SHOWN]) + more


def check(folder, limit: int) -> str | None:
    """Why the hand-in at ``folder`` must not be read (one line), or None."""
    found = problems(folder, limit)
    return reason(found) if found else None


def read_bytes(path, limit: int) -> bytes:
    """The contents of a submitted file that is a regular file of at most ``limit`` bytes,
    opened without following a link or blocking; Untrusted (naming it) otherwise."""
    path = Path(path)
    mode = os.stat(path, follow_symlinks=False).st_mode  # a socket cannot even be opened: say what it is
    if stat.S_ISLNK(mode):
        raise Untrusted(f"{path.name} is a symbolic link, never followed")
    if not stat.S_ISREG(mode):
        raise Untrusted(f"{path.name} is {_kind(mode)}, not a regular file: not read")
    try:
        fd = os.open(path, _FILE)  # and if it was swapped meanwhile: no link followed, no FIFO waited on
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise Untrusted(f"{path.name} is a symbolic link, never followed") from None
        raise
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise Untrusted(f"{path.name} is {_kind(info.st_mode)}, not a regular file: not read")
        if info.st_size > limit:
            raise Untrusted(f"{path.name} is {_megabytes(info.st_size)}, over the {_megabytes(limit)} limit")
        data = handle.read(limit + 1)
    if len(data) > limit:  # it grew while we read
        raise Untrusted(f"{path.name} is over the {_megabytes(limit)} limit")
    return data


def read_notebook(path, limit: int):
    """The submitted notebook at ``path`` (nbformat v4), read with ``read_bytes``."""
    import nbformat

    return nbformat.reads(read_bytes(path, limit).decode("utf-8"), as_version=4)


def survey(root, limit: int | None = None) -> list[Refusal]:
    """Every hand-in of the class that grading refuses (or would): linked student and assignment
    folders, and folders with something in them that must not be read. For the audit and the report."""
    root = Path(root)
    limit = max_file_bytes(root) if limit is None else limit
    refused = [Refusal(link.student, link.assignment or "*", reason([_link_reason(link.path, root)]))
               for link in folders.links(root)]
    for hand_in in folders.submissions(root):
        why = check(hand_in.folder, limit)
        if why:
            refused.append(Refusal(hand_in.student, hand_in.assignment, why))
    return sorted(refused, key=lambda r: (r.student, r.assignment))


def _link_reason(path: Path, root: Path) -> str:
    """Why a linked student or assignment folder is refused (the walk found it is a link)."""
    parent = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        return _link(path.name, _shown(path.relative_to(root)), parent)
    finally:
        os.close(parent)
