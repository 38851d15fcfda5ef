"""nbgrader preprocessors that keep one bad submission from costing more than it broke.

Named in nbgrader_config.py (``Autograde.autograde_preprocessors``), so they apply to
`workbook grade` and to plain `nbgrader autograde` alike.
"""

import copy

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Integer

from .sandbox import SandboxedKernelManager


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class ResilientExecute(Execute):
    """nbgrader's Execute, in a sandboxed kernel that is replaced when it dies.

    nbgrader stops grading a notebook whose kernel dies (``os._exit``, a segfault, the
    memory limit) or hangs past an interrupt, so one crash would cost every exercise after
    it. Here the cell that killed the kernel gets an error (0 points), a fresh kernel re-runs the earlier
    non-test cells silently to rebuild the student's definitions, and grading goes on.
    A kernel that fails to *start* is retried without charging the student.
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
            except (DeadKernelError, CellTimeoutError) as failure:
                if self._current is None:  # died before running anything of the student's
                    start_failures += 1
                    if start_failures >= self.start_attempts:
                        raise
                    continue
                dead.add(self._current)
                if isinstance(failure, DeadKernelError):
                    why = ("KernelDied", "the kernel died while running this cell (os._exit, a crash, or "
                           "the memory limit)")
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
        with self.setup_kernel():
            info = self.wait_for_reply(self.kc.kernel_info())
            self.nb.metadata["language_info"] = info["content"]["language_info"]
            for index, cell in enumerate(self.nb.cells[:start]):
                if cell.cell_type == "code" and index not in dead and not cell.metadata.get("nbgrader", {}).get("grade"):
                    self._current = index
                    self.execute_cell(copy.deepcopy(cell), index, store_history=False)
            for index in range(start, len(self.nb.cells)):
                self._current = index
                self.preprocess_cell(self.nb.cells[index], resources, index)
        return len(self.nb.cells)


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
