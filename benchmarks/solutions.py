"""What the benchmarks of 04_data_loading share: the reference solutions, data, the table's header.

The solutions are not copied here: `load()` reads the instructor's source notebook at run
time and executes its setup cell and the solution cells asked for, as the grader would,
in a namespace of their own.

The solutions' `DataLoader` fetches the items of a batch one by one (`ds[i]` for every
index) and hands them to `collate_fn`. Section 7 of the notebook makes the dataset index a
whole batch at once by giving PyTorch's loader the batch sampler as its *sampler*, so that
each "index" is a list. `WholeBatches` and `only_item` do the same for the solutions'
loader: each batch of the batch sampler becomes a batch of one index, the list itself, and
the collate function passes the single item, `ds[list]`, through.
"""

import datetime
import os
import platform
import sys
from pathlib import Path
from types import SimpleNamespace

import torch

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(1, str(REPO))

from workbook.authoring import notebooks  # noqa: E402

SOURCE = REPO / "source" / "04_data_loading" / "04_data_loading.ipynb"
PIPELINE = ("Dataset", "Sampler", "BatchSampler", "collate", "DataLoader")
RESULTS = REPO / "benchmarks" / "RESULTS.md"


def load(names=PIPELINE + ("fit",)) -> SimpleNamespace:
    """The reference solutions `names` of 04_data_loading, run in a fresh namespace."""
    nb = notebooks.read(SOURCE)
    reference = notebooks.reference_solutions(nb)
    setup = [c.source for c in nb.cells
             if c.cell_type == "code" and notebooks.nbgrader_meta(c).get("grade_id") == "setup"]
    namespace = {"__name__": "reference_04_data_loading"}
    exec(compile(setup[0], f"<{SOURCE.name}: setup>", "exec"), namespace)
    for name in names:
        exec(compile(reference[name], f"<{SOURCE.name}: {name}>", "exec"), namespace)
    return SimpleNamespace(**{name: namespace[name] for name in names})


class WholeBatches:
    """A batch sampler whose every batch is a single index: the list of indices itself."""

    def __init__(self, batchs):
        self.batchs = batchs

    def __iter__(self):
        return ([indices] for indices in self.batchs)


def only_item(items):
    """A collate function for `WholeBatches`: the one item, already a batch, as it is."""
    (batch,) = items
    return batch


def per_item_loader(sol, ds, bs, shuffle):
    """The solutions' pipeline as the lesson builds it: one `ds[i]` per example, then collate."""
    return sol.DataLoader(ds, sol.BatchSampler(sol.Sampler(ds, shuffle=shuffle), bs), collate_fn=sol.collate)


def whole_batch_loader(sol, ds, bs, shuffle):
    """The solutions' pipeline on the fast path: one `ds[indices]` per batch, nothing to collate."""
    return sol.DataLoader(ds, WholeBatches(sol.BatchSampler(sol.Sampler(ds, shuffle=shuffle), bs)),
                          collate_fn=only_item)


def torch_per_item_loader(ds, bs, shuffle):
    """PyTorch's default: a `RandomSampler`/`SequentialSampler` batched by the loader, `default_collate`."""
    return torch.utils.data.DataLoader(ds, batch_size=bs, shuffle=shuffle)


def torch_whole_batch_loader(ds, bs, shuffle):
    """PyTorch's batch-indexing path: the batch sampler as the sampler, `batch_size=None`."""
    sampler = torch.utils.data.RandomSampler(ds) if shuffle else torch.utils.data.SequentialSampler(ds)
    return torch.utils.data.DataLoader(ds, sampler=torch.utils.data.BatchSampler(sampler, bs, drop_last=False),
                                       batch_size=None)


def mnist_sized(n, features=784, classes=10, seed=0):
    """Seeded random inputs in [0, 1) and labels with MNIST's shapes and dtypes."""
    generator = torch.Generator().manual_seed(seed)
    return (torch.rand(n, features, generator=generator),
            torch.randint(0, classes, (n,), generator=generator))


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine_line(title: str, threads: int) -> str:
    return (f"### {title}, {datetime.date.today()}, {platform.machine()} ({cpu_model()}), {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}, torch {torch.__version__}, torch.set_num_threads({threads})")


def publish(text: str, quick: bool):
    """Print the table; append it to benchmarks/RESULTS.md unless this was a --quick smoke run."""
    print(text)
    if quick:
        print("\n(--quick: a smoke test on small sizes, not appended to benchmarks/RESULTS.md)")
        return
    with open(RESULTS, "a") as results:
        results.write("\n" + text + "\n")
    print(f"\nappended to {RESULTS.relative_to(REPO)}")
