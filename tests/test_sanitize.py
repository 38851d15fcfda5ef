"""Nothing a student displays or writes runs in a browser (workbook.preprocessors.SanitizeStudentHTML),
and a student's own "BEGIN HIDDEN TESTS" text does not break feedback (ClearHiddenTestCells).

The end-to-end case (a graded submission, its autograded notebook and its feedback page) is
in test_bad_submissions.py; this file checks the pieces, and the checker itself.
"""

import base64
from html.parser import HTMLParser

import pytest
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from nbgrader.preprocessors import ClearHiddenTests

from workbook.grading.preprocessors import ClearHiddenTestCells, SanitizeStudentHTML

PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()
MARK = "PWNED"

# What a submission can display or write to run script in whoever opens it.
HTML_PAYLOAD = (f"<b>bold stays</b><script>fetch('/{MARK}-1')</script>"
                f"<img src=x onerror=\"fetch('/{MARK}-2')\"><a href=\"javascript:fetch('/{MARK}-3')\">link</a>"
                f"<iframe src=\"javascript:fetch('/{MARK}-4')\"></iframe>")
SVG_PAYLOAD = f'<svg xmlns="http://www.w3.org/2000/svg" onload="fetch(\'/{MARK}-5\')"><script>fetch("/{MARK}-6")</script></svg>'
JS_PAYLOAD = f"fetch('/{MARK}-7')"
MARKDOWN_PAYLOAD = (f"# My notes\n\n<script>fetch('/{MARK}-8')</script>\n\n<img src=x onerror=\"fetch('/{MARK}-9')\">\n\n"
                    f"[click](javascript:fetch('/{MARK}-10')) and a < b\n\n"
                    f"<script>\n\n[hidden](javascript:fetch('/{MARK}-11'))\n</script>\n")


def payload_cells():
    """A code cell with every kind of rich output, and a markdown cell, as a student could make them."""
    outputs = [
        new_output("display_data", data={"text/html": HTML_PAYLOAD, "text/plain": "<HTML object>"}),
        new_output("display_data", data={"image/svg+xml": SVG_PAYLOAD}),
        new_output("display_data", data={"application/javascript": JS_PAYLOAD}),
        new_output("display_data", data={"text/markdown": MARKDOWN_PAYLOAD}),
        new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}),
        new_output("stream", name="stdout", text="plain text stays\n"),
    ]
    return [new_code_cell("show()", outputs=outputs), new_markdown_cell(MARKDOWN_PAYLOAD)]


class ExecutableContent(HTMLParser):
    """What in a page could run student script: <script>/<iframe>/<svg> holding the marker,
    on*= attributes, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found, self._open = [], []

    def handle_starttag(self, tag, attrs):
        self._open.append(tag)
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") and MARK.lower() in value:
                self.found.append(f"<{tag} {name}=...>")
            if value.startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...>")

    def handle_endtag(self, tag):
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]

    def handle_data(self, data):
        if MARK in data and set(self._open) & {"script", "iframe", "svg", "object", "embed"}:
            self.found.append(f"{self._open[-1]}: {data.strip()[:60]}")


def executable_content(page: str) -> list[str]:
    checker = ExecutableContent()
    checker.feed(page)
    return checker.found


def render(nb) -> str:
    return HTMLExporter().from_notebook_node(nb)[0]


def test_the_checker_finds_every_payload_in_an_unsanitized_page():
    page = render(new_notebook(cells=payload_cells()))
    found = executable_content(page)
    assert f"script: fetch('/{MARK}-1')" in found           # an HTML output's script
    assert f"script: fetch('/{MARK}-8')" in found           # a markdown cell's (and output's) script
    assert any("fetch('/PWNED-7')" in f for f in found) or JS_PAYLOAD in page  # the javascript output
    assert "<img onerror=...>" in found
    assert found.count("<a href=javascript:...>") >= 2      # an HTML link and a markdown link
    assert "<iframe src=javascript:...>" in found


def test_sanitized_outputs_and_markdown_run_nothing_and_keep_images_and_text():
    nb = new_notebook(cells=payload_cells())
    nb, _ = SanitizeStudentHTML()(nb, {})
    page = render(nb)
    assert executable_content(page) == []
    assert JS_PAYLOAD not in page
    assert "javascript:" not in page.lower().replace("[click](javascript:", "").replace("[hidden](javascript:", "")
    outputs = nb.cells[0].outputs
    assert outputs[4].data == {"image/png": PNG, "text/plain": "<Figure>"}  # images stay as they are
    assert outputs[5].text == "plain text stays\n"
    assert "<b>bold stays</b>" in outputs[0].data["text/html"]
    assert "image/svg+xml" not in outputs[1].data and "removed" in outputs[1].data["text/plain"]
    assert "application/javascript" not in outputs[2].data
    assert "My notes" in nb.cells[1].source and "a &lt; b" in nb.cells[1].source


def test_markdown_with_nothing_unsafe_is_kept_as_written():
    text = "## 1. Softmax\n\nFor logits $x_0, \\dots, x_{n-1}$, with a [link](https://pytorch.org) and `a < b`.\n"
    nb, _ = SanitizeStudentHTML()(new_notebook(cells=[new_markdown_cell(text)]), {})
    assert nb.cells[0].source == text


def test_course_cells_are_not_rewritten():
    locked = new_markdown_cell("# Softmax <small>of a row</small>",
                               metadata={"nbgrader": {"locked": True, "grade_id": "intro", "grade": False,
                                                      "solution": False, "schema_version": 3}})
    nb, _ = SanitizeStudentHTML()(new_notebook(cells=[locked]), {})
    assert nb.cells[0].source == "# Softmax <small>of a row</small>"


def _test_cell(source):
    return new_code_cell(source, metadata={"nbgrader": {"grade": True, "solution": False, "locked": True,
                                                        "points": 1, "grade_id": "t", "schema_version": 3}})


def test_hidden_tests_are_cleared_from_test_cells_only():
    student = new_code_cell("def softmax(x):\n    # BEGIN HIDDEN TESTS? I wish\n    return x.softmax(-1)\n",
                            metadata={"nbgrader": {"grade": False, "solution": True, "locked": False,
                                                   "grade_id": "softmax", "schema_version": 3}})
    test = _test_cell("visible()\n### BEGIN HIDDEN TESTS\nsecret()\n### END HIDDEN TESTS\n")
    with pytest.raises(RuntimeError, match="No end hidden tests"):  # why: nbgrader's own reads every cell
        ClearHiddenTests().preprocess(new_notebook(cells=[student.copy(), test.copy()]), {})
    nb, _ = ClearHiddenTestCells()(new_notebook(cells=[student, test]), {})
    assert "BEGIN HIDDEN TESTS? I wish" in nb.cells[0].source
    assert "secret" not in nb.cells[1].source and "visible()" in nb.cells[1].source
