"""What a session keeps on disk, and how long bringing it back takes.

    python bench/keep.py                # a table
    python bench/keep.py --json         # one JSON object
    python bench/keep.py --steps 2000   # another budget (default: 10,000 steps)

The real app, in a 120×40 pseudo-terminal (tests/pty_app.py), plays the default scenario
(four runs on the spiral) with its budget raised to STEPS; one live change (`]`, lr × 2) is
made on the way, and `q` quits once every run has finished. Then the sizes of what it left
in a state and a data folder of its own: the session file (JSON), the checkpoint the
training process wrote at the quit (.npz), and the run history (SQLite, with its WAL).
`resume_s` is from launching `trainlab --resume` to the notice that the session is back,
paused at the step it had reached: a checkpoint, not a replay. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from pty_app import FIRST_FRAME, PtyApp  # noqa: E402


def sizes(state: Path, history: Path) -> dict[str, int]:
    folder = state / "sessions"
    (session,) = folder.glob("*.json")
    kept = json.loads(session.read_text(encoding="utf-8"))
    found = {
        "session_json_bytes": session.stat().st_size,
        "checkpoint_npz_bytes": (folder / kept["checkpoint"]).stat().st_size,
        "history_bytes": sum(
            path.stat().st_size for path in history.parent.glob(history.name + "*")
        ),
        "step": kept["step"],
        "events": len(kept["events"]),
    }
    with sqlite3.connect(history) as database:
        found["history_rows"] = database.execute("SELECT count(*) FROM runs").fetchone()[0]
    return found


def measure(steps: int) -> dict[str, float | int]:
    text = (ROOT / "presets" / "default.toml").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as place:
        folder = Path(place)
        preset = folder / "default-long.toml"
        preset.write_text(text.replace("steps = 600", f"steps = {steps}"), encoding="utf-8")
        state, history = folder / "state", folder / "data" / "history.sqlite3"
        env = {"TRAINLAB_STATE": str(state), "TRAINLAB_HISTORY": str(history)}

        def step() -> int:
            files = list((state / "sessions").glob("*.json"))
            return json.loads(files[0].read_text(encoding="utf-8"))["step"] if files else 0

        with PtyApp(str(preset), env=env) as app:
            app.wait_for_output(FIRST_FRAME)
            app.press(" ")
            app.wait_until(lambda: step() >= steps // 10, "training")
            app.press("]")
            app.wait_until(lambda: step() >= steps, "every run to finish")
            app.press("q")
            assert app.wait() == 0
        found = sizes(state, history)
        started = time.monotonic()
        with PtyApp("--resume", env=env) as app:
            app.wait_for_output(b"back at step")
            found["resume_s"] = round(time.monotonic() - started, 2)
            app.press("q")
            app.wait()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    found = measure(args.steps)
    found["load_average"] = round(os.getloadavg()[0], 2)
    if args.json:
        print(json.dumps(found))
        return
    for key, value in found.items():
        print(f"{key:<22} {value:>12,}" if isinstance(value, int) else f"{key:<22} {value:>12}")


if __name__ == "__main__":
    main()
