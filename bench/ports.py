"""Ports for the servers the bench and the live tests start, below the kernel's ephemeral range.

Asking the kernel for port 0 hands out a port from the ephemeral range, the
one it also hands to outgoing connections. Between the probe and the
server's own bind, a worker's connection to PostgreSQL or Redis, or a
phone's to nginx, may take that very port, and the server dies with
"Address already in use" (a two-worker test failed in CI so). Ports below
the range are never given to outgoing connections: each is probed, and
handed out once per process.
"""

from __future__ import annotations

import itertools
import os
import socket
import threading

FIRST = 20000


def _ephemeral_start() -> int:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as ranges:
            return int(ranges.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


_LIMIT = max(FIRST + 1000, _ephemeral_start())
# Each process starts at its own place in the range, so two test runs side by side seldom probe the same ports.
_next = itertools.count(FIRST + (os.getpid() * 37) % (_LIMIT - FIRST))
_lock = threading.Lock()


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int = 1) -> int:
    """A port p with p … p+count-1 all free on 127.0.0.1, none of them handed out before by this process."""
    with _lock:
        for _ in range(_LIMIT - FIRST):
            base = FIRST + (next(_next) - FIRST) % (_LIMIT - FIRST)
            if base + count > _LIMIT:
                continue
            if all(_free(port) for port in range(base, base + count)):
                for _ in range(count - 1):
                    next(_next)
                return base
    raise RuntimeError(f"no {count} free ports in a row below {_LIMIT}")


def free_port() -> int:
    return free_ports(1)
