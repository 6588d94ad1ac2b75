"""Reading what a Socket.IO test client received, and asking with acks."""


def events(sock, namespace, name=None):
    """Everything received since the last call (draining it), optionally one event."""
    received = sock.get_received(namespace)
    return [e for e in received if name is None or e["name"] == name]


def last(sock, namespace, name):
    found = events(sock, namespace, name)
    assert found, f"no {name!r} received on {namespace}"
    return found[-1]["args"][0]


def ack(sock, namespace, event, payload=None):
    return sock.emit(event, payload if payload is not None else {}, namespace=namespace, callback=True)


def start_round(host):
    assert ack(host, "/host", "next") == {"ok": True}


def submit_all(phones, round_no=1):
    """Every phone sends "reply <i>"; the last one ends writing."""
    for i, phone in enumerate(phones):
        assert ack(phone, "/play", "submit", {"round": round_no, "text": f"reply {i}"})["ok"]
