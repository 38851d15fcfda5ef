"""Training: one epoch of the lesson's MLP with the solutions' fit and pipeline against plain PyTorch.

    python benchmarks/training.py [--threads 1] [--repeats 3] [--quick]

The model and optimiser are those of the 04_data_loading demo: nn.Sequential(Linear(784, 50),
ReLU, Linear(50, 10)), F.cross_entropy, SGD(lr=0.1, momentum=0.9), training batches of 64,
shuffled, validation batches of 128, in order. The data are MNIST-sized random tensors
(50,000 training and 10,000 validation rows, seeded). One epoch is what the solutions' `fit`
does per epoch: a training pass and a validation pass (loss and accuracy). Timed:

  (a) the solutions' fit + the solutions' DataLoader, item by item (Sampler, BatchSampler, collate);
  (b) the solutions' fit + the solutions' DataLoader on the batch-indexing fast path;
  (c) a plain PyTorch loop (written here) + torch DataLoader(TensorDataset, batch_size=64,
      shuffle=True): PyTorch's default, the baseline of the ratios;
  (d) the same PyTorch loop + torch's batch-indexing loaders (sampler=BatchSampler, batch_size=None).

Every run starts from torch.manual_seed(0) before the model and the loaders are built. After a
warm-up epoch on a small subset, the variants take turns for --repeats epochs each and the
table reports the median. The labels are random, so the validation loss stays near ln 10 = 2.30:
its columns only show that the variants train alike ((a) and (b) see the very same batches;
PyTorch's RandomSampler draws another order from the same seed). torch runs on --threads
threads (default 1). Prints a markdown table and appends it to benchmarks/RESULTS.md, except
with --quick (small sizes, a smoke test).
"""

import argparse
import statistics
import time

import torch
import torch.nn.functional as F
from torch import nn

import solutions as S


def pytorch_epoch(epochs, model, loss_func, opt, train_dl, valid_dl):
    """The lesson's loop from PyTorch's classes alone: train, then validate; last (loss, accuracy)."""
    for _ in range(epochs):
        model.train()
        for inputs, targets in train_dl:
            opt.zero_grad()
            loss_func(model(inputs), targets).backward()
            opt.step()
        model.eval()
        summed_loss, right, seen = 0.0, 0, 0
        with torch.no_grad():
            for inputs, targets in valid_dl:
                logits = model(inputs)
                summed_loss += loss_func(logits, targets, reduction="sum").item()
                right += (logits.argmax(dim=1) == targets).sum().item()
                seen += len(targets)
    return summed_loss / seen, right / seen


def variants(sol, train, valid, bs):
    """name -> (fit function, function building (train_dl, valid_dl)), for data tuples train and valid."""
    def solutions_loaders(make):
        def build():
            train_ds, valid_ds = sol.Dataset(*train), sol.Dataset(*valid)
            return make(sol, train_ds, bs, shuffle=True), make(sol, valid_ds, 2 * bs, shuffle=False)
        return build

    def torch_loaders(make):
        def build():
            train_ds, valid_ds = torch.utils.data.TensorDataset(*train), torch.utils.data.TensorDataset(*valid)
            return make(train_ds, bs, shuffle=True), make(valid_ds, 2 * bs, shuffle=False)
        return build

    return {
        "(a) solutions' fit + DataLoader, per item": (sol.fit, solutions_loaders(S.per_item_loader)),
        "(b) solutions' fit + DataLoader, batch indexing": (sol.fit, solutions_loaders(S.whole_batch_loader)),
        "(c) PyTorch loop + torch DataLoader, per item": (pytorch_epoch, torch_loaders(S.torch_per_item_loader)),
        "(d) PyTorch loop + torch DataLoader, batch indexing": (pytorch_epoch,
                                                                torch_loaders(S.torch_whole_batch_loader)),
    }


def one_epoch(fit, build, lr=0.1):
    """(seconds, validation loss, validation accuracy) of one epoch from a freshly seeded model."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 50), nn.ReLU(), nn.Linear(50, 10))
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    train_dl, valid_dl = build()
    start = time.perf_counter()
    loss, acc = fit(1, model, F.cross_entropy, opt, train_dl, valid_dl)
    return time.perf_counter() - start, float(loss), float(acc)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs per variant; the median is reported")
    parser.add_argument("--rows", type=int, default=50_000, help="training examples (default 50,000)")
    parser.add_argument("--valid-rows", type=int, default=10_000, help="validation examples (default 10,000)")
    parser.add_argument("--bs", type=int, default=64, help="training batch size (default 64; validation: twice that)")
    parser.add_argument("--quick", action="store_true", help="small sizes, not recorded: checks the script works")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.valid_rows, args.repeats = 2_000, 500, 2
    torch.set_num_threads(args.threads)

    sol = S.load()
    torch.set_num_threads(args.threads)  # in case loading the notebook's setup touched it
    x, y = S.mnist_sized(args.rows + args.valid_rows)
    train, valid = (x[:args.rows], y[:args.rows]), (x[args.rows:], y[args.rows:])

    warm = variants(sol, (train[0][:20 * args.bs], train[1][:20 * args.bs]),
                    (valid[0][:5 * args.bs], valid[1][:5 * args.bs]), args.bs)
    for fit, build in warm.values():
        one_epoch(fit, build)
    runs = variants(sol, train, valid, args.bs)
    times = {name: [] for name in runs}
    metrics = {}
    for _ in range(args.repeats):
        for name, (fit, build) in runs.items():
            seconds, *metrics[name] = one_epoch(fit, build)
            times[name].append(seconds)

    median = {name: statistics.median(times[name]) for name in runs}
    baseline = median[next(name for name in runs if name.startswith("(c)"))]
    lines = [S.machine_line("Training, one epoch", args.threads), "",
             f"MLP 784-50-10 (ReLU), cross-entropy, SGD lr 0.1 momentum 0.9; {args.rows:,} training rows in "
             f"shuffled batches of {args.bs} and {args.valid_rows:,} validation rows in batches of {2 * args.bs}, "
             f"MNIST-sized random tensors; median of {args.repeats} epochs after a warm-up" +
             (" (--quick)" if args.quick else ""), "",
             "| variant | s / epoch | batches / s (train + valid) | x PyTorch default (c) | valid loss | valid acc |",
             "|---|---|---|---|---|---|"]
    batches = -(-args.rows // args.bs) + -(-args.valid_rows // (2 * args.bs))
    for name in runs:
        loss, acc = metrics[name]
        lines.append(f"| {name} | {median[name]:.3f} | {batches / median[name]:,.0f} | "
                     f"{baseline / median[name]:.2f} | {loss:.4f} | {acc:.4f} |")
    S.publish("\n".join(lines), args.quick)


if __name__ == "__main__":
    main()
