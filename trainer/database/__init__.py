"""The database engine's plumbing, not its rows (those are ``trainer.models``).

``schema`` upgrades any earlier database through the migrations,
``backup`` copies a live SQLite file, ``green`` makes psycopg wait
cooperatively under eventlet, and ``pragmas`` sets SQLite up on connect.
Imports only the plumbing (``extensions``, ``paths``).
"""
