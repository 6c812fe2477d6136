"""Tests of nn.data: the 2-D sets, the probe, the images and the student's own files."""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from nn.data import DATASET_NAMES, DataError, Dataset, images, load_dataset
from nn.data.images import IDX_FILES, read_idx, write_idx

SHAPES_2D = ("spiral", "circles", "xor", "gaussians", "moons")
TWO_CLASS_SHAPES = ("circles", "xor", "moons")


def test_the_names_others_code_against() -> None:
    assert DATASET_NAMES == (
        "spiral",
        "circles",
        "xor",
        "gaussians",
        "moons",
        "plane",
        "mixture",
        "sine",
        "probe",
        "fashion-mnist",
        "mnist",
        "csv",
        "npz",
    )


# --- 2-D sets ------------------------------------------------------------------------


@pytest.mark.parametrize("name", SHAPES_2D)
def test_2d_set_shapes_and_dtypes(name: str) -> None:
    data = load_dataset(name, samples=300)
    assert data.name == name
    assert data.x_train.dtype == np.float64 and data.x_test.dtype == np.float64
    assert data.y_train.dtype == np.int64 and data.y_test.dtype == np.int64
    assert data.x_train.shape == (len(data.y_train), 2)
    assert data.x_test.shape == (len(data.y_test), 2)
    assert data.n_features == 2
    assert data.image_shape is None
    assert len(data.class_names) == data.n_classes
    assert data.n_classes == (2 if name in TWO_CLASS_SHAPES else 3)


@pytest.mark.parametrize(("name", "classes"), [(n, 3) for n in SHAPES_2D] + [("spiral", 5)])
def test_2d_labels_are_balanced(name: str, classes: int) -> None:
    data = load_dataset(name, samples=601, classes=classes)
    labels = np.concatenate([data.y_train, data.y_test])
    counts = np.bincount(labels)
    assert len(counts) == data.n_classes
    assert np.all(counts == 601 // data.n_classes)


def test_gaussians_take_the_number_of_classes_asked_for() -> None:
    data = load_dataset("gaussians", samples=400, classes=4)
    assert data.n_classes == 4
    assert set(np.unique(data.y_train)) == {0, 1, 2, 3}


@pytest.mark.parametrize("name", SHAPES_2D)
def test_same_seed_same_points_other_seed_other_points(name: str) -> None:
    first, again = load_dataset(name, seed=7), load_dataset(name, seed=7)
    other = load_dataset(name, seed=8)
    assert np.array_equal(first.x_train, again.x_train)
    assert np.array_equal(first.y_test, again.y_test)
    assert not np.array_equal(first.x_train, other.x_train)


@pytest.mark.parametrize("ratio", [0.5, 0.7, 0.9])
def test_train_ratio_sets_the_size_of_the_training_part(ratio: float) -> None:
    data = load_dataset("moons", samples=1000, train_ratio=ratio)
    assert len(data.y_train) == round(1000 * ratio)
    assert len(data.y_train) + len(data.y_test) == 1000


@pytest.mark.parametrize("name", ("spiral", "circles", "xor", "moons"))
def test_shapes_without_noise_stay_within_minus_one_and_one(name: str) -> None:
    data = load_dataset(name, noise=0.0)
    assert np.abs(data.x_train).max() <= 1.0 + 1e-12


def test_noise_spreads_the_points() -> None:
    calm = load_dataset("circles", noise=0.0)
    noisy = load_dataset("circles", noise=0.3)
    radius = np.hypot(*calm.x_train.T)
    assert set(np.round(radius, 9)) == {0.5, 1.0}
    assert np.hypot(*noisy.x_train.T).std() > radius.std()


def test_the_arrays_of_a_dataset_cannot_be_changed() -> None:
    data = load_dataset("xor")
    with pytest.raises(ValueError):
        data.x_train[0, 0] = 5.0


# --- bad parameters ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"name": "spiral", "samples": 5, "classes": 3}, ["samples=5", "at least 6"]),
        ({"name": "moons", "samples": 3}, ["samples=3", "at least 4"]),
        ({"name": "spiral", "classes": 1}, ["classes=1", "at least 2"]),
        ({"name": "circles", "noise": -0.1}, ["noise=-0.1"]),
        ({"name": "xor", "train_ratio": 0.0}, ["train_ratio=0.0", "between 0 and 1"]),
        ({"name": "xor", "train_ratio": 1.0}, ["train_ratio=1.0"]),
        ({"name": "xor", "train_limit": 0}, ["train_limit=0"]),
        ({"name": "csv"}, ["csv", "path"]),
        ({"name": "cifar"}, ["'cifar'", "spiral", "fashion-mnist", "npz"]),
    ],
)
def test_bad_parameters_are_explained(kwargs: dict, words: list[str]) -> None:
    with pytest.raises(DataError) as error:
        load_dataset(**kwargs)
    for word in words:
        assert word in str(error.value)


# --- probe ---------------------------------------------------------------------------


def test_probe_is_a_standard_normal_batch_of_1000_by_100() -> None:
    data = load_dataset("probe", seed=3)
    assert data.x_train.shape == (1000, 100)
    assert data.x_test.shape == (200, 100)
    assert abs(data.x_train.mean()) < 0.02
    assert abs(data.x_train.std() - 1.0) < 0.02
    assert data.n_classes == 10
    assert data.y_train.min() >= 0 and data.y_train.max() <= 9
    assert np.array_equal(data.x_train, load_dataset("probe", seed=3).x_train)


# --- images --------------------------------------------------------------------------


@pytest.fixture
def no_system_sets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Pretend no full data set is installed on this machine."""
    monkeypatch.setattr(
        images,
        "SYSTEM_FOLDERS",
        {"fashion-mnist": tmp_path / "none", "mnist": tmp_path / "none"},
    )


def test_shipped_subset_loads_offline(no_system_sets: None) -> None:
    data = load_dataset("fashion-mnist")
    assert data.x_train.shape == (10_000, 784) and data.x_test.shape == (2_000, 784)
    assert data.x_train.dtype == np.float64 and data.y_train.dtype == np.int64
    assert data.x_train.min() >= 0.0 and data.x_train.max() <= 1.0
    assert data.image_shape == (28, 28)
    assert data.class_names[0] == "T-shirt/top" and data.class_names[9] == "Ankle boot"
    for labels in (data.y_train, data.y_test):
        assert set(np.unique(labels)) == set(range(10))


def test_train_limit_keeps_the_first_images(no_system_sets: None) -> None:
    everything = load_dataset("fashion-mnist")
    first = load_dataset("fashion-mnist", train_limit=300, test_limit=50)
    assert first.x_train.shape == (300, 784) and first.x_test.shape == (50, 784)
    assert np.array_equal(first.x_train, everything.x_train[:300])
    assert np.array_equal(first.y_test, everything.y_test[:50])


def test_full_set_needs_asking_for_when_missing(no_system_sets: None) -> None:
    with pytest.raises(DataError, match="dataset-fashion-mnist"):
        load_dataset("fashion-mnist", full=True)
    with pytest.raises(DataError, match="path="):
        load_dataset("mnist")


@pytest.mark.skipif(
    not images.SYSTEM_FOLDERS["fashion-mnist"].is_dir(),
    reason="the Debian package dataset-fashion-mnist is not installed",
)
def test_installed_full_set_is_used_only_with_full_true() -> None:
    assert load_dataset("fashion-mnist").x_test.shape[0] == 2_000
    full = load_dataset("fashion-mnist", full=True, train_limit=10)
    assert full.x_test.shape == (10_000, 784)
    assert full.x_train.shape == (10, 784)


@pytest.mark.parametrize("file_name", ["values-idx3-ubyte", "values-idx3-ubyte.gz"])
def test_idx_round_trip(tmp_path: Path, file_name: str) -> None:
    values = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / file_name, values)
    back = read_idx(tmp_path / file_name)
    assert back.dtype == np.uint8
    assert np.array_equal(back, values)


def test_idx_reader_rejects_a_wrong_magic_number(tmp_path: Path) -> None:
    file = tmp_path / "photo.png"
    file.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(20))
    with pytest.raises(DataError) as error:
        read_idx(file)
    assert "photo.png" in str(error.value)
    assert "magic number is 0x89504e47" in str(error.value)


def test_idx_reader_rejects_a_truncated_file(tmp_path: Path) -> None:
    file = tmp_path / "short-idx1-ubyte.gz"
    raw = bytes([0, 0, 8, 1]) + (100).to_bytes(4, "big") + bytes(10)  # says 100, has 10
    file.write_bytes(gzip.compress(raw))
    with pytest.raises(DataError, match="short-idx1-ubyte.gz.*truncated"):
        read_idx(file)


def _write_tiny_set(folder: Path) -> None:
    """Four small idx files, as MNIST ships them (images gzipped, labels plain)."""
    rng = np.random.default_rng(0)
    for part, count in (("train", 20), ("t10k", 6)):
        pixels = rng.integers(0, 256, size=(count, 28, 28), dtype=np.uint8)
        labels = (np.arange(count) % 10).astype(np.uint8)
        write_idx(folder / f"{part}-images-idx3-ubyte.gz", pixels)
        write_idx(folder / f"{part}-labels-idx1-ubyte", labels)


def test_idx_folder_given_by_path(tmp_path: Path) -> None:
    _write_tiny_set(tmp_path)
    data = load_dataset("mnist", path=str(tmp_path))
    assert data.x_train.shape == (20, 784) and data.x_test.shape == (6, 784)
    assert data.class_names == tuple("0123456789")
    raw = read_idx(tmp_path / "train-images-idx3-ubyte.gz")
    assert np.allclose(data.x_train[3], raw[3].reshape(-1) / 255)
    assert list(data.y_test) == [0, 1, 2, 3, 4, 5]


def test_idx_folder_missing_a_file(tmp_path: Path) -> None:
    _write_tiny_set(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(DataError, match="no file t10k-labels-idx1-ubyte"):
        load_dataset("fashion-mnist", path=str(tmp_path))


# --- the student's CSV files ---------------------------------------------------------


def _csv(tmp_path: Path, text: str, name: str = "data.csv") -> str:
    file = tmp_path / name
    file.write_text(text)
    return str(file)


def test_csv_with_named_labels(tmp_path: Path) -> None:
    rows = "".join(f"{i},{-i}.5,{'dog' if i % 2 else 'cat'}\n" for i in range(10))
    path = _csv(tmp_path, "x1, x2, label\n" + rows + "\n")
    data = load_dataset("csv", path=path, train_ratio=0.6)
    assert data.name == "data.csv"
    assert data.class_names == ("cat", "dog")
    assert data.n_features == 2 and len(data.y_train) == 6 and len(data.y_test) == 4
    x = np.concatenate([data.x_train, data.x_test])
    y = np.concatenate([data.y_train, data.y_test])
    assert np.array_equal(y, x[:, 0] % 2)  # odd first feature <=> dog <=> class 1


def test_csv_with_integer_labels_in_any_column(tmp_path: Path) -> None:
    path = _csv(tmp_path, "kind,a,b\n10,1,2\n9,3,4\n10,5,6\n2,7,8\n")
    data = load_dataset("csv", path=path, label_column="kind", train_ratio=0.5)
    assert data.class_names == ("2", "9", "10")  # sorted as numbers, not as text
    x = np.concatenate([data.x_train, data.x_test])
    y = np.concatenate([data.y_train, data.y_test])
    assert {(row[0], label) for row, label in zip(x, y, strict=True)} == {
        (1, 2),
        (3, 1),
        (5, 2),
        (7, 0),
    }


def test_csv_split_depends_on_the_seed_only(tmp_path: Path) -> None:
    rows = "".join(f"{i},{i % 3}\n" for i in range(30))
    path = _csv(tmp_path, "x,label\n" + rows)
    a, b = load_dataset("csv", path=path, seed=1), load_dataset("csv", path=path, seed=1)
    c = load_dataset("csv", path=path, seed=2)
    assert np.array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, c.x_train)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "data.csv: the file is empty"),
        ("a,b,label\n", "data.csv: a header row but no data rows"),
        ("a,b,c\n1,2,3\n", "data.csv: no column 'label'; columns are: a, b, c"),
        (
            "x1,x2,x3,label\n" + "1,2,3,a\n" * 5 + "1,2,b\n",
            "data.csv line 7: 3 cells, expected 4",
        ),
        ("x1,x2,label\n1,2,a\n1,2,b\n3,4,a\n5,abc,b\n", "data.csv line 5, column 'x2': 'abc' is"),
        ("x1,x2,label\n1,2,a\n1,,b\n", "data.csv line 3, column 'x2': '' is not a number"),
        ("x1,x2,label\n1,2,a\nnan,2,b\n", "data.csv line 3, column 'x1': 'nan' is not a finite"),
        ("x1,label\n1,a\n2,a\n3,a\n", "data.csv: every row has label 'a'; a classifier needs"),
        ("x1,label\n1,a\n2,\n", "data.csv line 3, column 'label': no label"),
    ],
)
def test_csv_errors_name_the_place(tmp_path: Path, text: str, expected: str) -> None:
    path = _csv(tmp_path, text)
    with pytest.raises(DataError) as error:
        load_dataset("csv", path=path)
    assert str(error.value).startswith(str(tmp_path))
    assert expected in str(error.value)


def test_csv_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="missing.csv: file not found"):
        load_dataset("csv", path=str(tmp_path / "missing.csv"))


# --- the student's NPZ files ---------------------------------------------------------


def test_npz_with_x_and_y(tmp_path: Path) -> None:
    x = np.arange(40.0).reshape(20, 2)
    y = np.array(["b", "a"] * 10)
    np.savez(tmp_path / "mine.npz", x=x, y=y)
    data = load_dataset("npz", path=str(tmp_path / "mine.npz"), train_ratio=0.75)
    assert data.name == "mine.npz" and data.class_names == ("a", "b")
    assert data.x_train.shape == (15, 2) and data.x_test.shape == (5, 2)
    rows = np.concatenate([data.x_train, data.x_test])
    labels = np.concatenate([data.y_train, data.y_test])
    assert np.array_equal(labels, (rows[:, 0] % 4 == 0).astype(int))  # even rows are "b" = 1


def test_npz_of_images_is_flattened_and_scaled(tmp_path: Path) -> None:
    pictures = np.full((10, 5, 4), 255, dtype=np.uint8)
    np.savez(tmp_path / "pics.npz", x=pictures, y=np.arange(10) % 2)
    data = load_dataset("npz", path=str(tmp_path / "pics.npz"))
    assert data.image_shape == (5, 4) and data.n_features == 20
    assert data.x_train.max() == 1.0


def test_npz_with_its_own_split_is_kept_as_it_is(tmp_path: Path) -> None:
    arrays = {
        "x_train": np.arange(8.0).reshape(4, 2),
        "y_train": np.array([0, 1, 0, 1]),
        "x_test": np.arange(4.0).reshape(2, 2) + 100,
        "y_test": np.array([1, 0]),
    }
    np.savez(tmp_path / "split.npz", **arrays)
    data = load_dataset("npz", path=str(tmp_path / "split.npz"), train_ratio=0.5)
    assert np.array_equal(data.x_train, arrays["x_train"])
    assert np.array_equal(data.x_test, arrays["x_test"])
    assert np.array_equal(data.y_test, [1, 0])


@pytest.mark.parametrize(
    ("arrays", "expected"),
    [
        ({"x": np.zeros((4, 2)), "z": np.zeros(4)}, "bad.npz: no array 'y'; arrays are: x, z"),
        ({"x": np.zeros((4, 2)), "y": np.arange(3)}, "bad.npz: 'x' has 4 rows but 'y' has 3"),
        ({"x": np.zeros(4), "y": np.arange(4)}, "bad.npz: 'x' has shape (4,)"),
        ({"x": np.zeros((4, 2)), "y": np.ones(4)}, "bad.npz: every row has label '1'"),
    ],
)
def test_npz_errors_name_the_file(tmp_path: Path, arrays: dict, expected: str) -> None:
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(DataError) as error:
        load_dataset("npz", path=str(tmp_path / "bad.npz"))
    assert expected in str(error.value)


def test_npz_that_is_not_an_npz(tmp_path: Path) -> None:
    path = _csv(tmp_path, "x,label\n1,a\n", name="table.npz")
    with pytest.raises(DataError, match="table.npz: not a readable .npz file"):
        load_dataset("npz", path=path)
    with pytest.raises(DataError, match="gone.npz: file not found"):
        load_dataset("npz", path=str(tmp_path / "gone.npz"))


def test_a_dataset_leaves_the_callers_arrays_writable() -> None:
    x, y = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    data = Dataset("tiny", x, y, x, y, 2, ("a", "b"))
    x[0, 0] = 1.0  # the caller's own array is not frozen ...
    assert data.x_train[0, 0] == 1.0  # ... and the data set shares, not copies, it
    assert not data.x_train.flags.writeable


def test_a_dataset_checks_its_own_labels() -> None:
    x = np.zeros((3, 2))
    with pytest.raises(DataError, match="0..1"):
        Dataset("tiny", x, np.array([0, 1, 2]), x, np.array([0, 1, 1]), 2, ("a", "b"))


def test_idx_file_names_are_the_ones_mnist_uses() -> None:
    assert IDX_FILES["x_train"] == "train-images-idx3-ubyte"
    assert IDX_FILES["y_test"] == "t10k-labels-idx1-ubyte"


# -- the shipped subset and the script that rebuilds it -----------------------------------


@pytest.fixture
def build_script():
    """scripts/build_fashion_subset.py as a module (scripts/ is not a package)."""
    path = Path(__file__).resolve().parent.parent / "scripts" / "build_fashion_subset.py"
    spec = importlib.util.spec_from_file_location("build_fashion_subset", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_build_script_writes_the_first_images_of_any_idx_folder(
    tmp_path, build_script, monkeypatch
):
    _write_tiny_set(tmp_path)  # 20 training and 6 test images: take the first 5 and 3
    monkeypatch.setattr(build_script, "N_TRAIN", 5)
    monkeypatch.setattr(build_script, "N_TEST", 3)
    out = tmp_path / "subset.npz"
    build_script.main([str(tmp_path), "--out", str(out)])
    with np.load(out) as built:
        assert set(built.files) == set(IDX_FILES)
        for key, name in IDX_FILES.items():
            suffix = ".gz" if key.startswith("x") else ""
            first = read_idx(tmp_path / f"{name}{suffix}")[: 5 if key.endswith("train") else 3]
            np.testing.assert_array_equal(built[key], first)
        assert built["x_train"].dtype == np.uint8


def test_the_shipped_subset_is_what_the_script_makes_of_the_full_set(tmp_path, build_script):
    folder = images.SYSTEM_FOLDERS["fashion-mnist"]
    if not folder.is_dir():
        pytest.skip(f"the full Fashion-MNIST set is not installed in {folder}")
    built = build_script.build(folder, tmp_path / "subset.npz")
    shipped = images.read_shipped_subset()
    for key in IDX_FILES:
        np.testing.assert_array_equal(built[key], shipped[key])
