"""How each shipped preset plays to a student: its pace, the view it opens on, when each
caption comes and how long it stays, on the real app with the real clock.

    python bench/narration.py                      # every shipped preset, a table
    python bench/narration.py default dropout      # some of them
    python bench/narration.py --lang ko            # the captions' reading time in Korean

Each preset is opened in the app (headless, 120×40, in this process; its training process
runs as in `trainlab PRESET`) and played at once, as a student who presses space on
opening; nothing is pressed after that. The screen is looked at every 50 ms: which caption
is up (the narration's), the step, the chart tab. A caption's time on screen runs from the
moment it shows to the moment the next one does (the last: to its reading time, after the
runs are done). "point" is when the first caption that states what the runs do (one with a
condition, or else the last) comes up: when the preset's point is on screen, read from
pressing play. Wall-clock figures: the machine's load moves them (the load average is
printed); the pace and the reading times are what they measure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LOOK = 0.05  # seconds between looks at the screen
TIMEOUT = 240.0  # the longest a preset may play


async def play(name: str, lang: str) -> dict:
    from presets import load_preset
    from tui.app import TrainlabApp
    from tui.i18n import localized
    from tui.training.pace import MAX, level_for
    from tui.widgets.caption import Caption, reading_seconds
    from tui.widgets.charts_panel import ChartsPanel

    preset = load_preset(name)
    app = TrainlabApp(preset, lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.main_screen
        while screen.snapshot is None:
            await pilot.pause(LOOK)
        narration = screen.query_one(Caption).narration
        captions = preset.captions
        opened = screen.query_one(ChartsPanel).active_chart
        start = time.monotonic()
        await pilot.press("space")
        shown: list[tuple[int, float, int]] = []  # (caption, seconds since play, step)
        while time.monotonic() - start < TIMEOUT:
            now = time.monotonic() - start
            if narration.index is not None and (not shown or shown[-1][0] != narration.index):
                shown.append((narration.index, now, screen.step))
            after = range(-1 if narration.index is None else narration.index, len(captions))
            waiting = any(narration.due(index) for index in after[1:])
            if screen.done and not narration.reading_left(lang) and not waiting:
                break  # the runs are done and the last caption due has been read
            await pilot.pause(LOOK)
        ended = time.monotonic() - start
    rows = []
    for place, (index, at, step) in enumerate(shown):
        until = shown[place + 1][1] if place + 1 < len(shown) else None
        if until is None:  # the last: its reading time (it stays up after that too)
            until = max(at, 0.0) + reading_seconds(localized(captions[index].text, lang))
        rows.append({"caption": index + 1, "at_s": at, "step": step, "on_screen_s": until - at})
    conditioned = [i for i, caption in enumerate(captions) if caption.when is not None]
    point = conditioned[0] if conditioned else len(captions) - 1
    point_at = next((at for index, at, _ in shown if index == point), float("nan"))
    pace = level_for(preset.pace)
    return {
        "preset": name,
        "pace": "max" if pace == MAX else f"{pace:g}",
        "view": opened + (f" ({preset.view.run})" if preset.view and preset.view.run else ""),
        "point_s": point_at,
        "played_s": ended,
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("presets", nargs="*", help="shipped preset names (default: all)")
    parser.add_argument("--lang", default="en", choices=("en", "ko"))
    args = parser.parse_args()
    from presets import preset_names

    names = args.presets or preset_names()
    print(f"load average at start {[round(x, 2) for x in os.getloadavg()]} · lang {args.lang}")
    print(f"{'preset':<20}{'pace':>5}  {'opens on':<24}{'point':>7}  captions: at s (step) → on s")
    for name in names:
        result = asyncio.run(play(name, args.lang))
        captions = "  ".join(
            f"{row['caption']}: {row['at_s']:.1f} ({row['step']}) → {row['on_screen_s']:.1f}"
            for row in result["rows"]
        )
        print(
            f"{result['preset']:<20}{result['pace']:>5}  {result['view']:<24}"
            f"{result['point_s']:>6.1f}s  {captions}",
            flush=True,
        )
    print(f"load average at end {[round(x, 2) for x in os.getloadavg()]}")


if __name__ == "__main__":
    main()
