"""A session in play: everything between "Host a session" and the podium.

Creating and joining (``sessions``, ``tokens``), rounds and drafts
(``rounds``, ``drafts``), ballots and votes (``voting``), what each screen
redraws from (``snapshots``), telling the rooms (``announce``), who is
connected (``presence``), ending a phase once everyone is done
(``early_end``), closing overdue phases (``sweeper``), the optional
rude-word filter (``profanity``), limits on repeated tries (``throttle``)
and the sentences for every rule a player can break (``messages``).

These modules load rows, ask ``trainer.game`` what the rules say, store the
answer and announce it. They may import ``trainer.game``, ``trainer.models``
and the plumbing (``extensions``, ``clock``, ``paths``); never the edges
(``sockets``, ``views``, ``cli``).
"""
