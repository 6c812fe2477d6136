"""Speed of the training core: milliseconds per update for the shapes in DESIGN.md.

    python bench/core.py            # a table
    python bench/core.py --json     # one JSON object
    python bench/core.py --torch    # also PyTorch eager on the same shapes, if installed
    python bench/core.py --threads 2   # BLAS threads (default: 1, as the app uses)

Each figure is the median of several timed blocks of updates, measured through the
public Comparison API (what the app and the CLI use). Nothing here asserts a time.
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


def time_steps(comparison: Comparison, steps: int, repeats: int) -> float:
    """Median milliseconds per update over `repeats` blocks of `steps` updates."""
    comparison.step(steps)  # warm up: buffers allocated, caches filled
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        comparison.step(steps)
        timings.append((time.perf_counter() - start) / steps * 1e3)
    return statistics.median(timings)


def endless(config: RunConfig) -> RunConfig:
    """The same run with a budget that a benchmark cannot exhaust."""
    return config.with_changes(steps=10**9)


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


def measure_numpy(repeats: int) -> dict[str, float]:
    results: dict[str, float] = {}
    mlp = Comparison([mlp_config()])
    results["mlp_ms"] = time_steps(mlp, 100, repeats)
    results["mlp_samples_per_s"] = 100 / results["mlp_ms"] * 1e3
    results["tiny_ms"] = time_steps(Comparison([tiny_config()]), 2000, repeats)
    results["bn_dropout_ms"] = time_steps(Comparison([bn_dropout_config()]), 30, repeats)
    stacked = Comparison(five_tiny())
    assert len(stacked.groups) == 1, "the five tiny nets should stack into one group"
    singles = [Comparison([config]) for config in five_tiny()]

    def sequential(steps: int) -> None:
        for single in singles:
            single.step(steps)

    # Side by side in one loop, alternating, so machine noise hits both alike.
    stacked_times, sequential_times = [], []
    stacked.step(200)
    sequential(200)
    for _ in range(repeats):
        stacked_times.append(_timed(lambda: stacked.step(1000)) / 1000)
        sequential_times.append(_timed(lambda: sequential(1000)) / 1000)
    results["stacked5_ms"] = statistics.median(stacked_times)
    results["sequential5_ms"] = statistics.median(sequential_times)
    results["stacked5_ratio"] = results["stacked5_ms"] / results["sequential5_ms"]
    return results


def _timed(work: Callable[[], None]) -> float:
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1e3


def measure_torch(repeats: int) -> dict[str, float] | None:
    """PyTorch eager on the same shapes (torch is never a dependency; skipped if absent)."""
    try:
        import torch
    except ImportError:
        return None
    torch.manual_seed(0)

    def net(sizes: list[int], bn: bool = False, dropout: float = 0.0) -> torch.nn.Module:
        layers: list[torch.nn.Module] = []
        for n_in, n_out in zip(sizes[:-2], sizes[1:-1], strict=True):
            layers.append(torch.nn.Linear(n_in, n_out))
            if bn:
                layers.append(torch.nn.BatchNorm1d(n_out))
            layers.append(torch.nn.ReLU())
            if dropout:
                layers.append(torch.nn.Dropout(dropout))
        layers.append(torch.nn.Linear(sizes[-2], sizes[-1]))
        return torch.nn.Sequential(*layers)

    def per_step(model: torch.nn.Module, batch: int, n_in: int, steps: int) -> float:
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, foreach=True)
        x = torch.randn(batch, n_in)
        y = torch.randint(0, 10 if n_in > 2 else 2, (batch,))
        loss_fn = torch.nn.CrossEntropyLoss()

        def block() -> None:
            for _ in range(steps):
                optimizer.zero_grad(set_to_none=True)
                loss_fn(model(x), y).backward()
                optimizer.step()

        block()
        return statistics.median(_timed(block) / steps for _ in range(repeats))

    return {
        "torch_mlp_ms": per_step(net([784, 100, 100, 100, 100, 10]), 100, 784, 100),
        "torch_tiny_ms": per_step(net([2, 8, 8, 2]), 32, 2, 1000),
        "torch_bn_dropout_ms": per_step(net([784] + [256] * 5 + [10], True, 0.2), 128, 784, 30),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--repeats", type=int, default=7, help="timed blocks per figure")
    parser.add_argument("--torch", action="store_true", help="also time PyTorch eager")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    args = parser.parse_args()

    results: dict[str, object] = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "cpus": os.cpu_count(),
        **blas_info(),
    }
    results.update(measure_numpy(args.repeats))
    if args.torch:
        results.update(measure_torch(args.repeats) or {"torch": "not installed"})
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
