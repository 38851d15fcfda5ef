"""The `workbook` command as a user runs it."""

import socket
import subprocess
import sys

import pytest
from conftest import ROOT, SPEC_POINTS, WRITTEN

from workbook import grading


def workbook(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "workbook.cli", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=1500)


def _grading_logs(course) -> str:
    """What nbgrader said about each failed submission (and the workers' logs), for a failure message."""
    folder = course / grading.LOG_FOLDER
    logs = sorted(folder.glob("*.log")) if folder.is_dir() else []
    return "".join(f"\n--- {log.name}\n{log.read_text()[-3000:]}" for log in logs)


@pytest.mark.nbgrader
def test_demo_prints_the_grade_table(tmp_path):
    course = tmp_path / "demo"
    proc = workbook("demo", "--dir", str(course))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:] + _grading_logs(course)
    lines = proc.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("student"))
    rows = {line.split()[0]: line.split()[1:] for line in lines[header + 2:] if line.strip() and not line.startswith(" ")
            and len(line.split()) == len(WRITTEN) + 2}
    total = sum(sum(SPEC_POINTS[a].values()) for a in WRITTEN)
    assert rows["ada"][-1] == f"{total}/{total}"
    assert rows["ben"][-1] == f"0/{total}"
    for student in ("cleo", "dev", "eli"):  # one typical mistake per assignment each
        got = float(rows[student][-1].split("/")[0])
        assert 0 < got < total
    assert (course / "grades.csv").exists()
    assert (course / "feedback" / "cleo").is_dir()
    assert "zoe" in rows and float(rows["zoe"][-1].split("/")[0]) > 0  # the broken student, graded as far as it goes
    assert "could not grade zoe/" in proc.stdout  # ... and the notebook that is not JSON is reported
    assert "audit:" in proc.stdout
    assert (course / "reports" / "report.html").exists() and proc.stdout.rstrip().endswith("report.html")
    assert (course / "reports" / "similarity.html").exists() and "similarity.html" in proc.stdout


def test_demo_refuses_to_delete_a_folder_it_did_not_make(tmp_path):
    keep = tmp_path / "precious.txt"
    keep.write_text("not yours")
    proc = workbook("demo", "--dir", str(tmp_path))
    assert proc.returncode == 2
    assert "was not made by `workbook demo`" in proc.stderr and "Traceback" not in proc.stderr
    assert keep.read_text() == "not yours"


def test_download_offline_says_so_and_leaves_nothing(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dest = tmp_path / "mnist.pkl.gz"
    proc = workbook("data", "download", "--url", f"http://127.0.0.1:{port}/mnist.pkl.gz", "--dest", str(dest))
    assert proc.returncode == 1
    assert "sample" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_build_refuses_a_folder_without_a_course(tmp_path):
    proc = workbook("build", "--root", str(tmp_path))
    assert proc.returncode == 2
    assert "has no source/" in proc.stderr and "Traceback" not in proc.stderr
