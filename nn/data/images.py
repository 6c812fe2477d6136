"""Fashion-MNIST and MNIST: 28×28 grey images of 10 classes, stored in the idx format.

Where the images come from, in order:
1. a folder the user names (`path=`), holding the four idx files;
2. with `full=True`, the complete set installed by a system package
   (Debian's `dataset-fashion-mnist` puts it in /usr/share/datasets/fashion-mnist);
3. otherwise the subset shipped inside trainlab (10,000 training and 2,000 test
   images of Fashion-MNIST), so that the lab works offline and every student gets
   the same numbers.

Pixels are scaled from 0..255 to floats in [0, 1] and each image is flattened to a
row of 784 numbers; `Dataset.image_shape` remembers (28, 28) to draw them again.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from nn.data.dataset import DataError, Dataset, unreadable

FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
DIGIT_CLASSES = tuple(str(digit) for digit in range(10))

SYSTEM_FOLDERS = {
    "fashion-mnist": Path("/usr/share/datasets/fashion-mnist"),
    "mnist": Path("/usr/share/datasets/mnist"),
}
SHIPPED_SUBSET = "fashion_mnist_subset.npz"

# The four files of a set; each may also be gzipped, with ".gz" added to the name.
IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}

# The third byte of an idx file's magic number says how each value is stored
# (always big-endian); the fourth byte says how many dimensions follow.
_IDX_TYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_START = b"\x1f\x8b"


def read_idx(path: str | Path) -> np.ndarray:
    """Read one idx file (plain or gzip-compressed) into an array of its stored shape.

    The format is tiny: a 4-byte magic number (0, 0, value type, number of
    dimensions), one 4-byte big-endian size per dimension, then the values.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise unreadable(path, error) from None
    if raw.startswith(_GZIP_START):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise DataError(
                f"{path}: a broken gzip file ({error})",
                "broken_gzip",
                where=str(path),
                problem=str(error),
            ) from None
    if len(raw) < 4 or raw[0:2] != b"\x00\x00" or raw[2] not in _IDX_TYPES:
        magic = raw[:4].hex() or "nothing"
        raise DataError(
            f"{path}: not an idx file: the magic number is 0x{magic}, expected "
            "0x00000801 (labels) or 0x00000803 (images)",
            "not_idx",
            where=str(path),
            magic=magic,
        )
    dtype, n_dims = _IDX_TYPES[raw[2]], raw[3]
    header_size = 4 + 4 * n_dims
    if len(raw) < header_size:
        raise DataError(
            f"{path}: the file ends inside its header; is it truncated?",
            "idx_header",
            where=str(path),
        )
    shape = tuple(int(size) for size in np.frombuffer(raw, ">u4", count=n_dims, offset=4))
    expected = header_size + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        raise DataError(
            f"{path}: the header announces shape {shape} ({expected} bytes), "
            f"but the file has {len(raw)} bytes; is it truncated?",
            "idx_size",
            where=str(path),
            shape=shape,
            expected=expected,
            size=len(raw),
        )
    values = np.frombuffer(raw, dtype, offset=header_size).reshape(shape)
    return values.astype(dtype.newbyteorder("="))  # a writable copy in the machine's byte order


def write_idx(path: str | Path, values: np.ndarray) -> None:
    """Write an array as an idx file (gzip-compressed when the name ends in .gz).

    The inverse of `read_idx`; the tests use it to make small idx files.
    """
    codes = [c for c, stored in _IDX_TYPES.items() if stored == values.dtype.newbyteorder(">")]
    if not codes:
        raise ValueError(f"the idx format cannot store {values.dtype} values")
    code = codes[0]
    header = bytes([0, 0, code, values.ndim]) + np.array(values.shape, ">u4").tobytes()
    raw = header + values.astype(_IDX_TYPES[code]).tobytes()
    path = Path(path)
    path.write_bytes(gzip.compress(raw) if path.suffix == ".gz" else raw)


@lru_cache(maxsize=2)
def read_idx_folder(folder: str) -> dict[str, np.ndarray]:
    """Read the four idx files of a set from a folder (cached: the full set takes ~1 s)."""
    where = Path(folder)
    if not where.is_dir():
        raise DataError(
            f"{where}: no such folder; expected a folder with the four idx files",
            "no_folder",
            where=str(where),
        )
    arrays = {}
    for key, name in IDX_FILES.items():
        candidates = [where / name, where / f"{name}.gz"]
        found = next((file for file in candidates if file.is_file()), None)
        if found is None:
            raise DataError(
                f"{where}: no file {name} (or {name}.gz)",
                "no_idx_file",
                where=str(where),
                name=name,
            )
        arrays[key] = _read_only(read_idx(found))
    return arrays


@lru_cache(maxsize=1)
def read_shipped_subset() -> dict[str, np.ndarray]:
    """The Fashion-MNIST subset that ships inside the package (uint8 images, labels)."""
    with (
        resources.files(__package__).joinpath(SHIPPED_SUBSET).open("rb") as file,
        np.load(file) as npz,
    ):
        return {key: _read_only(npz[key]) for key in IDX_FILES}


def _read_only(values: np.ndarray) -> np.ndarray:
    """Cached arrays are shared by every caller, so nobody may change them."""
    values.setflags(write=False)
    return values


def load_images(
    name: str,
    *,
    path: str | None = None,
    full: bool = False,
    train_limit: int | None = None,
    test_limit: int | None = None,
) -> Dataset:
    """Fashion-MNIST or MNIST, from `path`, the system's full set, or the shipped subset.

    `train_limit` / `test_limit` keep the first images only; they are cut before the
    pixels are turned into floats, so 300 images of the full set cost 300, not 60,000.
    """
    class_names = FASHION_CLASSES if name == "fashion-mnist" else DIGIT_CLASSES
    system_folder = SYSTEM_FOLDERS[name]
    if path is not None:
        arrays = read_idx_folder(str(Path(path).resolve()))
    elif (full or name == "mnist") and system_folder.is_dir():
        arrays = read_idx_folder(str(system_folder))
    elif name == "mnist":
        raise DataError(
            "mnist does not ship with trainlab: give path= a folder with its four idx "
            f"files ({', '.join(IDX_FILES.values())}, each may end in .gz)",
            "mnist_not_shipped",
            files=", ".join(IDX_FILES.values()),
        )
    elif full:
        raise DataError(
            f"the full fashion-mnist set is not installed in {system_folder}; install it "
            "(Debian: apt-get install dataset-fashion-mnist), give path= a folder with "
            "its idx files, or use the shipped subset (full=False)",
            "full_not_installed",
            folder=str(system_folder),
        )
    else:
        arrays = read_shipped_subset()
    first = {"train": slice(train_limit), "test": slice(test_limit)}
    arrays = {key: values[first[key.split("_")[1]]] for key, values in arrays.items()}
    return images_to_dataset(name, arrays, class_names, where=str(path or name))


def images_to_dataset(
    name: str, arrays: dict[str, np.ndarray], class_names: tuple[str, ...], where: str
) -> Dataset:
    """Check the four arrays fit together, then scale and flatten the images."""
    parts = {}
    for part in ("train", "test"):
        images, labels = arrays[f"x_{part}"], arrays[f"y_{part}"]
        if images.ndim != 3 or labels.ndim != 1:
            raise DataError(
                f"{where}: {part} images must be (n, height, width) and labels (n,); "
                f"got {images.shape} and {labels.shape}",
                "image_shapes",
                where=where,
                part=part,
                images=images.shape,
                labels=labels.shape,
            )
        if len(images) != len(labels):
            raise DataError(
                f"{where}: {len(images)} {part} images but {len(labels)} {part} labels",
                "image_counts",
                where=where,
                part=part,
                images=len(images),
                labels=len(labels),
            )
        if labels.size and (labels.min() < 0 or labels.max() >= len(class_names)):
            raise DataError(
                f"{where}: {part} labels must be 0..{len(class_names) - 1}",
                "image_labels",
                where=where,
                part=part,
                last=len(class_names) - 1,
            )
        flat = images.reshape(len(images), -1).astype(np.float64)
        if images.dtype == np.uint8:
            flat *= 1 / 255  # pixels 0..255 -> [0, 1]
        parts[f"x_{part}"] = flat
        parts[f"y_{part}"] = labels.astype(np.int64)
    if arrays["x_train"].shape[1:] != arrays["x_test"].shape[1:]:
        raise DataError(
            f"{where}: train and test images differ in size", "image_sizes", where=where
        )
    height, width = arrays["x_train"].shape[1:]
    return Dataset(
        name=name,
        n_classes=len(class_names),
        class_names=class_names,
        image_shape=(height, width),
        **parts,
    )
