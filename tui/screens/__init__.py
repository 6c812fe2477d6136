"""The app's screens: main (the lab bench), help, the preset picker, and the history
and path dialogs."""
