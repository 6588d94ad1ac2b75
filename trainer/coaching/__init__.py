"""What makes the game a training session: service criteria, presets, the debrief.

``criteria`` keeps the service standards a room awards (admin-editable, in
every language), ``presets`` the shipped and saved session settings, and
``debrief`` the model answers pinned to cards and each round's takeaway.

May import ``trainer.game``, ``trainer.models`` and the plumbing; never the
edges, and no other feature (``live`` uses this package, not the reverse).
"""
