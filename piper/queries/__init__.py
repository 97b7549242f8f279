"""Read-only answers: the QueryRouter and its query services. Nothing here changes state."""
