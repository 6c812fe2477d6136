"""Rebuild nn/data/fashion_mnist_subset.npz, the Fashion-MNIST subset that ships with trainlab.

It holds the first 10,000 training and the first 2,000 test images of Fashion-MNIST
(uint8, 28×28) with their labels, saved with np.savez_compressed under the keys
x_train, y_train, x_test, y_test. Taking the first images of each original file
keeps the classes roughly balanced (942 to 1,027 training images per class).
The file is about 5.3 MB (5,276,548 bytes when last built).

Source: the idx files of Debian's `dataset-fashion-mnist` package
(apt-get install dataset-fashion-mnist), or any folder given as the first argument.

    .venv/bin/python scripts/build_fashion_subset.py [FOLDER]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from nn.data.images import SHIPPED_SUBSET, SYSTEM_FOLDERS, read_idx_folder

N_TRAIN, N_TEST = 10_000, 2_000
OUTPUT = Path(__file__).resolve().parent.parent / "nn" / "data" / SHIPPED_SUBSET


def main() -> None:
    source = sys.argv[1] if len(sys.argv) > 1 else str(SYSTEM_FOLDERS["fashion-mnist"])
    full = read_idx_folder(source)
    subset = {
        "x_train": full["x_train"][:N_TRAIN],
        "y_train": full["y_train"][:N_TRAIN],
        "x_test": full["x_test"][:N_TEST],
        "y_test": full["y_test"][:N_TEST],
    }
    for key, values in subset.items():
        assert values.dtype == np.uint8, f"{key} is {values.dtype}, expected uint8"
    np.savez_compressed(OUTPUT, **subset)
    counts = np.bincount(subset["y_train"], minlength=10)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size / 1e6:.1f} MB)")
    print(f"training images per class: {counts.tolist()}")


if __name__ == "__main__":
    main()
