"""Django's SQLite backend with writers of one process queued on a lock (see base.py)."""
