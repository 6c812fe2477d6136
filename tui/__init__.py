"""trainlab's interface: the Textual app and the command line. It imports `presets` (the
scenarios) and `nn` (the training core); nothing imports it back.

- `app.py` wires the screens, the app-wide keys and the command palette; every key is in
  `keys.py`, every word in the catalogue (`i18n.py` over `locale/`).
- `screens/`: the main screen, help, the preset picker, the history and path dialogs.
- `widgets/`: one module a widget (runs table, setup form, caption, claims, footer, the
  chart tabs over `plot.py`, the Network tab); custom messages in `messages.py`.
- `training/`: the training process beside the interface (typed protocol, paced loop,
  replay) and the screen's one source of run configs (`intended.py`).
- `session.py`, `share.py`, `export.py`, `history.py`: nothing lost — the session on disk,
  shared as a preset file, exported, and the run history.
- `cli.py`, `commands/`: `trainlab`, `trainlab run`, `check`, `presets`, `history`.
"""
