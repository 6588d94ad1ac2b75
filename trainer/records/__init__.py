"""Sessions as a record a training lead can use, after the podium.

Session reports and their exports (``reports``, ``exports``), teams and
their members' progress (``teams``, ``charts``), the best-replies library
with each database's own full-text search (``library``), how long sessions
are kept (``retention``), and the sentences for refused changes
(``messages``). Like every feature, these load rows from ``trainer.models``
and may use ``trainer.game``, ``trainer.coaching`` and the plumbing, never
the edges.
"""
