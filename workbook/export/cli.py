"""`workbook export`'s command line (added to `workbook` by ``workbook/cli.py``)."""

from pathlib import Path

FORMATS = ("canvas", "moodle", "feedback-zips")


def _columns(pairs) -> dict[str, str]:
    columns = {}
    for pair in pairs or ():
        assignment, sep, header = pair.partition("=")
        if not sep or not assignment.strip() or not header.strip():
            raise RuntimeError(f"--assignment-column {pair!r}: write ASSIGNMENT=COLUMN, "
                               "e.g. 01_cross_entropy='Cross entropy (1234)'")
        columns[assignment.strip()] = header.strip()
    return columns


def _export(args) -> int:
    from .run import export_main

    return export_main(args.root, args.format, roster_path=args.roster, id_column=args.id_column,
                       columns=_columns(args.assignment_column), out_dir=args.out, db_url=args.db, lms=args.lms)


def add_export_command(sub):
    e = sub.add_parser("export", help="grades as Canvas or Moodle imports them, or a feedback zip per student",
                       description="grades as Canvas or Moodle imports them (exports/canvas-grades.csv, "
                       "exports/moodle-grades.csv), or one feedback zip per student (exports/feedback/); "
                       "students missing on either side are listed there and in exports/export.log")
    e.add_argument("--root", type=Path, default=Path("."),
                   help="the course folder (with nbgrader_config.py and source/); default: .")
    e.add_argument("--format", required=True, choices=FORMATS)
    e.add_argument("--roster", type=Path, default=None, metavar="CSV",
                   help="the gradebook exported from the LMS (Canvas: Grades > Export; Moodle: Grades > Export > "
                   "Plain text file): who each student is there")
    e.add_argument("--id-column", default=None, metavar="COLUMN",
                   help="the roster column holding the nbgrader student id (default: 'SIS Login ID' for Canvas, "
                   "'ID number' for Moodle)")
    e.add_argument("--assignment-column", action="append", metavar="ASSIGNMENT=COLUMN",
                   help="the LMS column an assignment's scores go to, e.g. 01_cross_entropy='Cross entropy (1234)' "
                   "(repeatable; default: the roster's column named like the assignment, else a new column)")
    e.add_argument("--lms", choices=("canvas", "moodle"), default=None,
                   help="for --format feedback-zips with --roster: which LMS the roster comes from (default: canvas)")
    e.add_argument("--out", type=Path, default=None, help="output folder (default: <root>/exports)")
    e.add_argument("--db", default=None, metavar="URL",
                   help="gradebook URL (default: nbgrader_config.py's, else <root>/gradebook.db)")
    e.set_defaults(func=_export)
    return e
