"""Rebuild nn/data/fashion_mnist_subset.npz, the Fashion-MNIST subset that ships with trainlab.

It holds the first 10,000 training and the first 2,000 test images of Fashion-MNIST
(uint8, 28×28) with their labels, saved with np.savez_compressed under the keys
x_train, y_train, x_test, y_test. Taking the first images of each original file
keeps the classes roughly balanced (942 to 1,027 training images per class).
The file is about 5.3 MB (5,276,548 bytes when last built).

Source: the idx files of Debian's `dataset-fashion-mnist` package
(apt-get install dataset-fashion-mnist), or any folder given as the first argument.

    .venv/bin/python scripts/build_fashion_subset.py [FOLDER] [--out FILE]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from nn.data.images import SHIPPED_SUBSET, SYSTEM_FOLDERS, read_idx_folder

N_TRAIN, N_TEST = 10_000, 2_000
OUTPUT = Path(__file__).resolve().parent.parent / "nn" / "data" / SHIPPED_SUBSET


def build(source: str | Path, output: Path) -> dict[str, np.ndarray]:
    """Write the subset of the idx files in `source` to `output`; return its arrays."""
    full = read_idx_folder(source)
    subset = {
        "x_train": full["x_train"][:N_TRAIN],
        "y_train": full["y_train"][:N_TRAIN],
        "x_test": full["x_test"][:N_TEST],
        "y_test": full["y_test"][:N_TEST],
    }
    for key, values in subset.items():
        if values.dtype != np.uint8:
            raise ValueError(f"{source}: {key} is {values.dtype}, expected uint8")
    np.savez_compressed(output, **subset)
    return subset


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "folder",
        nargs="?",
        default=str(SYSTEM_FOLDERS["fashion-mnist"]),
        help="the four idx files (default: %(default)s)",
    )
    parser.add_argument("--out", type=Path, default=OUTPUT, help="default: %(default)s")
    args = parser.parse_args(argv)
    try:
        subset = build(args.folder, args.out)
    except (ValueError, OSError) as error:  # DataError is a ValueError
        raise SystemExit(f"build_fashion_subset: {error}") from None
    counts = np.bincount(subset["y_train"], minlength=10)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    print(f"training images per class: {counts.tolist()}")


if __name__ == "__main__":
    main()
