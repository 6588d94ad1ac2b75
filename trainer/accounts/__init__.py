"""Accounts: admins and trainers, and who may do what.

``users`` keeps accounts and passwords, counts failed sign-ins and makes
the one-time first-admin link; ``access`` says who may open, run or change
a session or the studio; ``messages`` holds the sentences for refusals.

May import ``trainer.models``, the plumbing, ``trainer.refusals`` and
public functions of ``trainer.live`` (tokens, finding a session); never the
edges (``sockets``, ``views``, ``cli``).
"""
