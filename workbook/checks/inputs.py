"""Seeded test inputs: the same numbers on every machine, without touching the global RNG."""

import torch


def randn(*shape, seed: int = 0, dtype=torch.float32, device="cpu", scale: float = 1.0) -> torch.Tensor:
    """Normal noise drawn on the CPU from its own generator, then moved: identical everywhere."""
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(shape, generator=g, dtype=torch.float64) * scale).to(dtype=dtype, device=device)


def randint(high: int, *shape, seed: int = 0, device="cpu") -> torch.Tensor:
    """int64 labels in ``[0, high)``, drawn like :func:`randn`."""
    g = torch.Generator().manual_seed(seed)
    return torch.randint(high, tuple(shape), generator=g).to(device)
