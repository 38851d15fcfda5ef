"""nbgrader preprocessors that keep one bad submission from costing more than it broke,
or from reaching anyone's browser.

Named in nbgrader_config.py (``Autograde.sanitize_preprocessors``,
``Autograde.autograde_preprocessors``, ``GenerateFeedback.preprocessors``), so they apply
to `workbook grade` and to plain `nbgrader autograde` alike.
"""

import copy

import bleach
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbconvert.filters import markdown2html_mistune
from nbconvert.preprocessors.sanitize import SanitizeHTML
from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, Execute, NbGraderPreprocessor
from traitlets import Any, Bool, Integer, List, Unicode

from workbook.course import cell_repair
from .sandbox import SandboxedKernelManager, process_limit


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class KernelGarbled(Exception):
    """The kernel sent a message that fails its signature check (seen when a cell used up the
    kernel's processes and threads). Its session can no longer be trusted: like a dead kernel."""


class LeftProcessesRunning(Exception):
    """A cell ended with processes of its own still running (a flood of them, a server): they
    are killed and the kernel is replaced, so that they cost no later cell its processes."""

    def __init__(self, count: int):
        super().__init__(f"{count} processes")
        self.count = count


class ResilientExecute(Execute):
    """nbgrader's Execute, in a sandboxed kernel that is replaced when it dies.

    nbgrader stops grading a notebook whose kernel dies (``os._exit``, a segfault, the
    memory limit) or hangs past an interrupt, so one crash would cost every exercise after
    it. Here the cell that killed the kernel gets an error (0 points), a fresh kernel re-runs the earlier
    non-test cells silently to rebuild the student's definitions, and grading goes on.
    A kernel that fails to *start* is retried without charging the student. A cell that
    leaves processes running is treated like one that killed its kernel: they are killed,
    and the cell is not replayed (it would start them again), so it costs its own exercise.
    """

    max_kernel_deaths = Integer(8, help="give up on a notebook after this many kernel deaths").tag(config=True)
    start_attempts = Integer(3, help="attempts to start a kernel before failing the notebook").tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs["kernel_manager_class"] = SandboxedKernelManager
        super().__init__(*args, **kwargs)

    def preprocess(self, nb, resources=None, km=None):
        from nbclient import NotebookClient

        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        dead: set[int] = set()
        start, start_failures = 0, 0
        while start < len(self.nb.cells):
            self._current = None
            try:
                start = self._run_from(start, dead, resources)
            except (DeadKernelError, CellTimeoutError, KernelGarbled, LeftProcessesRunning) as failure:
                if self._current is None:  # died before running anything of the student's
                    start_failures += 1
                    if start_failures >= self.start_attempts:
                        raise
                    continue
                dead.add(self._current)
                if isinstance(failure, DeadKernelError):
                    why = ("KernelDied", "the kernel died while running this cell (os._exit, a crash, or "
                           "the memory limit)")
                elif isinstance(failure, LeftProcessesRunning):
                    why = ("LeftProcessesRunning", f"this cell left {failure.count} processes running after it "
                           "ended; they were stopped (a cell's processes may not outlive it)")
                elif isinstance(failure, KernelGarbled):
                    why = ("KernelBroken", "the kernel's messages were garbled while this cell ran (it may have "
                           "run out of processes or threads: a kernel may have "
                           f"{process_limit()} at most, its own threads included)")
                else:
                    why = ("CellTimeoutError", f"this cell did not finish within {self.timeout} s and "
                           "could not be interrupted")
                self.nb.cells[self._current].outputs.append(
                    _error(why[0], why[1] + "; no points for it, and later cells ran in a fresh kernel"))
                start = self._current + 1
                if len(dead) >= self.max_kernel_deaths:
                    for cell in self.nb.cells[start:]:
                        if cell.cell_type == "code":
                            cell.outputs = [_error("NotRun", "not run: the kernel died too many times")]
                    break
        self.set_widgets_metadata()
        return self.nb, self.resources

    def _run_from(self, start: int, dead: set[int], resources) -> int:
        """Run cells from ``start`` in a new kernel; earlier state cells are replayed first."""
        try:
            return self._run_cells_from(start, dead, resources)
        except ValueError as error:  # jupyter_client's words for a message it cannot trust
            if "Signature" in str(error):
                raise KernelGarbled(str(error)) from error
            raise

    def _run_cells_from(self, start: int, dead: set[int], resources) -> int:
        with self.setup_kernel():
            info = self.wait_for_reply(self.kc.kernel_info())
            self.nb.metadata["language_info"] = info["content"]["language_info"]
            self.km.note_kernel_started()
            for index, cell in enumerate(self.nb.cells[:start]):
                if cell.cell_type == "code" and index not in dead and not cell.metadata.get("nbgrader", {}).get("grade"):
                    self._current = index
                    self.execute_cell(copy.deepcopy(cell), index, store_history=False)
                    self._end_leftovers()
            for index in range(start, len(self.nb.cells)):
                self._current = index
                self.preprocess_cell(self.nb.cells[index], resources, index)
                self._end_leftovers()
        return len(self.nb.cells)

    def _end_leftovers(self):
        """After each cell (it ended, or was interrupted): end what it left running."""
        count = self.km.end_leftover_processes()
        if count:
            raise LeftProcessesRunning(count)


class LimitOutputSize(NbGraderPreprocessor):
    """Cut every output to a size, not just a number of lines.

    nbgrader's LimitOutput counts lines; one 100 MB line still makes a 100 MB notebook and
    feedback page. This keeps the head of each text output and drops oversized rich data.
    """

    max_chars = Integer(20_000, help="characters kept per text output").tag(config=True)

    def _cut(self, text: str) -> str:
        if len(text) <= self.max_chars:
            return text
        return text[: self.max_chars] + f"\n... [output cut: {len(text):,} characters in all]\n"

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        for output in cell.outputs:
            if output.output_type == "stream":
                output.text = self._cut(output.text)
            elif output.output_type == "error":
                output.evalue = self._cut(output.evalue)
                output.traceback = [self._cut(line) for line in output.traceback]
            elif "data" in output:
                for mime, value in list(output.data.items()):
                    text = value if isinstance(value, str) else "\n".join(value)
                    if len(text) > self.max_chars:
                        if mime.startswith("text/plain"):
                            output.data[mime] = self._cut(text)
                        else:
                            del output.data[mime]
                            output.data.setdefault("text/plain", f"[{mime} output dropped: {len(text):,} characters]")
        return cell, resources


class RepairCopiedCells(NbGraderPreprocessor):
    """Copied cells (and cells with an unknown grade_id) become plain cells before nbgrader
    checks the metadata, by the rules of ``workbook.cell_repair``, with the gradebook's
    cells as the known ones. Each repair is logged and noted in a cell at the top, so the
    feedback says what happened. Runs first in ``Autograde.sanitize_preprocessors``.
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            try:
                notebook = gb.find_notebook(info["notebook"], info["assignment"])
            except MissingEntry:
                return nb, resources
            known = {c.name: "locked" for c in notebook.source_cells if c.locked}
            known.update({c.name: "task" for c in notebook.task_cells})
            known.update({c.name: "test" for c in notebook.grade_cells})
            known.update({c.name: "solution" for c in notebook.solution_cells})
        accidents = cell_repair.repair(nb, known)
        for accident in accidents:
            self.log.warning("%s %s", cell_repair.LOG_MARK, accident.message)
        if accidents:
            lines = "\n".join(f"- {a.message}" for a in accidents)
            nb.cells.insert(0, new_markdown_cell(
                "**Repaired before grading** (nothing was added to your score):\n\n" + lines))
        return nb, resources


class SanitizeStudentHTML(SanitizeHTML):
    """nbconvert's SanitizeHTML (bleach), for everything a student controls.

    Student output is shown in the instructor's browser (formgrader, in their Jupyter
    session) and in the feedback page: a script there could call the Jupyter server's API.
    Rich outputs keep only images (PNG, JPEG), plain text, LaTeX and JSON; HTML and markdown
    outputs keep harmless tags only (no script, no event handlers, no javascript: links);
    javascript, SVG and widget outputs are dropped. Markdown cells are cleaned the same way,
    except the course's read-only ones, which nbgrader restores from the gradebook.
    """

    # bleach's own list plus layout tags that cannot run anything (tables, headings, images
    # by http(s) URL); bleach drops every attribute not named here (on*=, style, ...) and
    # every URL that is not http, https or mailto (javascript:, data:).
    tags = List(Unicode(), default_value=sorted({
        *bleach.ALLOWED_TAGS, "p", "div", "span", "br", "hr", "pre", "sub", "sup", "h1", "h2", "h3", "h4",
        "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "caption", "img", "details", "summary",
        "del", "ins", "kbd", "samp", "var", "dl", "dt", "dd"})).tag(config=True)
    attributes = Any(default_value={**bleach.ALLOWED_ATTRIBUTES, "*": ["class"],
                                    "a": [*bleach.ALLOWED_ATTRIBUTES["a"], "class"],
                                    "img": ["src", "alt", "title", "width", "height", "class"],
                                    "td": ["colspan", "rowspan", "class"], "th": ["colspan", "rowspan", "class"],
                                    **{f"h{n}": ["id", "class"] for n in range(1, 7)}}).tag(config=True)
    strip = Bool(True, help="remove unsafe tags rather than show them as text").tag(config=True)
    enabled = Bool(True).tag(config=True)  # nbconvert's preprocessors are off unless enabled

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type in ("markdown", "raw") and utils.is_locked(cell):
            return cell, resources
        if cell.cell_type == "code":
            for output in cell.outputs:
                if "data" in output:
                    if isinstance(output.data.get("text/markdown"), str):  # its links become HTML later
                        output.data["text/markdown"] = self.clean_markdown(output.data["text/markdown"])
                    before = set(output.data)
                    self.sanitize_code_outputs([output])
                    dropped = sorted(before - set(output.data))
                    if dropped and not output.data:
                        output.data["text/plain"] = f"[{', '.join(dropped)} output removed: it could run code]"
            return cell, resources
        if cell.cell_type == "markdown":
            cell.source = self.clean_markdown(cell.source)
            return cell, resources
        return super().preprocess_cell(cell, resources, index)

    def clean_markdown(self, source: str) -> str:
        """``source`` as is when its rendering is clean; else rendered to HTML (by nbconvert's
        own renderer), cleaned, and kept as one HTML block.

        Cleaning the markdown text alone is not enough: a link written in markdown,
        ``[x](javascript:...)``, only becomes an HTML attribute when rendered. A markdown
        renderer passes an HTML block through untouched up to its first blank line, so blank
        lines are filled with a zero-width space: nothing of the student's is parsed again.
        """
        rendered = markdown2html_mistune(source)
        html = self.sanitize_html_tags(rendered)
        if html == rendered:  # nothing to remove: the text stays as written (the course's always does)
            return source
        lines = [line if line.strip() else "&#8203;" for line in html.strip().splitlines()]
        return "<div>\n" + "\n".join(lines) + "\n</div>" if lines else ""


class ClearHiddenTestCells(ClearHiddenTests):
    """nbgrader's ClearHiddenTests for test cells only.

    The stock one reads every cell, so a student who writes ``BEGIN HIDDEN TESTS`` in a
    comment or string of their own loses their feedback ("No end hidden tests statement
    found"). Hidden tests live only in the course's test cells, which nbgrader restores.
    """

    def preprocess_cell(self, cell, resources, index):
        if utils.is_grade(cell) and not utils.is_solution(cell):
            return super().preprocess_cell(cell, resources, index)
        return cell, resources
