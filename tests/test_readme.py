"""The README's architecture section matches the tree: every file it names exists, and every
sub-package of workbook/ is in its table of where code runs."""

import re

from conftest import ROOT

README = (ROOT / "README.md").read_text()


def named_paths() -> set[str]:
    """Backquoted paths in the README that name code: ``workbook/...``, ``tests/...``,
    ``benchmarks/...`` or ``<package>/<module>.py`` (relative to workbook/)."""
    tokens = set(re.findall(r"`([\w./-]+)`", README))
    return {t for t in tokens if t.endswith(".py") or t.startswith(("workbook/", "tests/", "benchmarks/"))}


def test_every_path_the_readme_names_exists():
    missing = [p for p in sorted(named_paths())
               if not (ROOT / p).exists() and not (ROOT / "workbook" / p).exists()]
    assert missing == []


def test_every_subpackage_is_in_the_readmes_table():
    packages = sorted(p.name for p in (ROOT / "workbook").iterdir() if (p / "__init__.py").exists())
    rows = set(re.findall(r"^\| (?:`workbook/\w+/`(?:, )?)+", README, flags=re.M))
    in_table = {name for row in rows for name in re.findall(r"`workbook/(\w+)/`", row)}
    assert [p for p in packages if p not in in_table] == []
    assert in_table - set(packages) == set()
