"""Load harness: ``make bench PHONES=1000`` (see bench/README.md).

It starts the real server (``python wsgi.py``, eventlet, as shipped) in a
subprocess and drives simulated phones, python-socketio asyncio clients
spread over worker processes, through whole sessions, then prints what it
measured as a Markdown table and writes the same figures as JSON.
"""
