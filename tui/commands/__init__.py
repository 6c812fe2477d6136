"""The headless commands: trainlab run, check and history (output tables and files)."""
