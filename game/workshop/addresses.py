"""Which addresses the room can use to reach this machine, and one-line reasons a port cannot be opened."""

from __future__ import annotations

import errno
import socket

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def machine_addresses() -> list[str]:
    """This machine's IPv4 addresses that others on the network can reach (best guess, no extra packages)."""
    found: list[str] = []

    def add(addr: str) -> None:
        if addr and not addr.startswith(("127.", "169.254.", "0.")) and addr not in found:
            found.append(addr)

    # The address the default route leaves from (a UDP "connect" sends no packet).
    for probe in ("10.255.255.255", "192.0.2.1"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect((probe, 9))
                add(s.getsockname()[0])
        except OSError:
            pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            add(str(info[4][0]))
    except OSError:
        pass
    return found


def share_urls(host: str, port: int, public_url: str | None) -> list[str]:
    """The addresses to tell the room, best first."""
    suffix = "" if port == 80 else f":{port}"
    if public_url:
        return [public_url.rstrip("/")]
    if host in ("0.0.0.0", "", "::"):
        return [f"http://{a}{suffix}" for a in machine_addresses()]
    shown = f"[{host}]" if ":" in host else host
    return [f"http://{shown}{suffix}"]


def local_url(host: str, port: int) -> str:
    """The address the facilitator's own browser uses (the room screen)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else (f"[{host}]" if ":" in host else host)
    return f"http://{shown}" + ("" if port == 80 else f":{port}")


def bind_error(exc: OSError, host: str, port: int) -> str:
    code = getattr(exc, "errno", None)
    if code == errno.EADDRINUSE:
        return (
            f"port {port} is already in use on {host}: stop the other server, "
            f"or pick another port with --port {port + 1 if port < 65535 else 8000}"
        )
    if code == errno.EACCES:
        return f"not allowed to listen on port {port} (ports below 1024 need root): try --port 8000"
    if code in (errno.EADDRNOTAVAIL,) or isinstance(exc, socket.gaierror):
        return f"cannot listen on {host!r}: this machine has no such address (try --host 0.0.0.0)"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
