"""The database engine's plumbing, not its rows (those are ``trainer.models``).

``schema`` upgrades any earlier database through the migrations,
``backup`` copies a live SQLite file, ``green`` makes psycopg wait
cooperatively under eventlet, ``pragmas`` sets SQLite up on connect, and
``ids`` reads a row id typed into a URL or form without trusting it.
Imports only the plumbing (``extensions``, ``paths``).
"""
