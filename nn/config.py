"""Configuration of a training run: plain data, validated where it is made.

A run is described by three frozen dataclasses (data, optimizer, run). They check
their values on construction and say what is wrong in words a student understands,
naming the field, so that a form, a preset file and the command line all report bad
input the same way. They round-trip through plain dicts and TOML.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from nn.data import DATASET_NAMES, REGRESSION_NAMES, TASKS
from nn.errors import Explained, read_failure, toml_failure
from nn.features import FEATURES, columns_needed
from nn.optimizers import OPTIMIZERS, default_lr, hyper_parameters

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
OUTPUTS = ("softmax", "sigmoid", "tanh", "linear")
LOSSES = ("cross_entropy", "mse")
INITS = ("normal", "small", "xavier", "he")  # or a number: a fixed standard deviation
DTYPES = ("float32", "float64")
DATASETS = DATASET_NAMES  # one list of data sets, kept by nn.data

# What may change while a run trains (applied between steps, recorded with the step).
LIVE_FIELDS = ("lr", "optimizer", "l1", "l2", "dropout", "batch_norm")

MAX_MEMORY_BYTES = 2 * 1024**3
MAX_SAMPLES = 1_000_000  # points of a generated 2-D set: more teaches nothing, and costs GiBs
MAX_STEPS = 10_000_000  # a run's budget: beyond it, a preset would play for days
MAX_EPOCHS = 100_000
# Data whose samples are many numbers (images, the probe batch): input features, made from a
# point's one or two coordinates, mean nothing there.
WIDE_DATA = ("probe", "fashion-mnist", "mnist")


class ConfigError(Explained, ValueError):
    """A value in a configuration is not usable; `field` names where it is, `reason` says
    why in English, and `code` with `params` say it for the app's catalogue (nn/errors.py)."""

    def __init__(self, field_name: str, message: str, code: str = "", **params: Any) -> None:
        super().__init__(f"{field_name}: {message}", code, field_name, **params)
        self.field = field_name
        self.reason = message

    def at(self, field_name: str) -> ConfigError:
        """The same mistake, named by another (usually longer, dotted) field."""
        return ConfigError(field_name, self.reason, self.code, **self.params)


def features_too_wide(field_name: str, name: str) -> ConfigError:
    """Input features asked of data that is not 1-D or 2-D points (said where the name tells,
    in the config, and where only the loaded data does, in the comparison)."""
    return ConfigError(
        field_name,
        f"input features are made from 1-D or 2-D points; {name} samples are not",
        "features_wide",
        name=name,
    )


def _check(condition: bool, field_name: str, message: str, code: str = "", **params: Any) -> None:
    if not condition:
        raise ConfigError(field_name, message, code, **params)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_number(
    value: Any,
    field_name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> None:
    """A finite number inside [low, high] (or an open end where asked)."""
    _check(
        _is_number(value), field_name, f"must be a number, got {value!r}", "not_number", value=value
    )
    _check(
        math.isfinite(value),
        field_name,
        f"must be a finite number, got {value!r}",
        "not_finite",
        value=value,
    )
    if low is not None:
        ok = value > low if low_open else value >= low
        word, code = ("greater than", "greater_than") if low_open else ("at least", "at_least")
        _check(
            ok, field_name, f"must be {word} {low:g}, got {value:g}", code, bound=low, value=value
        )
    if high is not None:
        ok = value < high if high_open else value <= high
        word, code = ("less than", "less_than") if high_open else ("at most", "at_most")
        _check(
            ok, field_name, f"must be {word} {high:g}, got {value:g}", code, bound=high, value=value
        )


def _check_int(value: Any, field_name: str, *, low: int = 0) -> None:
    _check(
        isinstance(value, int) and not isinstance(value, bool),
        field_name,
        f"must be a whole number, got {value!r}",
        "not_whole",
        value=value,
    )
    _check(
        value >= low,
        field_name,
        f"must be at least {low}, got {value}",
        "at_least_whole",
        bound=low,
        value=value,
    )


def _check_choice(value: Any, field_name: str, choices: tuple[str, ...]) -> None:
    _check(
        value in choices,
        field_name,
        f"must be one of {', '.join(choices)}; got {value!r}",
        "not_choice",
        choices=", ".join(choices),
        value=value,
    )


@dataclass(frozen=True)
class DataConfig:
    """Which data a comparison trains on. Shared by every run of a comparison."""

    name: str = "spiral"
    samples: int = 600  # points of a 2-D set
    noise: float = 0.1
    train_ratio: float = 0.7
    classes: int = 3  # arms of the spiral, blobs of the Gaussians
    seed: int = 0
    path: str = ""  # a CSV/NPZ file, or a folder of idx files
    label_column: str = "label"
    train_limit: int = 0  # keep only the first N training samples (0: all)
    test_limit: int = 0
    full: bool = False  # Fashion-MNIST: the full set where installed, not the shipped subset
    task: str = ""  # csv/npz: "regression" when the labels are numbers to predict

    def __post_init__(self) -> None:
        _check_choice(self.name, "data.name", DATASETS)
        _check_int(self.samples, "data.samples", low=4)
        _check(
            self.samples <= MAX_SAMPLES,
            "data.samples",
            f"at most {MAX_SAMPLES:,} points for a generated set, got {self.samples:,}",
            "too_many_samples",
            bound=MAX_SAMPLES,
            value=self.samples,
        )
        _check_number(self.noise, "data.noise", low=0)
        _check_number(
            self.train_ratio, "data.train_ratio", low=0, high=1, low_open=True, high_open=True
        )
        _check_int(self.classes, "data.classes", low=2)
        _check_int(self.seed, "data.seed")
        _check_int(self.train_limit, "data.train_limit")
        _check_int(self.test_limit, "data.test_limit")
        _check(
            isinstance(self.path, str),
            "data.path",
            f"must be text, got {self.path!r}",
            "not_text",
            value=self.path,
        )
        if self.task:
            _check_choice(self.task, "data.task", TASKS)
            _check(
                self.name in ("csv", "npz") or self.task == self.implied_task,
                "data.task",
                f"{self.name} is a {self.implied_task} set; only csv and npz data say theirs",
                "task_implied",
                name=self.name,
                task=self.implied_task,
            )
        _check(
            self.name not in ("csv", "npz") or bool(self.path),
            "data.path",
            f"a {self.name} data set needs the path of its file",
            "needs_path",
            name=self.name,
        )

    @property
    def implied_task(self) -> str:
        return "regression" if self.name in REGRESSION_NAMES else "classification"

    @property
    def regression(self) -> bool:
        """Whether the runs predict a number (MSE, a linear output) rather than a class."""
        return (self.task or self.implied_task) == "regression"

    @property
    def columns(self) -> int | None:
        """How many numbers describe a sample, where the name alone says (None: a file's)."""
        if self.name == "sine":
            return 1
        if self.name in ("csv", "npz", "probe", "fashion-mnist", "mnist"):
            return None
        return 2


@dataclass(frozen=True)
class OptimizerConfig:
    """An optimizer and its hyper-parameters, with the textbook's defaults. The learning
    rate's default depends on the optimizer (Adam 0.001, the others 0.01): left out (None),
    it is filled in from the name."""

    name: str = "sgd"
    lr: float | None = None
    momentum: float = 0.9
    decay: float = 0.99
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-7

    def __post_init__(self) -> None:
        _check_choice(self.name, "optimizer.name", tuple(OPTIMIZERS))
        if self.lr is None:
            object.__setattr__(self, "lr", default_lr(self.name))  # frozen: set it once, here
        _check_number(self.lr, "optimizer.lr", low=0, low_open=True)
        _check_number(self.momentum, "optimizer.momentum", low=0, high=1, high_open=True)
        _check_number(self.decay, "optimizer.decay", low=0, high=1, high_open=True)
        _check_number(self.beta1, "optimizer.beta1", low=0, high=1, high_open=True)
        _check_number(self.beta2, "optimizer.beta2", low=0, high=1, high_open=True)
        _check_number(self.eps, "optimizer.eps", low=0, low_open=True)

    @property
    def hyper(self) -> dict[str, float]:
        """The hyper-parameters this optimizer uses, besides the learning rate."""
        return {key: getattr(self, key) for key in hyper_parameters(self.name)}


@dataclass(frozen=True)
class RunConfig:
    """One training run: a network, how it starts, how it learns, how it is regularized.

    `layers` are the hidden layer sizes; the input and output sizes come from the data.
    L1 and L2 penalties apply to weights only, not to biases or batch-norm parameters
    (biases do not make a model more complex, and penalizing them only shifts outputs).
    """

    name: str = "base"
    data: DataConfig = field(default_factory=DataConfig)
    layers: tuple[int, ...] = (16, 16)
    activation: str = "relu"
    output: str | None = None  # left out: softmax for classes, linear for regression
    loss: str | None = None  # left out: cross_entropy for classes, mse for regression
    init: str | float = "he"
    optimizer: OptimizerConfig = field(default_factory=OptimizerConfig)
    batch_size: int | str = 32  # or "full": the whole training set (gradient descent)
    l1: float = 0.0
    l2: float = 0.0
    dropout: float = 0.0  # fraction of hidden units dropped at each training step
    batch_norm: bool = False
    dtype: str = "float32"
    features: tuple[str, ...] = ()  # what the net sees of a 2-D point (nn/features.py)
    seed: int = 0
    steps: int = 2000  # training budget in updates; `epochs` overrides it when set
    epochs: float = 0.0

    def __post_init__(self) -> None:
        _check(
            isinstance(self.name, str) and bool(self.name.strip()),
            "name",
            "a run needs a name",
            "no_name",
        )
        _check(  # from_dict builds it
            isinstance(self.data, DataConfig), "data", "must be a data table", "not_data_table"
        )
        _check(
            isinstance(self.optimizer, OptimizerConfig),
            "optimizer",
            "must be an optimizer table",
            "not_optimizer_table",
        )
        layers = self.layers
        _check(
            isinstance(layers, tuple | list),
            "layers",
            f"must be a list of sizes, got {layers!r}",
            "not_sizes",
            value=layers,
        )
        for size in layers:
            _check(
                isinstance(size, int) and not isinstance(size, bool) and size > 0,
                "layers",
                f"sizes must be positive integers, got {size!r}",
                "bad_size",
                value=size,
            )
        _check(
            len(layers) <= 50,
            "layers",
            f"at most 50 hidden layers, got {len(layers)}",
            "too_many_layers",
            count=len(layers),
        )
        object.__setattr__(self, "layers", tuple(layers))
        _check_choice(self.activation, "activation", ACTIVATIONS)
        regression = self.data.regression
        if self.output is None:  # frozen: filled in once, here, from the data's task
            object.__setattr__(self, "output", "linear" if regression else "softmax")
        if self.loss is None:
            object.__setattr__(self, "loss", "mse" if regression else "cross_entropy")
        _check_choice(self.output, "output", OUTPUTS)
        _check_choice(self.loss, "loss", LOSSES)
        _check(
            not regression or self.loss == "mse",
            "loss",
            "a regression set's targets are numbers: use mse (with a linear output)",
            "regression_loss",
        )
        _check(
            isinstance(self.features, tuple | list)
            and all(isinstance(name, str) for name in self.features),
            "features",
            f"must be a list of names, got {self.features!r}",
            "not_names",
            value=self.features,
        )
        object.__setattr__(self, "features", tuple(self.features))
        for name in self.features:
            _check_choice(name, "features", tuple(FEATURES))
        _check(
            len(set(self.features)) == len(self.features),
            "features",
            "each feature once",
            "feature_twice",
        )
        if self.features and self.data.name in WIDE_DATA:
            raise features_too_wide("features", self.data.name)
        columns = self.data.columns
        _check(
            columns is None or columns_needed(self.features) <= columns,
            "features",
            f"{self.data.name} has {columns} input column(s); "
            f"{', '.join(self.features)} need(s) {columns_needed(self.features)}",
            "features_data",
            name=self.data.name,
            columns=columns,
            features=", ".join(self.features),
            needed=columns_needed(self.features),
        )
        _check(
            (self.output == "softmax") == (self.loss == "cross_entropy"),
            "loss",
            "cross_entropy goes with a softmax output, mse with sigmoid, tanh or linear; "
            f"got output {self.output!r} with loss {self.loss!r}",
            "loss_output",
            output=self.output,
            loss=self.loss,
        )
        if isinstance(self.init, str):
            _check_choice(self.init, "init", INITS)
        else:
            _check(
                _is_number(self.init) and math.isfinite(self.init) and self.init > 0,
                "init",
                f"must be one of {', '.join(INITS)} or a positive standard deviation, "
                f"got {self.init!r}",
                "bad_init",
                choices=", ".join(INITS),
                value=self.init,
            )
        if isinstance(self.batch_size, str):
            _check(
                self.batch_size == "full",
                "batch_size",
                f"must be a positive whole number or 'full', got {self.batch_size!r}",
                "bad_batch_size",
                value=self.batch_size,
            )
        else:
            _check_int(self.batch_size, "batch_size", low=1)
        _check_number(self.l1, "l1", low=0)
        _check_number(self.l2, "l2", low=0)
        _check_number(self.dropout, "dropout", low=0, high=1, high_open=True)
        _check(
            isinstance(self.batch_norm, bool),
            "batch_norm",
            f"must be true or false, got {self.batch_norm!r}",
            "not_bool",
            value=self.batch_norm,
        )
        _check_choice(self.dtype, "dtype", DTYPES)
        _check_int(self.seed, "seed")
        _check_int(self.steps, "steps", low=1)
        _check(
            self.steps <= MAX_STEPS,
            "steps",
            f"at most {MAX_STEPS:,}, got {self.steps:,}",
            "too_many_steps",
            bound=MAX_STEPS,
            value=self.steps,
        )
        _check_number(self.epochs, "epochs", low=0, high=MAX_EPOCHS)

    # -- derived -------------------------------------------------------------------------

    def layer_sizes(self, n_inputs: int, n_outputs: int) -> tuple[int, ...]:
        """All layer widths, input first and output last; `n_inputs` are the data's columns,
        replaced by the chosen features when there are some."""
        return (len(self.features) or n_inputs, *self.layers, n_outputs)

    def batch_rows(self, n_train: int) -> int:
        """How many samples one update sees."""
        if self.batch_size == "full":
            return n_train
        return min(int(self.batch_size), n_train)

    def steps_per_epoch(self, n_train: int) -> int:
        """Updates in one epoch: whole batches (the last partial batch is skipped)."""
        return max(1, n_train // self.batch_rows(n_train))

    def budget_steps(self, n_train: int) -> int:
        """The number of updates this run trains for."""
        if self.epochs:  # up to the first step at which the epoch count gets there
            return max(1, math.ceil(self.epochs * self.steps_per_epoch(n_train) - 1e-9))
        return self.steps

    def shape_key(self, n_inputs: int, n_outputs: int, n_train: int) -> tuple:
        """Runs with equal keys can be trained as one stacked computation."""
        return (
            self.layer_sizes(n_inputs, n_outputs),
            self.batch_rows(n_train),
            self.dtype,
            self.seed,
            self.loss,
            self.output,
            self.features,  # the same count of other features is another input
        )

    # -- changing ------------------------------------------------------------------------

    def with_changes(self, **changes: Any) -> RunConfig:
        """A copy with some fields changed; `lr` and `optimizer` accept plain values."""
        changes = dict(changes)
        optimizer = self.optimizer
        if "optimizer" in changes and isinstance(changes["optimizer"], str):
            name = changes.pop("optimizer")
            optimizer = replace(optimizer, name=name)
        elif isinstance(changes.get("optimizer"), dict):
            optimizer = replace(optimizer, **changes.pop("optimizer"))
        if "lr" in changes:
            optimizer = replace(optimizer, lr=changes.pop("lr"))
        if isinstance(changes.get("data"), dict):
            changes["data"] = replace(self.data, **changes["data"])
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise ConfigError(sorted(unknown)[0], "not a setting of a run", "not_a_setting")
        return replace(self, optimizer=optimizer, **changes)

    def differences(self, other: RunConfig) -> dict[str, tuple[Any, Any]]:
        """Field → (mine, theirs) for every setting that differs, in dotted names."""
        mine, theirs = _flatten(self.to_dict()), _flatten(other.to_dict())
        return {
            key: (mine.get(key), theirs.get(key))
            for key in mine.keys() | theirs.keys()
            if key != "name" and mine.get(key) != theirs.get(key)
        }

    # -- (de)serializing -----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        result = dataclasses.asdict(self)
        result["layers"] = list(self.layers)
        result["features"] = list(self.features)
        return result

    @classmethod
    def from_dict(cls, values: dict[str, Any], *, where: str = "") -> RunConfig:
        """Build from a dict (a TOML table), rejecting keys that are not settings."""
        values = dict(values)
        data = values.pop("data", {})
        optimizer = values.pop("optimizer", {})
        if isinstance(optimizer, str):
            optimizer = {"name": optimizer}
        if "lr" in values:
            optimizer = {**optimizer, "lr": values.pop("lr")}
        prefix = f"{where}: " if where else ""
        try:
            return cls(
                data=_build(DataConfig, data, "data"),
                optimizer=_build(OptimizerConfig, optimizer, "optimizer"),
                **_known(cls, values, ""),
            )
        except ConfigError as error:
            raise error.at(f"{prefix}{error.field}") from None

    def to_toml(self) -> str:
        return dumps_toml(self.to_dict())

    @classmethod
    def from_toml(cls, text: str, *, where: str = "config") -> RunConfig:
        try:
            values = loads_toml(text)
        except tomllib.TOMLDecodeError as error:
            code, params = toml_failure(error)
            raise ConfigError(where, f"not valid TOML: {error}", code, **params) from None
        return cls.from_dict(values, where=where)

    @classmethod
    def load(cls, path: str | Path) -> RunConfig:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise ConfigError(
                str(path),
                f"cannot read the file ({error.strerror})",
                read_failure(error),
                strerror=error.strerror,
            ) from None
        return cls.from_toml(text, where=str(path))


def check_live_change(config: RunConfig, changes: dict[str, Any]) -> RunConfig:
    """The config after a live change, or ConfigError if a setting cannot change live or
    a value is bad. Shared by the core and the app, which checks before sending."""
    for key in changes:
        if key not in LIVE_FIELDS:
            raise ConfigError(
                key,
                f"cannot change while training; live settings are {', '.join(LIVE_FIELDS)}",
                "not_live",
                live=", ".join(LIVE_FIELDS),
            )
    return config.with_changes(**changes)


def _known(cls: type, values: dict[str, Any], table: str) -> dict[str, Any]:
    """The values, if every key is a setting of `cls` (a run's data and optimizer tables,
    and its lr shorthand, are taken apart by the caller but still named as known)."""
    tables = {"data", "optimizer"} if cls is RunConfig else set()
    names = {f.name for f in fields(cls)} - tables
    for key in values:
        if key not in names:
            dotted = f"{table}.{key}" if table else key
            known = ", ".join(sorted(names | tables | ({"lr"} if tables else set())))
            raise ConfigError(
                dotted, f"unknown setting; known ones are {known}", "unknown_setting", known=known
            )
    return values


def _build(cls: type, values: Any, table: str) -> Any:
    if not isinstance(values, dict):
        raise ConfigError(
            table, f"must be a table of settings, got {values!r}", "not_settings", value=values
        )
    return cls(**_known(cls, values, table))


def _flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = tuple(value) if isinstance(value, list) else value
    return flat


def estimate_memory(config: RunConfig, n_inputs: int, n_outputs: int, n_train: int) -> int:
    """Bytes one run needs: parameters with gradients and optimizer state, plus activations."""
    sizes = config.layer_sizes(n_inputs, n_outputs)
    n_params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    rows = max(config.batch_rows(n_train), min(n_train, 2000))
    n_activations = rows * sum(sizes) * 6  # inputs, outputs, masks, BN caches, gradients
    itemsize = 4 if config.dtype == "float32" else 8
    return (n_params * 5 + n_activations) * itemsize


def check_memory(configs: list[RunConfig], n_inputs: int, n_outputs: int, n_train: int) -> None:
    """Refuse, with a message, comparisons that would not fit instead of thrashing: the
    runs, and the training data in each dtype they use (a copy, and an epoch's order)."""
    total = sum(estimate_memory(c, n_inputs, n_outputs, n_train) for c in configs)
    for dtype in {config.dtype for config in configs}:
        total += 2 * n_train * n_inputs * (4 if dtype == "float32" else 8)
    if total > MAX_MEMORY_BYTES:
        gib = total / 1024**3
        raise ConfigError(
            "layers",
            f"these runs would need about {gib:.1f} GiB of memory (the limit is 2 GiB); "
            "use fewer or smaller layers, a smaller batch, or fewer runs",
            "memory",
            gib=gib,
        )


# -- reading TOML --------------------------------------------------------------------------


def loads_toml(text: str) -> dict[str, Any]:
    """tomllib.loads, but a file nested deeper than Python recurses (`a = [[[[…]]]]`, which
    fits well within a preset's size limit) is a TOMLDecodeError like any other bad TOML,
    not a RecursionError."""
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise tomllib.TOMLDecodeError("arrays or tables nested too deeply") from None


# -- a small TOML writer (tomllib only reads) ----------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # TOML basic strings may hold no control characters: escape every one of them.
        escaped = "".join(
            {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}.get(char)
            or (char if " " <= char != "\x7f" else f"\\u{ord(char):04x}")
            for char in value
        )
        return f'"{escaped}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def _toml_key(key: str) -> str:
    """A key as TOML writes it: bare where it can be, quoted otherwise ("lr-0.001")."""
    bare = key and all(char.isascii() and (char.isalnum() or char in "_-") for char in key)
    return key if bare else _toml_value(key)


def dumps_toml(values: dict[str, Any], table: str = "", array: bool = False) -> str:
    """Write nested dicts of scalars and lists as TOML (tables after plain keys); a list of
    dicts is an array of tables ([[timeline]] …), each entry's tables after it. None values
    are left out (TOML has no null)."""
    lines = [f"[[{table}]]" if array else f"[{table}]"] if table else []
    tables = []
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, dict):
            tables.append((key, value, False))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables.extend((key, item, True) for item in value)
        else:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    text = "\n".join(lines) + "\n"
    for key, value, is_array in tables:
        name = f"{table}.{_toml_key(key)}" if table else _toml_key(key)
        text += "\n" + dumps_toml(value, name, is_array)
    return text
