"""Starting the server: the token rule (no token, loopback only) and uvicorn."""

from __future__ import annotations

import ipaddress
import logging
import socket
from typing import Optional

from ..errors import ConflictlensError

log = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    """True when every address `host` names is a loopback address (127.0.0.0/8, ::1)."""
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


def check_binding(host: str, token: Optional[str]) -> str:
    """The line to show at start; ConflictlensError for a non-loopback host without a token."""
    if token:
        return f"writing endpoints need 'Authorization: Bearer <token>' (CONFLICTLENS_TOKEN is set)"
    if not is_loopback(host):
        raise ConflictlensError(f"--host {host}: without CONFLICTLENS_TOKEN the server listens on loopback only "
                                f"(127.0.0.1); set CONFLICTLENS_TOKEN to serve other machines")
    return "no CONFLICTLENS_TOKEN set: writing endpoints are open, so the server listens on loopback only"


def check_port(host: str, port: int) -> None:
    """ConflictlensError when host:port cannot be listened on (in use, not an address of this machine)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ConflictlensError(f"--host {host}: {exc.strerror or exc}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise ConflictlensError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def serve(app, host: str, port: int, log_level: str = "info") -> None:
    """Run uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=log_level == "debug")
