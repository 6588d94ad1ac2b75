"""Complaint decks: what a card is, deck files, the store and imports.

``rules`` says what makes a card and a deck valid and ``files`` reads and
writes CSV and JSON deck files, both plain Python (no Flask, no database);
``store`` keeps decks and cards in the database, ``imports`` turns an
uploaded file into a plan to confirm, ``shipped`` loads the decks in the
top-level ``decks/`` folder, and ``messages`` holds the studio's sentences.

May import ``trainer.models``, the plumbing and ``trainer.refusals``;
never the edges (``sockets``, ``views``, ``cli``).
"""
