"""The language catalogue (tui/i18n.py, tui/locale/): complete in every language, the same
fields everywhere, every error of the core said from its code, and one Korean term per
concept (tui/locale/glossary.toml)."""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from nn import Comparison, RunConfig, checkpoint
from nn.config import (
    ConfigError,
    DataConfig,
    OptimizerConfig,
    _check_number,
    check_live_change,
    check_memory,
)
from nn.data import Dataset, load_dataset
from nn.data.dataset import labels_to_indices, regression_targets
from nn.data.images import images_to_dataset, load_images, read_idx, read_idx_folder, write_idx
from nn.data.user import load_csv, load_npz
from nn.errors import Explained, toml_failure
from presets.claims import ClaimError, parse_claim
from presets.loader import (
    PresetError,
    check_views,
    load_preset,
    load_scenario,
    load_shipped,
    parse_preset,
)
from presets.texts import LANGUAGES
from tui import i18n
from tui.i18n import catalogue, explain, help_topics, measure_label, reason, tr
from tui.keys import APP_BINDINGS, DIALOG_BINDINGS, MAIN_BINDINGS
from tui.training.intended import IntendedRuns

ROOT = Path(__file__).resolve().parent.parent
LIBRARY_WORDS = {"strerror", "problem"}  # the OS's and parsers' English: a translation may omit


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# -- complete and consistent -------------------------------------------------------------


def test_every_language_has_its_files() -> None:
    for lang in LANGUAGES:
        assert (i18n.LOCALE / f"{lang}.toml").is_file()
        assert (i18n.LOCALE / f"help.{lang}.toml").is_file()
    assert sorted(path.stem for path in i18n.LOCALE.glob("??.toml")) == sorted(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_in_every_language_with_the_same_fields(lang: str) -> None:
    english, other = catalogue("en"), catalogue(lang)
    assert other.keys() == english.keys()
    for key, text in other.items():
        assert text.strip() or key == "measure.join", key
        mine, theirs = fields(text), fields(english[key])
        assert mine <= theirs and theirs - mine <= LIBRARY_WORDS, (key, mine, theirs)
        if lang != "en" and not key.startswith("error."):
            assert mine == theirs, key


def test_the_catalogue_ships_with_the_package() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data = pyproject["tool"]["setuptools"]["package-data"]["tui"]
    assert "locale/*.toml" in data


def test_every_key_binding_has_a_label() -> None:
    for binding in (*MAIN_BINDINGS, *APP_BINDINGS, *DIALOG_BINDINGS):
        if not binding.description:
            continue
        assert binding.description.startswith("keys.")
        for lang in LANGUAGES:
            label = i18n.binding_label(binding.description, lang)
            assert label and not label.startswith("keys."), binding


def test_a_missing_word_falls_back_to_english_then_to_its_key() -> None:
    assert tr("status.ready", "xx") == "ready"
    assert tr("no.such.key", "ko") == "no.such.key"


# -- errors: said from their code ----------------------------------------------------------


def _preset(body: str) -> str:
    return f'title = "t"\n[base]\nlayers = [4]\nsteps = 10\n{body}'


def _claim(**table: object) -> dict:
    return {"id": "1", "text": "t", **table}


def _run_table(**left: object) -> dict:
    return _claim(left={"run": "base", "metric": "train_loss", **left}, right=1)


CLAIMS = """
[variants.tanh]
activation = "tanh"
"""


def _with_claim(claim: str, base: str = "") -> str:
    return _preset(f"{base}\n{CLAIMS}\n[[claims]]\nid = '1'\ntext = 't'\n{claim}")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def npz_maker(tmp: Path, name: str, **arrays: np.ndarray) -> Callable[[], object]:
    file = tmp / name
    np.savez(file, **arrays)
    return lambda: load_npz(file, train_ratio=0.5, seed=0)


def _errors(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], object]]:
    """One way to make each mistake the core names, through the code a user goes through."""
    yield lambda: RunConfig(l2="x")
    yield lambda: RunConfig(l2=float("inf"))
    yield lambda: RunConfig(l2=-1.0)
    yield lambda: OptimizerConfig(lr=0.0)
    yield lambda: _check_number(2.0, "x", high=1.0)
    yield lambda: RunConfig(dropout=1.0)
    yield lambda: RunConfig(seed=1.5)
    yield lambda: RunConfig(steps=0)
    yield lambda: RunConfig(activation="softplus")
    yield lambda: DataConfig(path=3)
    yield lambda: DataConfig(name="csv")
    yield lambda: RunConfig(name=" ")
    yield lambda: RunConfig(data=3)
    yield lambda: RunConfig(optimizer=3)
    yield lambda: RunConfig(layers=3)
    yield lambda: RunConfig(layers=(0,))
    yield lambda: RunConfig(layers=(1,) * 51)
    yield lambda: RunConfig(loss="mse")
    yield lambda: RunConfig(init=-1.0)
    yield lambda: RunConfig(batch_size="half")
    yield lambda: RunConfig(batch_norm=1)
    yield lambda: RunConfig().with_changes(colour=1)
    yield lambda: RunConfig.from_dict({"colour": 1})
    yield lambda: RunConfig.from_dict({"data": 3})
    yield lambda: check_live_change(RunConfig(), {"layers": (2,)})
    yield lambda: check_memory([RunConfig(layers=(10_000,) * 5)], 784, 10, 60_000)
    yield lambda: RunConfig.from_toml("x = 1\ny\n")
    yield lambda: RunConfig.from_toml("x =")
    odd = ValueError("an odd message")  # tomllib always says where; should it not
    code, params = toml_failure(odd)
    yield _raise(ConfigError("x.toml", f"not valid TOML: {odd}", code, **params))
    missing, folder, loop = tmp / "missing.toml", tmp, tmp / "loop.toml"
    loop.symlink_to(loop)
    yield lambda: RunConfig.load(missing)
    yield lambda: RunConfig.load(folder)
    yield lambda: RunConfig.load(loop)

    def denied() -> None:
        with monkeypatch.context() as patch:
            patch.setattr(Path, "read_text", _raise(PermissionError(13, "Permission denied")))
            RunConfig.load(missing)

    yield denied

    def denied_data() -> None:
        with monkeypatch.context() as patch:
            patch.setattr(Path, "read_bytes", _raise(PermissionError(13, "Permission denied")))
            read_idx(missing)

    yield denied_data
    # bounds, regression and input features
    yield lambda: DataConfig(samples=10**8)
    yield lambda: RunConfig(steps=10**9)
    yield lambda: DataConfig(name="spiral", task="regression")
    yield lambda: RunConfig(data=DataConfig(name="plane"), output="softmax", loss="cross_entropy")
    yield lambda: RunConfig(features="x1")
    yield lambda: RunConfig(features=("x1", "x1"))
    yield lambda: RunConfig(data=DataConfig(name="sine"), features=("x2",))
    yield lambda: RunConfig(data=DataConfig(name="fashion-mnist"), features=("x1_sq",))
    yield lambda: IntendedRuns([RunConfig()], lambda command: 1, ("lr",)).change(
        ["base"], lambda config: {"lr": 0.1}
    )
    one_column = Dataset(
        "one",
        np.zeros((4, 1)),
        np.array([0, 1, 0, 1]),
        np.zeros((2, 1)),
        np.array([0, 1]),
        2,
        ("a", "b"),
    )
    yield lambda: Comparison(
        [RunConfig(features=("x1_x2",), data=DataConfig(name="npz", path="a"))], one_column
    )
    yield lambda: load_dataset("plane", samples=1)
    yield lambda: load_dataset("plane", noise=-1.0)
    yield lambda: load_dataset("csv", path="x.csv", task="sorting")
    yield lambda: Dataset(
        "r",
        np.zeros((2, 1)),
        np.array([0.0, np.inf]),
        np.zeros((2, 1)),
        np.zeros(2),
        0,
        (),
        task="regression",
    )
    yield lambda: regression_targets(np.array(["1.5", "two"]), "w")
    yield lambda: regression_targets(np.array([1.0, np.nan]), "w")
    yield npz_maker(tmp, "nofeatures.npz", x=np.zeros((3, 0)), y=np.zeros(3))
    broken = tmp / "broken.npz"
    broken.write_bytes(b"not a zip")
    yield lambda: checkpoint.load(broken)
    newer = tmp / "newer.npz"
    np.savez(newer, meta=np.array('{"version": 99}'))
    yield lambda: checkpoint.load(newer)
    odd = tmp / "odd.npz"
    np.savez(odd, meta=np.array('{"version": 1}'))
    yield lambda: checkpoint.load(odd)
    # runs side by side
    yield lambda: Comparison([])
    yield lambda: Comparison([RunConfig(), RunConfig()])
    yield lambda: Comparison([RunConfig(), RunConfig(name="b", data=DataConfig(seed=1))])
    comparison = Comparison([RunConfig(layers=(4,))])
    yield lambda: comparison.reset([RunConfig(layers=(4,), data=DataConfig(seed=1))])
    yield lambda: comparison.run("nobody")
    yield lambda: comparison.remove_run("base")
    # presets
    config = tmp / "config.toml"
    config.write_text("dropout = 2\n", encoding="utf-8")
    yield lambda: load_scenario(config)
    yield lambda: load_preset("no-such-preset")
    not_utf8 = tmp / "latin.toml"
    not_utf8.write_bytes('title = "caf\xe9"'.encode("latin-1"))
    yield lambda: load_preset(not_utf8)
    yield lambda: parse_preset("x =\n", "p", "p.toml")
    yield lambda: parse_preset("x = 1\ny\n", "p", "p.toml")
    yield lambda: parse_preset('title = "t"\ncolour = 1\n', "p", "p.toml")
    yield lambda: parse_preset(_preset("[[timeline]]\nstep = 0\ncolour = 1\n"), "p", "p.toml")
    yield lambda: parse_preset("summary = 's'\n", "p", "p.toml")
    yield lambda: parse_preset('title = "t"\nsnapshot_every = 0\n', "p", "p.toml")
    yield lambda: parse_preset('title = "t"\nbase = 3\n', "p", "p.toml")
    yield lambda: parse_preset('title = "t"\nvariants = 3\n', "p", "p.toml")
    yield lambda: parse_preset(_preset("[variants]\nx = 3\n"), "p", "p.toml")
    yield lambda: parse_preset(_preset("[variants.base]\nseed = 1\n"), "p", "p.toml")
    yield lambda: parse_preset(_preset("[variants.x]\ndata = { seed = 1 }\n"), "p", "p.toml")
    yield lambda: parse_preset('title = "t"\ntimeline = 3\n', "p", "p.toml")
    yield lambda: parse_preset(
        _preset("[[timeline]]\nstep = 0\nrun = 'x'\ncaption = 'c'\n"), "p", "p.toml"
    )
    yield lambda: parse_preset(_preset("[[timeline]]\nstep = 0\nchange = 3\n"), "p", "p.toml")
    yield lambda: parse_preset(
        _preset("[[timeline]]\nstep = 0\nchange = { layers = 1 }\n"), "p", "p.toml"
    )
    yield lambda: parse_preset(
        _preset("[[timeline]]\nstep = 0\nchange = { lr = -1 }\n"), "p", "p.toml"
    )
    yield lambda: parse_preset(
        _preset("[[timeline]]\nstep = 0\nchange = { optimizer = [1] }\n"), "p", "p.toml"
    )

    # a preset's stage directions: pace, views, conditions, classroom locks
    def staged(head: str = "", event: str = "") -> Callable[[], object]:
        text = f'title = "t"\n{head}\n[base]\nlayers = [4]\nsteps = 10\n'
        if event:
            text += f"[[timeline]]\nstep = 0\n{event}\n"
        return lambda: parse_preset(text, "p", "p.toml")

    yield staged("pace = 0")
    yield staged('locked = "lr"')
    yield staged('locked = ["colour"]')
    yield staged("view = 3")
    yield staged("view = { colour = 1 }")
    yield staged("view = { tab = 3 }")
    yield staged("view = { log = 1 }")
    yield staged('view = { x = "minutes" }')
    yield staged("", "caption = 'c'\nwhen = 3")
    yield staged("", "caption = 'c'\nwhen = { colour = 1 }")
    yield staged("", "view = { tab = 'loss' }\nchange = { lr = 0.1 }")
    yield lambda: parse_claim(_run_table(at_epoch=-1.0), "c")
    yield lambda: parse_claim(_run_table(at_step=10**9), "c")
    yield lambda: parse_claim(
        _claim(
            left={
                "metric": "sign_changes",
                "path": {"optimizer": "sgd", "lr": 0.1, "steps": 10**8},
            },
            right=1,
        ),
        "c",
    )
    head = 'title = "t"\nhide = ["form"]\nview = { tab = "loss" }\n[base]\nlayers = [4]\n'
    shown = load_preset(_write(tmp / "views.toml", head))
    yield lambda: check_views(shown, ("accuracy",), ("form",))
    yield lambda: check_views(shown, ("loss",), ("claims",))
    yield lambda: parse_preset(_preset("[[timeline]]\nstep = 1\n"), "p", "p.toml")
    yield lambda: parse_preset(_preset("[[timeline]]\nstep = -1\ncaption = 'c'\n"), "p", "p.toml")
    yield lambda: parse_preset(_preset("[[timeline]]\nstep = 0\ncaption = 3\n"), "p", "p.toml")
    run = "run = 'base'"
    yield lambda: parse_preset(
        _with_claim(f"left = {{ {run}, metric = 'grad_norm', layer = 3 }}\nright = 1"),
        "p",
        "p.toml",
    )
    yield lambda: parse_preset(
        _with_claim(
            f"left = {{ {run}, metric = 'saturated', layer = 2 }}\nright = 1", "activation = 'tanh'"
        ),
        "p",
        "p.toml",
    )
    yield lambda: parse_preset(
        _preset(
            "layers = [4, 4]\n[[claims]]\nid = '1'\ntext = 't'\n"
            "left = { run = 'base', metric = 'dead', layer = 3 }\nright = 1\n"
        ).replace("layers = [4]\n", ""),
        "p",
        "p.toml",
    )
    yield lambda: parse_preset(
        _with_claim(f"left = {{ {run}, metric = 'saturated' }}\nright = 1"), "p", "p.toml"
    )
    yield lambda: parse_preset(
        _with_claim(f"left = {{ {run}, metric = 'effective_step' }}\nright = 1"), "p", "p.toml"
    )
    yield lambda: parse_preset(
        _with_claim(f"left = {{ {run}, metric = 'train_loss', at_step = 11 }}\nright = 1"),
        "p",
        "p.toml",
    )
    yield lambda: parse_preset(
        _with_claim(
            f"left = {{ {run}, metric = 'train_loss', at_epoch = 3 }}\nright = 1", "epochs = 2"
        ),
        "p",
        "p.toml",
    )
    # claims
    yield lambda: parse_claim({"id": "1", "text": "t", "left": {}}, "claims[0]")
    yield lambda: parse_claim(
        _claim(left={"run": ["a", "b"], "metric": "train_loss"}, right={"run": ["a"]}), "c"
    )
    yield lambda: parse_claim(_claim(left={"metric": "sign_changes"}, right=1), "c")
    yield lambda: parse_claim(_claim(left={"metric": "train_loss"}, right=1), "c")
    yield lambda: parse_claim(_run_table(layer="middle"), "c")
    yield lambda: parse_claim(_run_table(layer=1), "c")
    yield lambda: parse_claim(_run_table(at_step=1, at_epoch=1), "c")
    yield lambda: parse_claim(
        _claim(left={"run": "a", "metric": "diverged", "at_step": 1}, right=0), "c"
    )
    yield lambda: parse_claim(_claim(left={"run": "a", "metric": "gradient_noise"}, right=0), "c")
    path = {"metric": "sign_changes", "path": {"optimizer": "sgd"}}
    yield lambda: parse_claim(_claim(left=path, right=1), "c")
    path_with = {"metric": "sign_changes", "path": {"optimizer": "sgd", "lr": 0.1, "start": 3}}
    yield lambda: parse_claim(_claim(left=path_with, right=1), "c")
    path_axis = {"metric": "sign_changes", "path": {"optimizer": "sgd", "lr": 0.1, "axis": 2}}
    yield lambda: parse_claim(_claim(left=path_axis, right=1), "c")
    yield lambda: parse_claim(3, "c")
    yield lambda: parse_claim(_run_table(colour=1), "c")
    yield lambda: parse_claim(_claim(left={"run": "a", "metric": "train_loss"}, right="x"), "c")
    yield lambda: parse_claim(_run_table(metric="speed"), "c")
    yield lambda: parse_claim(_run_table(at_step=-1), "c")
    yield lambda: parse_claim({"id": "1", "text": 3, "left": {}, "right": 1}, "c")
    # data
    yield lambda: load_dataset("imagenet")
    yield lambda: load_dataset("spiral", train_ratio=1.0)
    yield lambda: load_dataset("spiral", train_limit=0)
    yield lambda: load_dataset("csv")
    yield lambda: load_dataset("spiral", classes=1)
    yield lambda: load_dataset("spiral", samples=2)
    yield lambda: load_dataset("spiral", noise=-1.0)
    x, y = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    yield lambda: Dataset("d", x, y[:3], x, y, 2, ("a", "b"))
    yield lambda: Dataset("d", x, y + 5, x, y, 2, ("a", "b"))
    yield lambda: Dataset("d", x, y, np.zeros((4, 3)), y, 2, ("a", "b"))
    yield lambda: Dataset("d", x, y, x, y, 2, ("a",))
    yield lambda: labels_to_indices(np.array([0.5, 1.0]), "w")
    yield lambda: labels_to_indices(np.array([1j, 2j]), "w")
    yield lambda: labels_to_indices(np.array(["a", "a"]), "w")

    def csv(name: str, text: str | bytes) -> Callable[[], object]:
        file = tmp / name
        if isinstance(text, bytes):
            file.write_bytes(text)
        else:
            file.write_text(text, encoding="utf-8")
        return lambda: load_csv(file, label_column="label", train_ratio=0.5, seed=0)

    yield lambda: load_csv(missing, label_column="label", train_ratio=0.5, seed=0)
    yield csv("bytes.csv", b"\xff\xfe\x00")
    yield csv("empty.csv", "")
    yield csv("column.csv", "a,b\n1,2\n")
    yield csv("alone.csv", "label\n1\n")
    yield csv("cells.csv", "a,label\n1,2,3\n")
    yield csv("huge.csv", "a,label\n" + '"' + "1" * 200_000 + '",x\n')
    yield csv("rows.csv", "a,label\n")
    yield csv("nolabel.csv", "a,label\n1,\n")
    yield csv("inf.csv", "a,label\ninf,x\n2,y\n")
    yield csv("two.csv", "a,label\n1,x\ntwo,y\n")

    def npz(name: str, **arrays: np.ndarray) -> Callable[[], object]:
        file = tmp / name
        np.savez(file, **arrays)
        return lambda: load_npz(file, train_ratio=0.5, seed=0)

    single = tmp / "single.npz"
    np.save(tmp / "single.npy", np.zeros(3))
    (tmp / "single.npy").rename(single)
    yield lambda: load_npz(single, train_ratio=0.5, seed=0)
    text_npz = tmp / "text.npz"
    text_npz.write_text("not numpy", encoding="utf-8")
    yield lambda: load_npz(text_npz, train_ratio=0.5, seed=0)
    yield lambda: load_npz(tmp / "none.npz", train_ratio=0.5, seed=0)
    two = np.zeros((2, 2))
    split = {"y_train": np.array([0, 1]), "y_test": np.array([0, 1])}
    yield npz("sizes.npz", x_train=two, x_test=np.zeros((2, 3)), **split)
    yield npz(
        "norows.npz",
        x_train=np.zeros((0, 2)),
        x_test=two,
        y_train=np.zeros(0),
        y_test=np.array([0, 1]),
    )
    yield npz("noarray.npz", x=two)
    yield npz("noarrays.npz")
    yield npz("strings.npz", x=np.array([["a", "b"]]), y=np.array([0]))
    yield npz("shape.npz", x=np.zeros(3), y=np.zeros(3))
    yield npz("nan.npz", x=np.array([[np.nan, 1.0]]), y=np.array([0]))
    yield npz("labels.npz", x=two, y=np.zeros((2, 1)))
    yield npz("count.npz", x=two, y=np.zeros(3))
    # images
    gz = tmp / "broken.gz"
    gz.write_bytes(b"\x1f\x8b" + b"junk")
    yield lambda: read_idx(gz)
    png = tmp / "photo.png"
    png.write_bytes(b"\x89PNG....")
    yield lambda: read_idx(png)
    short = tmp / "short-idx"
    short.write_bytes(b"\x00\x00\x08\x03\x00")
    yield lambda: read_idx(short)
    cut = tmp / "cut-idx"
    write_idx(cut, np.zeros((2, 3), dtype=np.uint8))
    cut.write_bytes(cut.read_bytes()[:-1])
    yield lambda: read_idx(cut)
    yield lambda: read_idx(missing)
    yield lambda: read_idx(folder)
    yield lambda: read_idx(loop)
    yield lambda: read_idx_folder(str(tmp / "nowhere"))
    yield lambda: read_idx_folder(str(tmp))
    if not Path("/usr/share/datasets/mnist").is_dir():
        yield lambda: load_images("mnist")
    if not Path("/usr/share/datasets/fashion-mnist").is_dir():
        yield lambda: load_images("fashion-mnist", full=True)
    yield from _keeping_errors(tmp)
    images = np.zeros((2, 3, 3), dtype=np.uint8)
    labels = np.array([0, 1])
    good = {"x_train": images, "y_train": labels, "x_test": images, "y_test": labels}
    names = ("a", "b")
    yield lambda: images_to_dataset("i", {**good, "x_train": np.zeros((2, 9))}, names, "w")
    yield lambda: images_to_dataset("i", {**good, "y_train": np.array([0])}, names, "w")
    yield lambda: images_to_dataset("i", {**good, "y_train": np.array([0, 5])}, names, "w")
    yield lambda: images_to_dataset("i", {**good, "x_test": np.zeros((2, 4, 4))}, names, "w")


def _keeping_errors(tmp: Path) -> Iterator[Callable[[], object]]:
    """Sessions, the run history, the files a student saves and exports."""
    from tui import export
    from tui.history import HistoryStore, Recorder
    from tui.session import Session, SessionKeeper, SessionStore

    big = tmp / "big.toml"
    big.write_bytes(b"#" * (2 << 20))
    yield lambda: load_scenario(big)
    sessions = tmp / "sessions"
    sessions.mkdir()
    store = SessionStore(sessions)
    yield lambda: store.read(_write(sessions / "a.json", "{"))
    yield lambda: store.read(
        _write(sessions / "b.json", '{"format": "trainlab-session", "version": 9}')
    )
    yield lambda: store.read(sessions / "gone.json")
    yield lambda: store.read(sessions)

    def unwritable() -> None:
        told: list[Exception] = []
        session = Session.new(load_preset("default"))
        keeper = SessionKeeper(SessionStore(big / "sessions"), session, told.append)
        keeper.flush("quit")
        keeper.close()
        raise told[0]

    yield unwritable
    damaged = _write(tmp / "history.sqlite3", "not a database")

    def set_aside() -> None:
        with HistoryStore.open(damaged) as history:
            raise history.notices[0]

    yield set_aside

    def not_recorded() -> None:
        told: list[Exception] = []
        recorder = Recorder("s", path=big / "history.sqlite3", notify=told.append)
        recorder.prepare()
        recorder.close()
        raise told[0]

    yield not_recorded
    kinds = (".csv",)
    yield lambda: export.target(" ", kinds)
    yield lambda: export.target(str(tmp), kinds)
    yield lambda: export.target(str(tmp / "nowhere" / "x.csv"), kinds)
    yield lambda: export.target("/dev/null", (".csv", ""))
    yield lambda: export.target(str(tmp / "x.doc"), kinds)
    yield lambda: export.target(str(tmp / "x"), kinds)
    yield lambda: export.write(tmp / "nowhere" / "x.csv", "")


def _raise(error: Exception) -> Callable[..., object]:
    def raiser(*args: object, **kwargs: object) -> object:
        raise error

    return raiser


def test_every_error_is_said_from_its_code_in_every_language(tmp_path, monkeypatch) -> None:
    """Each mistake comes with a code the catalogue knows; in English, the catalogue says
    exactly what the core's message says (so the parameters carry everything), and every
    other language fills its own words from the same parameters. Every error code of the
    catalogue is made once here: none is dead, none is missing."""
    made: set[str] = set()
    for make in _errors(tmp_path, monkeypatch):
        with pytest.raises(Exception) as caught:  # noqa: B017, PT011 - any user error
            make()
        error = caught.value
        if isinstance(error, PresetError) and error.code == "in_file":
            made.add(error.params["error"].code)
        assert isinstance(error, Explained), f"{type(error).__name__}: {error}"
        assert error.code and i18n.has(f"error.{error.code}"), error.code
        made.add(error.code)
        message = error.args[0]
        assert explain(error, "en") == message
        if hasattr(error, "reason"):
            assert reason(error, "en") == error.reason
        for lang in LANGUAGES:
            assert explain(error, lang)  # every field there, nothing else needed
    assert made == {
        key.removeprefix("error.") for key in catalogue("en") if key.startswith("error.")
    }


def test_errors_cross_the_process_boundary_with_their_code() -> None:
    import pickle

    with pytest.raises(ClaimError) as caught:
        parse_claim(3, "claims[0]")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.code, copy.params, copy.key, str(copy)) == (
        "not_table",
        {"value": 3},
        "claims[0]",
        str(caught.value),
    )
    assert explain(copy, "ko") == "claims[0]: 표여야 합니다 (입력: 3)"


def test_a_measure_is_labelled_as_trainlab_check_prints_it() -> None:
    presets, problems = load_shipped()
    assert not problems
    for preset in presets:
        for claim in preset.claims:
            for measure in claim.measures:
                assert measure_label(measure, "en") == measure.label()
                assert measure_label(measure, "ko") != measure.label()


# -- one Korean term per concept -----------------------------------------------------------


GLOSSARY = tomllib.loads((i18n.LOCALE / "glossary.toml").read_text(encoding="utf-8"))["term"]
IDENTIFIERS = re.compile(r"\{[^}]*\}|\w+=\S*|\w*_\w+|'[^']*'|`[^`]*`|\[[^\]]*\]")


def korean_texts() -> Iterator[tuple[str, str, str]]:
    """(where, English, Korean) of every Korean text: the catalogue, the help, the presets."""
    english, korean = catalogue("en"), catalogue("ko")
    for key, text in korean.items():
        if not key.endswith("_words"):  # what an input accepts, never shown
            yield f"ko.toml {key}", english[key], text
    en_help, ko_help = help_topics("en"), help_topics("ko")
    for key, heading in ko_help.groups.items():
        yield f"help.ko.toml {key}", en_help.groups[key], heading
    for topic in ko_help.topics:
        theirs = en_help.topic(topic.key)
        for part in ("title", "body", "look"):
            yield f"help.ko.toml {topic.key}.{part}", getattr(theirs, part), getattr(topic, part)
    for file in sorted((ROOT / "presets").glob("*.toml")):
        yield from _preset_texts(file.name, tomllib.loads(file.read_text(encoding="utf-8")))


def _preset_texts(where: str, table: object) -> Iterator[tuple[str, str, str]]:
    if isinstance(table, list):
        for index, item in enumerate(table):
            yield from _preset_texts(f"{where}[{index}]", item)
    elif isinstance(table, dict):
        for key, value in table.items():
            if key.endswith("_ko"):
                yield f"{where}.{key}", table.get(key.removesuffix("_ko"), ""), value
            elif isinstance(value, dict | list):
                yield from _preset_texts(f"{where}.{key}", value)


@pytest.mark.parametrize("term", GLOSSARY, ids=lambda term: term["ko"])
def test_korean_texts_use_the_glossary_term(term: dict) -> None:
    wrong = []
    pattern = re.compile(term["en"]) if "en" in term else None
    for where, english, korean in korean_texts():
        for variant in term["variants"]:
            if variant in korean:
                wrong.append(f"{where}: {variant!r} in {korean!r}")
        words = IDENTIFIERS.sub(" ", english.lower())
        if pattern is not None and pattern.search(words) and term["ko"] not in korean:
            wrong.append(f"{where}: {english!r} says it, {korean!r} lacks {term['ko']!r}")
    assert not wrong, "\n".join(wrong)


def test_the_glossary_has_one_term_per_concept() -> None:
    terms = [term["ko"] for term in GLOSSARY]
    assert len(terms) == len(set(terms))
    variants = [variant for term in GLOSSARY for variant in term["variants"]]
    assert not set(variants) & set(terms)  # no concept's word is another's variant
    for term in GLOSSARY:
        assert term["why"].strip() and term["concept"].strip()
