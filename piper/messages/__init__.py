"""Piper's replies: templates per intent and workflow result, and the humanizer for action names."""
