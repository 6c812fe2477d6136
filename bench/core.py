"""Speed of the training core: milliseconds per update for the shapes in DESIGN.md.

    python bench/core.py            # a table
    python bench/core.py --json     # one JSON object
    python bench/core.py --no-torch # skip PyTorch (timed where it is installed)
    python bench/core.py --threads 2   # BLAS threads (default: 1, as the app uses)

Each figure is the median of several timed blocks of updates, measured through the
public Comparison API (what the app and the CLI use). Where PyTorch is installed (it is
never a dependency), the same shapes run in PyTorch eager, block for block in turns with
ours, and `<shape>_vs_torch` is our time over PyTorch's. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _blas_threads_from_argv() -> str:
    """--threads must act before NumPy loads its BLAS, so it is read here, early."""
    if "--threads" in sys.argv[:-1]:
        return sys.argv[sys.argv.index("--threads") + 1]
    return os.environ.get("OPENBLAS_NUM_THREADS", "1")


for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ[_variable] = _blas_threads_from_argv()

import numpy as np  # noqa: E402

from nn import Comparison, DataConfig, OptimizerConfig, RunConfig  # noqa: E402
from nn.config import MAX_STEPS  # noqa: E402

FIVE_OPTIMIZERS = (
    ("sgd", 0.1),
    ("momentum", 0.05),
    ("adagrad", 0.05),
    ("rmsprop", 0.005),
    ("adam", 0.005),
)


def blas_info() -> dict[str, object]:
    """Which BLAS numpy uses, the kernel it picked for this CPU, and its thread count."""
    info: dict[str, object] = {}
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["blas"] = f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # older numpy: not fatal for a benchmark
        info["blas"] = "unknown"
    for line in Path("/proc/self/maps").read_text().splitlines():
        if "openblas" in line.lower() and line.endswith(".so"):
            library = ctypes.CDLL(line.split()[-1])
            # Symbol names differ between builds: scipy_openblas_get_num_threads64_, ...
            for threads_name, core_name in (
                ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_corename64_"),
                ("scipy_openblas_get_num_threads", "scipy_openblas_get_corename"),
                ("openblas_get_num_threads", "openblas_get_corename"),
            ):
                try:
                    threads = getattr(library, threads_name)
                    corename = getattr(library, core_name)
                except AttributeError:
                    continue
                corename.restype = ctypes.c_char_p
                info["blas_threads"] = threads()
                info["blas_kernel"] = corename().decode()
                break
            break
    return info


def endless(config: RunConfig) -> RunConfig:
    """The same run with a budget that a benchmark cannot exhaust."""
    return config.with_changes(steps=MAX_STEPS)


def mlp_config() -> RunConfig:
    return endless(
        RunConfig(
            data=DataConfig(name="fashion-mnist"),
            layers=(100, 100, 100, 100),
            activation="relu",
            init="he",
            optimizer=OptimizerConfig("adam", lr=0.001),
            batch_size=100,
        )
    )


def tiny_config(name: str = "tiny", optimizer: str = "adam", lr: float = 0.005) -> RunConfig:
    return endless(
        RunConfig(
            name=name,
            data=DataConfig(name="xor", samples=1000),
            layers=(8, 8),
            activation="relu",
            optimizer=OptimizerConfig(optimizer, lr=lr),
            batch_size=32,
        )
    )


def bn_dropout_config() -> RunConfig:
    return endless(
        RunConfig(
            data=DataConfig(name="fashion-mnist"),
            layers=(256,) * 5,
            activation="relu",
            optimizer=OptimizerConfig("adam", lr=0.001),
            batch_size=128,
            batch_norm=True,
            dropout=0.2,
        )
    )


def five_tiny() -> list[RunConfig]:
    return [tiny_config(name, name, lr) for name, lr in FIVE_OPTIMIZERS]


def alternating(
    blocks: dict[str, Callable[[], None]], steps: int, repeats: int
) -> dict[str, float]:
    """Median milliseconds per update of each block of `steps` updates. The blocks take
    turns, so a slow spell of the machine hits them all alike and their ratio holds; who
    goes first rotates, so that none always follows the same other."""
    for block in blocks.values():
        block()  # warm up: buffers allocated, caches filled
    times: dict[str, list[float]] = {name: [] for name in blocks}
    names = list(blocks)
    for repeat in range(repeats):
        shift = repeat % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(_timed(blocks[name]) / steps)
    return {name: statistics.median(values) for name, values in times.items()}


def _timed(work: Callable[[], None]) -> float:
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1e3


# name: (config, updates per timed block, layer sizes, batch norm, dropout) for PyTorch
SHAPES: dict[str, tuple[Callable[[], RunConfig], int, list[int], bool, float]] = {
    "mlp": (mlp_config, 100, [784, 100, 100, 100, 100, 10], False, 0.0),
    "tiny": (tiny_config, 2000, [2, 8, 8, 2], False, 0.0),
    "bn_dropout": (bn_dropout_config, 30, [784] + [256] * 5 + [10], True, 0.2),
}


# Makes a PyTorch block: (layer sizes, batch, batch norm, dropout, updates) -> block
TorchSteps = Callable[[list[int], int, bool, float, int], Callable[[], None]]


def measure(repeats: int, torch_steps: TorchSteps | None) -> dict[str, object]:
    """Every figure; with PyTorch, each shape timed in turns with PyTorch's, and the ratio."""
    results: dict[str, object] = {}
    for name, (config, steps, sizes, batch_norm, dropout) in SHAPES.items():
        comparison = Comparison([config()])
        blocks = {f"{name}_ms": lambda c=comparison, n=steps: c.step(n)}
        if torch_steps is not None:
            batch = config().batch_size
            blocks[f"torch_{name}_ms"] = torch_steps(sizes, batch, batch_norm, dropout, steps)
        results.update(alternating(blocks, steps, repeats))
        if torch_steps is not None:
            results[f"{name}_vs_torch"] = results[f"{name}_ms"] / results[f"torch_{name}_ms"]
        if name == "mlp":
            results["mlp_samples_per_s"] = 100 / results["mlp_ms"] * 1e3

    stacked = Comparison(five_tiny())
    assert len(stacked.groups) == 1, "the five tiny nets should stack into one group"
    singles = [Comparison([config]) for config in five_tiny()]

    def sequential() -> None:
        for single in singles:
            single.step(1000)

    side_by_side = alternating(
        {"stacked5_ms": lambda: stacked.step(1000), "sequential5_ms": sequential}, 1000, repeats
    )
    results.update(side_by_side)
    results["stacked5_ratio"] = side_by_side["stacked5_ms"] / side_by_side["sequential5_ms"]
    return results


def torch_steps(threads: int) -> TorchSteps | None:
    """A maker of PyTorch eager training blocks for a shape, or None without PyTorch
    (it is never a dependency). Adam is PyTorch's fastest: fused where it runs on the CPU."""
    try:
        import torch
    except ImportError:
        return None
    torch.manual_seed(0)
    torch.set_num_threads(threads)

    def make(
        sizes: list[int], batch: int, batch_norm: bool, dropout: float, steps: int
    ) -> Callable[[], None]:
        layers: list[torch.nn.Module] = []
        for n_in, n_out in zip(sizes[:-2], sizes[1:-1], strict=True):
            layers.append(torch.nn.Linear(n_in, n_out))
            if batch_norm:
                layers.append(torch.nn.BatchNorm1d(n_out))
            layers.append(torch.nn.ReLU())
            if dropout:
                layers.append(torch.nn.Dropout(dropout))
        layers.append(torch.nn.Linear(sizes[-2], sizes[-1]))
        model = torch.nn.Sequential(*layers)
        x = torch.randn(batch, sizes[0])
        y = torch.randint(0, sizes[-1], (batch,))
        loss_fn = torch.nn.CrossEntropyLoss()
        try:  # PyTorch refuses fused=True when it has no fused kernel for these tensors
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, fused=True)
        except (RuntimeError, TypeError):
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, foreach=True)

        def block() -> None:
            for _ in range(steps):
                optimizer.zero_grad(set_to_none=True)
                loss_fn(model(x), y).backward()
                optimizer.step()

        return block

    return make


def _torch_version() -> str:
    import torch

    return f"{torch.__version__} ({torch.get_num_threads()} threads)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--repeats", type=int, default=7, help="timed blocks per figure")
    parser.add_argument(
        "--no-torch", action="store_true", help="skip PyTorch even where it is installed"
    )
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    args = parser.parse_args()

    results: dict[str, object] = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "cpus": os.cpu_count(),
        **blas_info(),
    }
    maker = None if args.no_torch else torch_steps(args.threads)
    results["torch"] = _torch_version() if maker else "not timed"
    results.update(measure(args.repeats, maker))
    if args.json:
        print(json.dumps(results))
        return
    targets = {
        "mlp_ms": 0.80,
        "tiny_ms": 0.04,
        "bn_dropout_ms": 4.5,
        "stacked5_ms": 0.10,
        "stacked5_ratio": 0.5,
    }
    print(f"{'figure':<22}{'value':>12}  target")
    for key, value in results.items():
        target = f"<= {targets[key]}" if key in targets else ""
        shown = f"{value:.4f}" if isinstance(value, float) else str(value)
        print(f"{key:<22}{shown:>12}  {target}")


if __name__ == "__main__":
    main()
