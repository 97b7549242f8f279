"""``piper chat``: a Textual chat on the Piper core.

Importing this package imports nothing from Textual, so the settings can
read :mod:`piper.tui.options` cheaply; :mod:`piper.tui.app` loads Textual.
"""
