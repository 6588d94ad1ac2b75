"""Socket.IO namespaces: thin handlers over ``trainer.live``."""

from ..extensions import socketio
from ..live.announce import HOST_NS, PLAY_NS
from .base import on_unexpected_error
from .host import HostNamespace
from .play import PlayNamespace

_registered = False


def register() -> None:
    """Attach the namespaces to the shared SocketIO object once per process."""
    global _registered
    if _registered:
        return
    _registered = True
    socketio.on_namespace(HostNamespace(HOST_NS))
    socketio.on_namespace(PlayNamespace(PLAY_NS))
    socketio.on_error_default(on_unexpected_error)
