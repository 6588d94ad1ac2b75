"""Languages outside a request: the catalogs compiled from their .po sources
(catalogs.py, which the wheel's build runs by path too) and what the command
line says in the terminal's language (terminal.py). Pages choose theirs in
views/language.py."""
