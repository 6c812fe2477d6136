"""The main screen's widgets, one module each; the chart tabs share plot.py's Chart."""
