"""Data loading: the solutions' DataLoader of 04_data_loading against torch.utils.data.DataLoader.

    python benchmarks/data_loading.py [--threads 1] [--repeats 5] [--batches N] [--quick]

On MNIST-sized random tensors (50,000 x 784 float32, int64 labels, seeded), shuffled, batch
size 64, times four loaders:

  (a) the solutions' DataLoader(ds, BatchSampler(Sampler(ds, shuffle=True), 64), collate):
      the lesson's path, one ds[i] per example and a stack per batch;
  (b) the solutions' DataLoader on the batch-indexing fast path: every batch of indices is
      handed to the dataset at once, ds[indices], and the collate function passes it through
      (see benchmarks/solutions.py);
  (c) torch DataLoader(TensorDataset, batch_size=64, shuffle=True): PyTorch's default,
      item by item with default_collate (the baseline of the ratios);
  (d) torch DataLoader(TensorDataset, sampler=BatchSampler(RandomSampler, 64), batch_size=None):
      PyTorch's batch-indexing path, as section 7 of the notebook builds it.

Each pass is a full epoch (782 batches) unless --batches caps it; after one warm-up pass
per loader, the loaders take turns for --repeats passes and the table reports the median.
torch runs on --threads threads (default 1: indexing large batches is multi-threaded, and
one thread keeps the figures comparable between machines). Prints a markdown table and
appends it to benchmarks/RESULTS.md, except with --quick (small sizes, a smoke test).
"""

import argparse
import statistics
import time
from itertools import islice

import torch

import solutions as S


def timed_pass(loader, batches):
    """(batches seen, seconds) for one pass over `loader`, at most `batches` batches."""
    count = 0
    start = time.perf_counter()
    for xb, yb in islice(loader, batches):
        count += 1
    return count, time.perf_counter() - start


def check_loaders(sol, loaders, ds, x, bs):
    """Every loader yields an epoch of batches of the right shapes; (a) and (b) agree batch for batch."""
    n, features = x.shape
    want = [((min(bs, n - i), features), (min(bs, n - i),)) for i in range(0, n, bs)]
    for name, loader in loaders.items():
        got = [(tuple(xb.shape), tuple(yb.shape)) for xb, yb in loader]
        assert got == want, f"{name}: its batches have unexpected shapes"
    torch.manual_seed(1)
    per_item = list(S.per_item_loader(sol, ds, bs, shuffle=True))
    torch.manual_seed(1)
    whole = list(S.whole_batch_loader(sol, ds, bs, shuffle=True))
    assert all(torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]) for a, b in zip(per_item, whole)), \
        "the solutions' per-item and batch-indexing paths give different batches"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    parser.add_argument("--repeats", type=int, default=5, help="timed passes per loader; the median is reported")
    parser.add_argument("--batches", type=int, default=None, help="batches per pass (default: a full epoch)")
    parser.add_argument("--rows", type=int, default=50_000, help="examples in the dataset (default 50,000)")
    parser.add_argument("--bs", type=int, default=64, help="batch size (default 64)")
    parser.add_argument("--quick", action="store_true", help="small sizes, not recorded: checks the script works")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.repeats = 2_000, 2
    torch.set_num_threads(args.threads)

    sol = S.load(S.PIPELINE)
    torch.set_num_threads(args.threads)  # in case loading the notebook's setup touched it
    x, y = S.mnist_sized(args.rows)
    ds, tds = sol.Dataset(x, y), torch.utils.data.TensorDataset(x, y)
    bs = args.bs
    loaders = {
        "(a) solutions: Sampler + BatchSampler + collate (per item)": S.per_item_loader(sol, ds, bs, shuffle=True),
        "(b) solutions: batch indexing, ds[indices] (fast path)": S.whole_batch_loader(sol, ds, bs, shuffle=True),
        "(c) torch: DataLoader(batch_size=64, shuffle=True) (per item)": S.torch_per_item_loader(tds, bs, shuffle=True),
        "(d) torch: sampler=BatchSampler(RandomSampler), batch_size=None":
            S.torch_whole_batch_loader(tds, bs, shuffle=True),
    }
    check_loaders(sol, loaders, ds, x, bs)

    torch.manual_seed(0)
    for loader in loaders.values():
        timed_pass(loader, args.batches)
    times = {name: [] for name in loaders}
    counts = {}
    for _ in range(args.repeats):
        for name, loader in loaders.items():
            counts[name], seconds = timed_pass(loader, args.batches)
            times[name].append(seconds)

    rate = {name: counts[name] / statistics.median(times[name]) for name in loaders}
    baseline = rate[next(name for name in loaders if name.startswith("(c)"))]
    per_pass = "a full epoch" if args.batches is None else f"at most {args.batches} batches"
    lines = [S.machine_line("Data loading", args.threads), "",
             f"{args.rows:,} x {x.shape[1]} float32 inputs, int64 labels, batch size {bs}, shuffled; "
             f"each pass is {per_pass}; median of {args.repeats} passes after a warm-up pass" +
             (" (--quick)" if args.quick else ""), "",
             "| loader | batches per pass | batches / s | ms / batch | x torch default (c) |",
             "|---|---|---|---|---|"]
    for name in loaders:
        lines.append(f"| {name} | {counts[name]} | {rate[name]:,.0f} | {1000 / rate[name]:.3f} | "
                     f"{rate[name] / baseline:.2f} |")
    S.publish("\n".join(lines), args.quick)


if __name__ == "__main__":
    main()
