"""Training beside the interface, in a process of its own.

    protocol.py   what the screen and the training process say: frozen dataclasses
    loop.py       the training process (no Textual): obeys commands, sends results
    trainer.py    the screen's handle on that process: starts it, relays its results
    intended.py   the runs' configs as the user means them, ahead of the process's answers

This package's own import stays empty, so the training process loads no Textual.
"""
