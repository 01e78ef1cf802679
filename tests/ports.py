"""A port for a server a test starts as a subprocess (`cocbot run`), safe when tests run in parallel."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A loopback port nobody else will be handed until the subprocess binds it.

    Binding port 0 and closing would free the port for the next `bind(0)` anywhere on the machine (another
    pytest-xdist worker, another test run) before the subprocess takes it. Instead the port is left in
    TIME_WAIT by one accepted connection: the kernel then skips it when choosing ports for others for about
    a minute, while a server that sets SO_REUSEADDR (aiohttp does, on POSIX) can still bind it.
    """
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = int(listener.getsockname()[1])
        with socket.create_connection(("127.0.0.1", port)) as client:
            accepted, _ = listener.accept()
            accepted.close()  # the accepting side closes first, so it is this port that waits
            client.recv(1)
    return port
