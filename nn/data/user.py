"""The student's own data: a CSV table or a NumPy .npz file.

CSV: a header row naming the columns; one column holds the labels (integers or
names), every other column is a number that describes the sample.

    x1,x2,label
    0.3,-1.2,cat
    1.5,0.4,dog

NPZ: arrays `x` (one row per sample, or one H×W image per sample) and `y` (labels);
or, to fix the split yourself, `x_train`, `y_train`, `x_test`, `y_test`.

Anything wrong in the file is reported as a DataError that names the file, and the
line and column where it can be said, in words a student can act on.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np

from nn.data.dataset import (
    CLASSIFICATION,
    REGRESSION,
    DataError,
    Dataset,
    labels_to_indices,
    regression_targets,
    shuffle_and_split,
    unreadable,
)

NPZ_SPLIT_KEYS = ("x_train", "y_train", "x_test", "y_test")


def load_csv(
    path: str | Path,
    *,
    label_column: str,
    train_ratio: float,
    seed: int,
    task: str = CLASSIFICATION,
) -> Dataset:
    """Read a CSV table and split its rows into train and test with a seeded shuffle."""
    x, labels = read_csv(path, label_column)
    return _finish(path, x, labels, train_ratio=train_ratio, seed=seed, task=task)


def load_npz(
    path: str | Path, *, train_ratio: float, seed: int, task: str = CLASSIFICATION
) -> Dataset:
    """Read an .npz file; split it with a seeded shuffle unless it brings its own split."""
    arrays = _open_npz(path)
    if all(key in arrays for key in NPZ_SPLIT_KEYS):
        x_train, train_shape = _features(arrays["x_train"], path, "x_train")
        x_test, test_shape = _features(arrays["x_test"], path, "x_test")
        _check_same_length(path, x_train, arrays["y_train"], "x_train", "y_train")
        _check_same_length(path, x_test, arrays["y_test"], "x_test", "y_test")
        if x_train.shape[1:] != x_test.shape[1:] or train_shape != test_shape:
            raise DataError(
                f"{path}: x_train and x_test describe samples of different sizes",
                "split_sizes",
                where=str(path),
            )
        for key, part in (("x_train", x_train), ("x_test", x_test)):
            if len(part) == 0:
                raise DataError(f"{path}: '{key}' has no rows", "no_rows", where=str(path), key=key)
        x = np.concatenate([x_train, x_test])
        labels = np.concatenate([arrays["y_train"], arrays["y_test"]])
        return _finish(path, x, labels, image_shape=train_shape, n_train=len(x_train), task=task)
    for key in ("x", "y"):
        if key not in arrays:
            if arrays:
                raise DataError(
                    f"{path}: no array '{key}'; arrays are: {', '.join(arrays)} "
                    f"(expected x and y, or {', '.join(NPZ_SPLIT_KEYS)})",
                    "no_array",
                    where=str(path),
                    key=key,
                    arrays=", ".join(arrays),
                    split=", ".join(NPZ_SPLIT_KEYS),
                )
            raise DataError(
                f"{path}: no array '{key}'; arrays are: none "
                f"(expected x and y, or {', '.join(NPZ_SPLIT_KEYS)})",
                "no_arrays",
                where=str(path),
                key=key,
                split=", ".join(NPZ_SPLIT_KEYS),
            )
    x, image_shape = _features(arrays["x"], path, "x")
    _check_same_length(path, x, arrays["y"], "x", "y")
    return _finish(
        path,
        x,
        arrays["y"],
        image_shape=image_shape,
        train_ratio=train_ratio,
        seed=seed,
        task=task,
    )


def read_csv(path: str | Path, label_column: str) -> tuple[np.ndarray, np.ndarray]:
    """The feature columns as a float64 matrix, and the label column as text."""
    text = _read_text(path)
    rows = csv.reader(io.StringIO(text))
    header = [name.strip() for name in next(rows, [])]
    if not any(header):
        raise DataError(
            f"{path}: the file is empty; expected a header row such as x1,x2,label",
            "csv_empty",
            where=str(path),
        )
    if label_column not in header:
        raise DataError(
            f"{path}: no column '{label_column}'; columns are: {', '.join(header)}",
            "no_column",
            where=str(path),
            column=label_column,
            columns=", ".join(header),
        )
    if len(header) < 2:
        raise DataError(
            f"{path}: only the label column; at least one feature column is needed",
            "no_features",
            where=str(path),
        )

    table, line_of_row = [], []
    try:
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue  # blank lines are allowed
            if len(row) != len(header):
                raise DataError(
                    f"{path} line {rows.line_num}: {len(row)} cells, expected {len(header)}",
                    "cell_count",
                    where=str(path),
                    line=rows.line_num,
                    cells=len(row),
                    expected=len(header),
                )
            table.append(row)
            line_of_row.append(rows.line_num)
    except csv.Error as error:
        raise DataError(
            f"{path} line {rows.line_num}: {error}",
            "csv_syntax",
            where=str(path),
            line=rows.line_num,
            problem=str(error),
        ) from None
    if not table:
        raise DataError(f"{path}: a header row but no data rows", "no_data_rows", where=str(path))

    cells = np.array(table, dtype=str)
    label_at = header.index(label_column)
    labels = np.char.strip(cells[:, label_at])
    feature_cells = np.delete(cells, label_at, axis=1)
    feature_names = [name for name in header if name != label_column]
    for row, label in enumerate(labels):
        if not label:
            raise DataError(
                f"{path} line {line_of_row[row]}, column '{label_column}': no label",
                "no_label",
                where=str(path),
                line=line_of_row[row],
                column=label_column,
            )
    try:
        x = feature_cells.astype(np.float64)  # fast: the whole table at once
    except ValueError:
        x = _parse_cell_by_cell(feature_cells, path, line_of_row, feature_names)
    if not np.all(np.isfinite(x)):
        row, column = np.argwhere(~np.isfinite(x))[0]
        raise DataError(
            f"{path} line {line_of_row[row]}, column '{feature_names[column]}': "
            f"{feature_cells[row, column].strip()!r} is not a finite number",
            "not_finite_cell",
            where=str(path),
            line=line_of_row[row],
            column=feature_names[column],
            cell=feature_cells[row, column].strip(),
        )
    return x, labels


def _parse_cell_by_cell(
    cells: np.ndarray, path: str | Path, line_of_row: list[int], column_names: list[str]
) -> np.ndarray:
    """The slow way, one cell at a time, to name the first cell that is not a number."""
    x = np.empty(cells.shape)
    for row, cells_of_row in enumerate(cells):
        for column, cell in enumerate(cells_of_row):
            try:
                x[row, column] = float(cell)
            except ValueError:
                raise DataError(
                    f"{path} line {line_of_row[row]}, column '{column_names[column]}': "
                    f"{cell.strip()!r} is not a number",
                    "not_number_cell",
                    where=str(path),
                    line=line_of_row[row],
                    column=column_names[column],
                    cell=cell.strip(),
                ) from None
    return x


def _read_text(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(f"{path}: file not found", "file_not_found", where=str(path)) from None
    except UnicodeDecodeError:
        raise DataError(
            f"{path}: not a text file (expected UTF-8 CSV text)", "not_text_file", where=str(path)
        ) from None
    except OSError as error:
        raise unreadable(path, error) from None


def _open_npz(path: str | Path) -> dict[str, np.ndarray]:
    """All arrays of an .npz file; no pickled objects (they could run code)."""
    try:
        loaded = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise DataError(f"{path}: file not found", "file_not_found", where=str(path)) from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise DataError(
            f"{path}: not a readable .npz file ({error})",
            "bad_npz",
            where=str(path),
            problem=str(error),
        ) from None
    if not isinstance(loaded, np.lib.npyio.NpzFile):  # an .npy array, whatever its name says
        raise DataError(
            f"{path}: holds a single array; expected an .npz with x and y",
            "single_array",
            where=str(path),
        )
    try:
        with loaded:
            return {key: loaded[key] for key in loaded.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise DataError(
            f"{path}: not a readable .npz file ({error})",
            "bad_npz",
            where=str(path),
            problem=str(error),
        ) from None


def _features(x: np.ndarray, path: str | Path, key: str) -> tuple[np.ndarray, tuple | None]:
    """Samples as float64 rows; images (n, H, W) are flattened and remember (H, W).

    uint8 values are taken to be pixels 0..255 and scaled to [0, 1], as for MNIST.
    """
    if x.dtype.kind not in "biuf":
        raise DataError(
            f"{path}: '{key}' must hold numbers, not {x.dtype}",
            "not_numbers",
            where=str(path),
            key=key,
            dtype=str(x.dtype),
        )
    if x.ndim not in (2, 3):
        raise DataError(
            f"{path}: '{key}' has shape {x.shape}; expected (samples, features) "
            "or (samples, height, width)",
            "sample_shape",
            where=str(path),
            key=key,
            shape=x.shape,
        )
    if len(x) == 0:
        raise DataError(f"{path}: '{key}' has no rows", "no_rows", where=str(path), key=key)
    if x[0].size == 0:
        raise DataError(
            f"{path}: '{key}' has shape {x.shape}: its samples have no features",
            "empty_samples",
            where=str(path),
            key=key,
            shape=x.shape,
        )
    image_shape = tuple(x.shape[1:]) if x.ndim == 3 else None
    rows = x.reshape(len(x), int(np.prod(x.shape[1:]))).astype(np.float64)  # 0 rows too
    if x.dtype == np.uint8:
        rows *= 1 / 255
    if not np.all(np.isfinite(rows)):
        row = int(np.argwhere(~np.isfinite(rows))[0, 0])
        raise DataError(
            f"{path}: '{key}' sample {row} (counting from 0) holds NaN or infinity",
            "not_finite_sample",
            where=str(path),
            key=key,
            row=row,
        )
    return rows, image_shape


def _check_same_length(
    path: str | Path, x: np.ndarray, y: np.ndarray, x_key: str, y_key: str
) -> None:
    if y.ndim != 1:
        raise DataError(
            f"{path}: '{y_key}' must be one label per sample, shape (n,); got {y.shape}",
            "label_shape",
            where=str(path),
            key=y_key,
            shape=y.shape,
        )
    if len(x) != len(y):
        raise DataError(
            f"{path}: '{x_key}' has {len(x)} rows but '{y_key}' has {len(y)} labels",
            "label_count",
            where=str(path),
            x_key=x_key,
            rows=len(x),
            y_key=y_key,
            labels=len(y),
        )


def _finish(
    path: str | Path,
    x: np.ndarray,
    labels: np.ndarray,
    *,
    image_shape: tuple | None = None,
    n_train: int | None = None,
    train_ratio: float = 0.7,
    seed: int = 0,
    task: str = CLASSIFICATION,
) -> Dataset:
    """Number the classes (or read the targets, for regression), split (unless `n_train`
    says where), and build the Dataset."""
    if task == REGRESSION:
        y, class_names = regression_targets(labels, str(path)), ()
    else:
        y, class_names = labels_to_indices(labels, str(path))
    if n_train is None:
        parts = shuffle_and_split(x, y, train_ratio, np.random.default_rng(seed))
    else:
        parts = (x[:n_train], y[:n_train], x[n_train:], y[n_train:])
    return Dataset(Path(path).name, *parts, len(class_names), class_names, image_shape, task=task)
