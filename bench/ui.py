"""Responsiveness of the app: event-loop lag, training speed, terminal bytes, first frame.

    python bench/ui.py                  # a table
    python bench/ui.py --json           # one JSON object
    python bench/ui.py --repeats 1 --seconds 5     # quicker, noisier
    python bench/ui.py --preset PRESET_OR_FILE     # another scenario (default: five runs)
    python bench/ui.py --chart boundary            # another chart tab in view (default: loss)
    python bench/ui.py --pace --preset default     # steps/s reached at each pace level

Everything is measured on the real app in a real 120×40 pseudo-terminal (TERM=xterm-256color),
with the loss chart visible, while the five runs of bench/presets/five-spiral.toml train.
Each repeat is two sessions, then a headless measurement:

1. `.venv/bin/trainlab PRESET`, untouched: `first_frame_s` is the time from launch until the
   footer's key labels have been written; then space starts training and `bytes_per_s` is
   what the app writes to the terminal over the next SECONDS (what an SSH link carries).
2. The same app with two listeners added (this file, `--probe-child`): a 20 ms interval timer
   whose events carry the time they were due, so `lag` is (handled − due), and the arrival
   time and step of every snapshot the interface receives, so the app's steps/s is read
   from what the interface saw, over the same window as the lag (after a 1 s warm-up).
3. Headless: the preset's Comparison stepped in a plain loop in this process (one BLAS
   thread, as the app) — `throughput_ratio` is the app's steps/s over this.

Because other work on a 2-core machine moves every wall-clock figure, the load average is
printed and three figures that load moves less are reported beside the targets:
`ui_cpu_share` and `trainer_cpu_share` (CPU seconds per second of the UI thread and of the
training process: 1.0 is a core to itself) and `throughput_ratio_cpu` (steps per CPU second,
app over headless: what the app's own overhead costs the training). `quit_s` is from "q" to
the process's exit. Figures are medians over the repeats (the per-repeat values are in the
JSON). Nothing here asserts a time; targets are printed beside the figures.

`--pace` measures the pace instead (tui/training/pace.py): for each level, the probed app
plays the preset at that level (its budget made endless, its captions left out so that no
caption holds training) and the steps/s the interface saw over SECONDS is set against the
steps/s asked, and against what the core reaches headless (the 10 % target holds wherever
the core can go that fast; beyond that the level is marked "core-bound").
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import platform
import pty
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# As the app does (tui/cli.py), before NumPy loads: one BLAS thread, for a fair headless figure.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COLUMNS, LINES = 120, 40
DEFAULT_PRESET = str(ROOT / "bench" / "presets" / "five-spiral.toml")
TRAINLAB = ROOT / ".venv" / "bin" / "trainlab"
FIRST_FRAME_MARK = b"start/pause"  # the footer's label for space: the main screen is drawn
PROBE_INTERVAL = 0.02
WARM_UP = 1.0  # seconds of training before the lag and steps/s window opens
QUIT_TIMEOUT = 3.0
CHART = "loss"  # the tab the app opens on: the one visible while measuring (--chart)

TARGETS: dict[str, tuple[str, float]] = {
    "lag_p95_ms": ("<=", 15),
    "lag_max_ms": ("<=", 60),
    "throughput_ratio": (">=", 0.85),
    "bytes_per_s": ("<=", 40_000),
    "first_frame_s": ("<=", 1.0),
}


# -- a session in a pseudo-terminal --------------------------------------------------------


@dataclass
class Session:
    """What one run of the app in a pty showed from outside."""

    first_frame_s: float = float("nan")
    bytes_training: int = 0
    seconds_training: float = 0.0
    quit_s: float = float("nan")  # from "q" to the process's exit
    killed: bool = False
    started_at: float = 0.0  # time.monotonic() of the space key
    ended_at: float = 0.0  # time.monotonic() of the "q" key
    tail: bytes = field(default=b"", repr=False)  # the last output, for error messages

    @property
    def bytes_per_s(self) -> float:
        return self.bytes_training / self.seconds_training if self.seconds_training else 0.0


def chart_key(chart: str) -> bytes:
    """The app's key for a chart tab (1 = loss, …), as a user would press it."""
    from tui.widgets.charts_panel import CHART_NAMES

    if chart not in CHART_NAMES:
        raise SystemExit(f"--chart must be one of {', '.join(CHART_NAMES)}, got {chart!r}")
    return str(CHART_NAMES.index(chart) + 1).encode()


def terminal_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    env.pop("NO_COLOR", None)
    env.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(LINES))
    return env


def run_in_pty(argv: list[str], seconds: float, keys: bytes = b" ") -> Session:
    """Launch `argv` on a 120×40 pty, press space once the main screen is drawn, count the
    bytes written over `seconds` of training, then quit ("q"; killed if it lingers)."""
    session = Session()
    launched = time.monotonic()
    pid, master = pty.fork()
    if pid == 0:  # the child: size its terminal before the app can ask, then become the app
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
            os.execve(argv[0], argv, terminal_env())
        finally:
            os._exit(127)
    seen = bytearray()
    phase = "launch"  # launch → training → quitting → gone
    deadline = launched + 30.0  # the longest we wait for the first frame
    try:
        while phase != "gone":
            now = time.monotonic()
            if now >= deadline:
                if phase == "launch":
                    raise RuntimeError(
                        f"no first frame in 30 s; last output: {bytes(seen[-300:])!r}"
                    )
                if phase == "training":
                    session.seconds_training = now - session.started_at
                    session.ended_at = now
                    os.write(master, b"q")
                    phase, deadline = "quitting", now + QUIT_TIMEOUT
                    continue
                session.killed = True
                _kill_group(pid)
                deadline = now + QUIT_TIMEOUT
            readable, _, _ = select.select([master], [], [], max(0.0, min(0.05, deadline - now)))
            if not readable:
                continue
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # EIO: every process on the terminal has closed it
                chunk = b""
            now = time.monotonic()
            if not chunk:
                if phase == "quitting":
                    session.quit_s = now - session.ended_at
                phase = "gone"
                continue
            seen += chunk
            del seen[: max(0, len(seen) - 4096)]
            if phase == "training":
                session.bytes_training += len(chunk)
            elif phase == "launch" and FIRST_FRAME_MARK in seen:
                session.first_frame_s = now - launched
                os.write(master, keys)
                session.started_at = now
                phase, deadline = "training", now + seconds
    finally:
        session.tail = bytes(seen[-300:])
        _reap(pid)
        os.close(master)
    return session


def _kill_group(pid: int) -> None:
    """End the app's session (the app and its training process), which we started."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)
        time.sleep(0.2)


def _reap(pid: int) -> None:
    finished, _ = os.waitpid(pid, os.WNOHANG)
    if finished == 0:
        _kill_group(pid)
        os.waitpid(pid, 0)
    with contextlib.suppress(ProcessLookupError):  # an orphaned training process, if any
        os.killpg(pid, signal.SIGKILL)


# -- inside the app: the probe (runs as `bench/ui.py --probe-child OUT PRESET`) -------------


def paced_preset(target: str, level: float) -> Any:
    """The scenario as `--pace` plays it: at `level` steps a second, with a budget that no
    measurement exhausts, and without its timeline (no caption holds training for reading,
    no change of a run mid-measurement)."""
    from dataclasses import replace

    from nn.config import MAX_STEPS
    from presets.loader import load_scenario

    preset = load_scenario(target)
    budget = {"steps": MAX_STEPS, "epochs": 0.0}
    variants = {name: {**overrides, **budget} for name, overrides in preset.variants.items()}
    base = preset.base.with_changes(**budget)
    return replace(preset, base=base, variants=variants, timeline=(), pace=level)


def probe_child(out: str, target: str, level: str | None = None) -> None:
    """Run the real app with a 20 ms lag probe and a snapshot log; write both to `out`.
    With `level` (steps a second, or "inf"), the scenario as `paced_preset` makes it."""
    import tui.cli  # noqa: F401, I001  (first: sets BLAS threads before NumPy loads, as trainlab)
    from textual import events

    from presets.loader import load_scenario
    from tui import app as tui_app
    from tui.app import TrainlabApp
    from tui.messages import SnapshotReady, TrainingProgress

    class ProbedApp(TrainlabApp):
        """The app, plus two listeners. Textual calls each class's handler along the MRO,
        so these run besides (not instead of) TrainlabApp's: no super() calls."""

        CSS_PATH = str(Path(tui_app.__file__).with_name(TrainlabApp.CSS_PATH))  # not bench/

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.lags: list[tuple[float, float]] = []  # (handled at, handled − due)
            # (received at, step, playing, UI thread's CPU s, training process's CPU s)
            self.snapshots: list[tuple[float, int, bool, float, float]] = []

        def on_mount(self) -> None:
            self._probe = self.set_interval(PROBE_INTERVAL, name="lag-probe")  # → on_timer

        def on_timer(self, event: events.Timer) -> None:
            if event.timer is self._probe:
                now = time.monotonic()  # Textual's clock on Linux: event.time is on it too
                self.lags.append((now, now - event.time))

        def on_snapshot_ready(self, message: SnapshotReady) -> None:  # bubbled from the screen
            self._log_step(message.step, message.playing)

        def on_training_progress(self, message: TrainingProgress) -> None:  # between slow ones
            self._log_step(message.step, True)

        def _log_step(self, step: int, playing: bool) -> None:
            trainer = self.main_screen.trainer
            trainer_cpu = process_cpu_s(trainer.process.pid) if trainer else float("nan")
            ui_cpu = time.thread_time()  # this (the UI) thread's CPU time
            self.snapshots.append((time.monotonic(), step, playing, ui_cpu, trainer_cpu))

    preset = load_scenario(target) if level is None else paced_preset(target, float(level))
    app = ProbedApp(preset)
    app.run()
    Path(out).write_text(json.dumps({"lags": app.lags, "snapshots": app.snapshots}))


def process_cpu_s(pid: int | None) -> float:
    """CPU seconds (user + system) a process has used so far, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Probe:
    lag_p95_ms: float
    lag_max_ms: float
    lag_samples: int
    app_steps_per_s: float
    app_steps_per_cpu_s: float  # per CPU second of the training process
    ui_cpu_share: float  # CPU seconds the UI thread used per second: its share of a core
    trainer_cpu_share: float  # the same for the training process (1.0: a core to itself)
    window_s: float


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def read_probe(path: str, session: Session) -> Probe:
    """Lag and steps/s over one window: from WARM_UP after the first training snapshot to "q"."""
    data = json.loads(Path(path).read_text())
    playing = [row for row in data["snapshots"] if row[2]]
    if not playing:
        raise RuntimeError("the app never reported training; last output: " + repr(session.tail))
    start, end = playing[0][0] + WARM_UP, session.ended_at
    inside = [row for row in playing if start <= row[0] <= end]
    (t0, s0, _, ui0, tr0), (t1, s1, _, ui1, tr1) = inside[0], inside[-1]
    lags = [lag * 1e3 for t, lag in data["lags"] if start <= t <= end]
    return Probe(
        lag_p95_ms=percentile(lags, 0.95),
        lag_max_ms=max(lags),
        lag_samples=len(lags),
        app_steps_per_s=(s1 - s0) / (t1 - t0),
        app_steps_per_cpu_s=(s1 - s0) / (tr1 - tr0),
        ui_cpu_share=(ui1 - ui0) / (t1 - t0),
        trainer_cpu_share=(tr1 - tr0) / (t1 - t0),
        window_s=t1 - t0,
    )


# -- headless ------------------------------------------------------------------------------


def headless_steps_per_s(target: str, seconds: float) -> tuple[float, float]:
    """The preset's runs stepped in a plain loop, no snapshots: the core's own pace, as
    (steps per second, steps per CPU second). Without the preset's budget, which could end
    before the loop does (batch-norm trains 200 steps); with its timeline, as the app."""
    from nn.config import MAX_STEPS
    from presets.loader import load_scenario

    preset = load_scenario(target)
    endless = [config.with_changes(steps=MAX_STEPS, epochs=0.0) for config in preset.run_configs()]
    comparison = preset.comparison(endless)
    comparison.step(200)  # warm up
    steps, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        comparison.step(100)
        steps += 100
    return steps / (time.perf_counter() - start), steps / (time.process_time() - cpu)


# -- the bench -----------------------------------------------------------------------------


def measure(
    target: str, repeats: int, seconds: float, headless_seconds: float, chart: str = CHART
) -> dict[str, Any]:
    samples: dict[str, list[float]] = {
        key: []
        for key in (
            "first_frame_s",
            "bytes_per_s",
            "lag_p95_ms",
            "lag_max_ms",
            "app_steps_per_s",
            "headless_steps_per_s",
            "throughput_ratio",
            "throughput_ratio_cpu",
            "ui_cpu_share",
            "trainer_cpu_share",
            "quit_s",
        )
    }
    killed = 0
    for _ in range(repeats):
        keys = b" " + chart_key(chart)  # start training, then show the chart measured
        plain = run_in_pty([str(TRAINLAB), target], seconds, keys)
        samples["first_frame_s"].append(plain.first_frame_s)
        samples["bytes_per_s"].append(plain.bytes_per_s)
        samples["quit_s"].append(plain.quit_s)
        with tempfile.TemporaryDirectory() as tmp:
            out = str(Path(tmp) / "probe.json")
            argv = [sys.executable, str(Path(__file__).resolve()), "--probe-child", out, target]
            probed = run_in_pty(argv, seconds + WARM_UP, keys)
            probe = read_probe(out, probed)
        killed += plain.killed + probed.killed
        headless, headless_per_cpu = headless_steps_per_s(target, headless_seconds)
        samples["lag_p95_ms"].append(probe.lag_p95_ms)
        samples["lag_max_ms"].append(probe.lag_max_ms)
        samples["app_steps_per_s"].append(probe.app_steps_per_s)
        samples["headless_steps_per_s"].append(headless)
        samples["throughput_ratio"].append(probe.app_steps_per_s / headless)
        samples["throughput_ratio_cpu"].append(probe.app_steps_per_cpu_s / headless_per_cpu)
        samples["ui_cpu_share"].append(probe.ui_cpu_share)
        samples["trainer_cpu_share"].append(probe.trainer_cpu_share)
    results: dict[str, Any] = {key: statistics.median(values) for key, values in samples.items()}
    results["killed_after_quit"] = killed
    results["samples"] = samples
    return results


def measure_pace(target: str, seconds: float, headless_seconds: float) -> dict[str, Any]:
    """Per pace level: the steps/s the interface saw against those asked (see `--pace`)."""
    from tui.training.pace import LEVELS

    headless, _ = headless_steps_per_s(target, headless_seconds)
    rows: list[dict[str, Any]] = []
    for level in LEVELS:
        with tempfile.TemporaryDirectory() as tmp:
            out = str(Path(tmp) / "probe.json")
            argv = [sys.executable, str(Path(__file__).resolve()), "--probe-child", out, target]
            argv += ["--level", repr(level)]
            window = max(seconds, 12.0 / level)  # at least a dozen steps at the slowest
            probe = read_probe(out, run_in_pty(argv, window + WARM_UP, b" "))
        reached = probe.app_steps_per_s
        rows.append(
            {
                "asked": level,
                "reached": reached,
                "ratio": reached / level if level != float("inf") else reached / headless,
                "window_s": probe.window_s,
            }
        )
    fastest = max(headless, rows[-1]["reached"])  # the core's speed, headless or at max
    for row in rows:
        row["core_bound"] = row["asked"] > fastest
    return {"headless_steps_per_s": headless, "levels": rows}


def print_pace_table(results: dict[str, Any]) -> None:
    print(
        f"trainlab pace bench · preset {Path(results['preset']).name} · "
        f"headless core {results['headless_steps_per_s']:.0f} steps/s · "
        f"load average {results['load_avg_start']} → {results['load_avg_end']}"
    )
    print(f"{'asked':>8}{'reached':>10}{'ratio':>8}  verdict (within 10 %)")
    for row in results["levels"]:
        asked = "max" if row["asked"] == float("inf") else f"{row['asked']:g}"
        if row["asked"] == float("inf"):
            verdict = "of the headless core"
        elif abs(row["ratio"] - 1) <= 0.1:
            verdict = "met"
        elif row["core_bound"]:
            verdict = "core-bound: asks more than the core trains"
        else:
            verdict = "MISSED"
        print(f"{asked:>8}{row['reached']:>10.1f}{row['ratio']:>8.3f}  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--repeats", type=int, default=3, help="sessions per figure (median)")
    parser.add_argument("--seconds", type=float, default=10.0, help="training time per session")
    parser.add_argument("--headless-seconds", type=float, default=4.0, help="headless timing")
    parser.add_argument("--preset", default=DEFAULT_PRESET, help="preset name or file")
    parser.add_argument("--chart", default=CHART, help="the chart tab shown (default: loss)")
    parser.add_argument("--pace", action="store_true", help="steps/s reached per pace level")
    parser.add_argument("--probe-child", nargs=2, metavar=("OUT", "PRESET"), help=argparse.SUPPRESS)
    parser.add_argument("--level", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe_child:
        probe_child(*args.probe_child, args.level)
        return

    import numpy as np

    started = time.monotonic()
    results: dict[str, Any] = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "cpus": os.cpu_count(),
        "load_avg_start": [round(x, 2) for x in os.getloadavg()],
        "preset": args.preset,
        "size": f"{COLUMNS}x{LINES}",
        "term": "xterm-256color",
        "chart": args.chart,
        "repeats": args.repeats,
        "seconds": args.seconds,
    }
    if args.pace:
        results.update(measure_pace(args.preset, args.seconds, args.headless_seconds))
    else:
        results.update(
            measure(args.preset, args.repeats, args.seconds, args.headless_seconds, args.chart)
        )
    results["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    results["bench_s"] = round(time.monotonic() - started, 1)
    if args.json:
        print(json.dumps(results))
        return
    (print_pace_table if args.pace else print_table)(results)


def print_table(results: dict[str, Any]) -> None:
    print(
        f"trainlab UI bench · {results['size']} pty, {results['term']}, "
        f"chart tab: {results['chart']} · preset {Path(results['preset']).name}"
    )
    print(
        f"load average at start {results['load_avg_start']}, at end {results['load_avg_end']}"
        f" · {results['cpus']} cpus · medians of {results['repeats']} × {results['seconds']:g} s"
        f" · bench took {results['bench_s']} s"
    )
    print(f"{'figure':<22}{'median':>12}  {'repeats':<28}target")
    for key, values in results["samples"].items():
        value = results[key]
        shown = ", ".join(f"{v:.3g}" for v in values)
        verdict = ""
        if key in TARGETS:
            op, limit = TARGETS[key]
            met = value <= limit if op == "<=" else value >= limit
            verdict = f"{op} {limit:g}  {'met' if met else 'MISSED'}"
        print(f"{key:<22}{value:>12.4g}  {shown:<28}{verdict}")
    if results["killed_after_quit"]:
        print(f"note: {results['killed_after_quit']} session(s) had to be killed after 'q'")


if __name__ == "__main__":
    main()
