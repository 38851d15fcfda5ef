"""The student bundle: a wheel of the course package with only what students run.

``workbook build`` writes it into ``release/`` next to the release notebooks; together they
are what an instructor publishes. The wheel holds the checks, the data, the student's
``workbook check`` command and ``course.json`` (what the release notebooks' graded cells look
like), and none of the instructor's tools. Its dependencies are the package's core ones
(ranges, so an installed torch is kept), and it is built by setuptools through pip, with
fixed timestamps, so the same sources give the same file.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

from workbook import __version__
from . import notebooks
from workbook.student import manifest

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the workbook package
# What the notebooks' kernels and `workbook check` import, relative to the package folder.
STUDENT_PARTS = ("__init__.py", "course", "checks", "data", "student")
DATA_SUFFIXES = {".py", ".npz", ".md", ".json"}
FIXED_TIME = "315532800"  # 1980-01-01, the earliest a zip file can say: no build time in the wheel

STUDENT_README = """\
# workbook: the student bundle of the minibatch-training course

The checks and the data that the course's notebooks import, and `workbook check NOTEBOOK`,
which runs a notebook from the top and says whether it is ready to submit. It contains no
solution and none of the instructor's tools. Install it with pip next to the torch you
already have (it never replaces an installed torch): `pip install {wheel}`.
"""


def wheel_name() -> str:
    return f"workbook-{__version__}-py3-none-any.whl"


def student_requirements() -> list[str]:
    """The installed package's core requirements, without the instructor's extras."""
    return [r for r in metadata.requires("workbook") or [] if "extra ==" not in r]


def _pyproject() -> str:
    deps = ",\n".join(f'    "{r}"' for r in student_requirements())
    return f"""[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "workbook"
version = "{__version__}"
description = "The student bundle of the minibatch-training course: checks, data and `workbook check`"
readme = "README.md"
requires-python = ">=3.10"
license = "MIT"
dependencies = [
{deps},
]

[project.scripts]
workbook = "workbook.student.cli:main"

[tool.setuptools.packages.find]
include = ["workbook*"]

[tool.setuptools.package-data]
"workbook.data" = ["*.npz", "*.md"]
"workbook.student" = ["course.json"]
"""


def student_files() -> list[Path]:
    """The package's files that go into the student wheel, relative to the package folder."""
    files = []
    for part in STUDENT_PARTS:
        path = PACKAGE_DIR / part
        found = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        files += [p.relative_to(PACKAGE_DIR) for p in found
                  if p.suffix in DATA_SUFFIXES and "__pycache__" not in p.parts and p.name != manifest.MANIFEST]
    return files


def release_notebooks(root, assignments) -> dict:
    return {a: notebooks.read(notebooks.notebook_path(root, "release", a)) for a in assignments}


def build_wheel(root, assignments, dest: Path | None = None) -> Path:
    """Write the student wheel for the course at ``root`` into ``dest`` (default: release/)."""
    dest = Path(dest or Path(root) / "release")
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="workbook-bundle-") as tmp:
        stage = Path(tmp) / "src"
        for rel in student_files():
            target = stage / "workbook" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(PACKAGE_DIR / rel, target)
        manifest.write(stage / "workbook" / "student" / manifest.MANIFEST, release_notebooks(root, assignments))
        (stage / "pyproject.toml").write_text(_pyproject())
        (stage / "README.md").write_text(STUDENT_README.format(wheel=wheel_name()))
        out = Path(tmp) / "dist"
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                               "--no-index", "--quiet", "--disable-pip-version-check", "-w", str(out), str(stage)],
                              capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": FIXED_TIME},
                              cwd=tmp)
        if proc.returncode != 0:
            raise RuntimeError(f"could not build the student wheel:\n{proc.stdout}{proc.stderr}")
        (built,) = out.glob("*.whl")
        for old in dest.glob("workbook-*.whl"):
            old.unlink()
        target = dest / built.name
        shutil.copyfile(built, target)
    return target


def wheel_sources(wheel: Path) -> dict[str, str]:
    """name -> text of every Python file and JSON file in a wheel."""
    with zipfile.ZipFile(wheel) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist() if name.endswith((".py", ".json"))}
