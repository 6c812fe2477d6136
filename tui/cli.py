"""The `trainlab` command: the app, or a headless `run` / `check`.

trainlab [PRESET_OR_CONFIG] [--lang ko]      open the app (default preset: "default")
trainlab --resume                             bring the last session back where it was
trainlab run PRESET_OR_CONFIG [--steps N | --epochs N] [--json FILE] [--csv FILE]
trainlab check [PRESET ...] [--json] [--seed S | --seeds N [--jobs J]]
trainlab [--lang ko] presets                  list the shipped presets (in Korean)

`run` and `check` speak English, whatever the language: their output is read by tools
and compared between machines.
trainlab history [--preset NAME] [--run NAME] [--since DATE] [--last N] [--status S] [--json]
trainlab history --show ID                    past runs, from the run history
"""

from __future__ import annotations

import argparse
import os
import sys

# Before NumPy loads: one BLAS thread, so the interface (and a second run) keep a core.
# Multi-threaded BLAS on a busy 2-core machine is many times slower on our matrix sizes.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

SUBCOMMANDS = ("run", "check", "presets", "history")


def app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trainlab",
        description="A terminal lab: watch the problems of training deep networks happen, "
        "and the cures work. Other commands: 'trainlab run', 'trainlab check', "
        "'trainlab presets', 'trainlab history' (each has --help).",
    )
    parser.add_argument(
        "target",
        nargs="?",
        metavar="PRESET_OR_CONFIG",
        help="a shipped preset's name (see 'trainlab presets'), a preset file (one saved "
        "from the app with ctrl+s too), or a run's config file (.toml); default: default",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="bring the last session back (the one most recently ended or cut off, not one "
        "open in another window) at the step it had reached, paused",
    )
    _lang_option(parser, "interface language", default=None)
    parser.epilog = (
        "Exit status: 0 after a clean quit, 2 for bad input (the message names the file and "
        "the field), 1 for an internal error, 128+N when signal N ended the app (129: the "
        "terminal hung up, 143: SIGTERM). Sessions are kept in $XDG_STATE_HOME/trainlab "
        "(default ~/.local/state/trainlab; $TRAINLAB_STATE points elsewhere)."
    )
    return parser


def _lang_option(parser: argparse.ArgumentParser, what: str, default: str | None = "en") -> None:
    from presets.texts import LANGUAGES

    parser.add_argument("--lang", choices=LANGUAGES, default=default, help=f"{what} (default: en)")


def presets_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trainlab presets",
        description="List the shipped presets: name, the lecture's section, a summary. "
        "Exit status: 0, or 2 if a shipped preset does not load.",
    )
    _lang_option(parser, "language of the sections and summaries")
    return parser


def run_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trainlab run",
        description="Train a preset or a config without a screen, then print a table per run. "
        "Exit status: 0 done, 2 bad input, 1 internal error.",
    )
    parser.add_argument("target", metavar="PRESET_OR_CONFIG")
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument("--steps", type=int, help="train every run for N updates")
    budget.add_argument("--epochs", type=float, help="train every run for N epochs")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--csv", metavar="FILE", help="also write every run's metric history")
    return parser


def check_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trainlab check",
        description="Play presets headless and check the lecture's claims. "
        "Exit status: 0 all pass, 1 a claim fails, 2 a bad preset.",
    )
    parser.add_argument("presets", nargs="*", metavar="PRESET", help="default: all of them")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    seeds = parser.add_mutually_exclusive_group()
    seeds.add_argument(
        "--seed", type=int, metavar="S", help="play every run with seed S instead of its own"
    )
    seeds.add_argument(
        "--seeds",
        type=int,
        metavar="N",
        help="play each preset with seeds 0 … N-1 and print each claim's pass rate "
        "(exit 1 if a claim passes for fewer than 90 %% of them)",
    )
    parser.add_argument(
        "--jobs", type=int, default=1, metavar="J", help="with --seeds: J presets at once"
    )
    return parser


def history_parser() -> argparse.ArgumentParser:
    from tui.history import ENV_VAR, STATUSES, default_path

    parser = argparse.ArgumentParser(
        prog="trainlab history",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="""\
The runs of earlier sessions, newest first, one line each: when, the scenario,
the run, what it was, how it ended, and its test accuracy (R² for a regression).
Every run that finishes or stops in the app is recorded.
Exit status: 0, or 2 for bad arguments or an unreadable history.""",
        epilog=f"""the history is kept in
  {default_path()}
  ($XDG_DATA_HOME/trainlab/history.sqlite3, default ~/.local/share/trainlab/;
  ${ENV_VAR} or --db points elsewhere)

examples:
  trainlab history --last 10
  trainlab history --preset dropout --since yesterday
  trainlab history --status diverged --json
  trainlab history --show 12""",
    )
    parser.add_argument(
        "--preset",
        metavar="NAME",
        help="runs of this scenario (a preset's name, or the path of a preset or config file)",
    )
    parser.add_argument("--run", metavar="NAME", help="runs of this name (e.g. relu-adam)")
    parser.add_argument(
        "--since",
        metavar="DATE",
        help="runs recorded since DATE: 2026-11-30, 2026-11-30T14:00, today, yesterday, "
        "or an age (3d, 12h, 2w)",
    )
    parser.add_argument("--last", type=int, metavar="N", help="only the N newest runs")
    parser.add_argument("--status", choices=STATUSES, help="runs that ended so")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the full records (config, live changes, metrics, curves) as JSON; "
        "null where a value is missing",
    )
    parser.add_argument("--show", type=int, metavar="ID", help="one run in detail")
    parser.add_argument(
        "--db", metavar="FILE", help="the history database to read (default: see below)"
    )
    return parser


def list_presets(lang: str = "en") -> int:
    """The shipped presets, a line each, in `lang`; one that does not load is named on
    stderr (exit 2), in English as every error of the command line."""
    from rich.cells import cell_len

    from presets import load_shipped
    from tui.i18n import localized

    def padded(text: str, width: int) -> str:  # in cells: a Korean syllable takes two
        return text + " " * max(0, width - cell_len(text))

    presets, problems = load_shipped()
    for preset in presets:
        section, summary = localized(preset.section, lang), localized(preset.summary, lang)
        print(f"{preset.name:<20} {padded(section, 28)} {summary}")
    for problem in problems:
        print(f"trainlab presets: {problem}", file=sys.stderr)
    return 2 if problems else 0


EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


def open_app(target: str | None, lang: str | None, resume: bool = False) -> int:
    """The app on `target` (or the last session: `resume`). Bad input is said on stderr,
    naming the file and the field (exit 2); anything else unexpected before the app shows
    is said too (exit 1); then the app's own exit status (see app_parser's epilog)."""
    from nn.config import ConfigError
    from nn.data import DataError
    from presets.loader import PresetError, load_scenario, located
    from tui.session import SessionError, SessionStore

    session = None
    try:
        if resume:
            if target is not None:
                print(
                    f"trainlab: --resume brings the last session back; it takes no preset "
                    f"(got {target!r})",
                    file=sys.stderr,
                )
                return EXIT_BAD_INPUT
            store = SessionStore()
            session = store.latest()
            for notice in store.notices:
                aside = notice.params.get("aside", "")
                print(f"trainlab: {notice}; set aside as {aside}", file=sys.stderr)
            if session is None:
                print(
                    f"trainlab: no session to resume in {store.folder} (one open in another "
                    "window is not taken)",
                    file=sys.stderr,
                )
                return EXIT_BAD_INPUT
            preset = session.scenario.preset()
            target = session.scenario.where
        else:
            target = target or "default"
            preset = load_scenario(target)
        # The user's own files are read before the app opens, so that a bad one is
        # reported here, as `trainlab run` does; shipped data loads in the background
        # once the app shows.
        dataset = preset.user_dataset()
        from tui.screens.main import check_stage  # Textual loads only when the app opens

        check_stage(preset)  # views of tabs the app lacks
    except (PresetError, DataError, ConfigError, SessionError) as error:
        print(f"trainlab: {located(error, target or '')}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 128 + 2
    except Exception as error:  # a bug of ours, not bad input: say so plainly
        print(f"trainlab: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_INTERNAL
    from tui.app import TrainlabApp  # Textual loads only when the app opens

    if lang is None:
        lang = session.lang if session is not None and session.lang in ("en", "ko") else "en"
    app = TrainlabApp(preset, lang=lang, dataset=dataset, session=session)
    app.run()
    return app.return_code or EXIT_OK


def main(argv: list[str] | None = None) -> int:
    try:
        code = _dispatch(sys.argv[1:] if argv is None else argv)
        sys.stdout.flush()  # here, not at exit: a closed pipe must surface in this `try`
        return code
    except BrokenPipeError:  # `trainlab presets | head`: the reader has all it wanted
        # Python would complain again when it flushes stdout at exit: point it elsewhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _dispatch(argv: list[str]) -> int:
    # `trainlab --lang ko presets`: a language given before the command goes with it
    before: list[str] = []
    if argv[:1] == ["--lang"]:
        before = argv[:2]
    elif argv[:1] and argv[0].startswith("--lang="):
        before = argv[:1]
    rest = argv[len(before) :]
    command = rest[0] if rest and rest[0] in SUBCOMMANDS else None
    if command is None:
        args = app_parser().parse_args(argv)
        return open_app(args.target, args.lang, resume=args.resume)
    argv = [command, *rest[1:], *before]
    if command == "run":
        from tui.commands.run import run_command

        args = run_parser().parse_args(argv[1:])
        return run_command(args.target, args.steps, args.epochs, args.json, args.csv)
    if command == "check":
        from tui.commands.check import check_command

        args = check_parser().parse_args(argv[1:])
        return check_command(
            args.presets, args.json, seed=args.seed, seeds=args.seeds, jobs=args.jobs
        )
    if command == "history":
        from tui.commands.history import history_command

        args = history_parser().parse_args(argv[1:])
        return history_command(
            db=args.db,
            preset=args.preset,
            run=args.run,
            since=args.since,
            last=args.last,
            status=args.status,
            show=args.show,
            as_json=args.json,
        )
    args = presets_parser().parse_args(argv[1:])
    return list_presets(args.lang or "en")


if __name__ == "__main__":
    sys.exit(main())
