"""What one client of the share server may use: open connections and requests, counted per
address (an IPv6 client per /64 network, the block one device gets), and the deadlines every
connection runs under. There is no budget for all clients together that strangers could spend:
the one ceiling on open connections (file handles) evicts the oldest connection still sending
its request head from the busiest address before it turns anyone away.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["ClientTable", "ShareLimits", "client_key"]


@dataclass(frozen=True)
class ShareLimits:
    """The numbers (README: "Store kiosk" and ``app share``)."""

    connections_per_client: int = 8
    """Open connections from one address (a phone's browser opens up to six)."""
    requests_per_client: int = 60
    """Requests one address may make at once; the allowance refills at ``request_rate``."""
    request_rate: float = 2.0
    """Requests per second one address may make over time."""
    head_timeout_s: float = 10.0
    """From connect (the TLS handshake included) to the end of the request head, in all:
    a header line now and then does not extend it."""
    body_timeout_s: float = 10.0
    """From the end of the head until an answer without a file (an error, the page) is sent
    and any request body the server does not want is read away, in all."""
    send_grace_s: float = 30.0
    """A file may take this long to send, plus its size at ``min_send_rate``."""
    min_send_rate: float = 50_000.0
    """Bytes per second."""
    max_connections: int = 512
    """Open connections in all (file handles), reached only by many addresses at once."""
    max_request_line: int = 2048
    max_header_field: int = 4096
    max_headers: int = 32

    def send_deadline_s(self, size: int) -> float:
        return self.send_grace_s + size / self.min_send_rate


def client_key(host: str) -> str:
    """The address limits are counted for: IPv4 as it is (an IPv4-mapped IPv6 address as its
    IPv4), IPv6 by its /64 network."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class Evictable(Protocol):
    opened_at: float
    head_received: bool

    def evict(self) -> None: ...

    def close_now(self) -> None: ...


@dataclass
class _Client:
    tokens: float
    updated: float
    connections: list[Evictable] = field(default_factory=list)


class ClientTable:
    """Open connections and request allowances per client. Used on the server's event loop
    only (no locking)."""

    def __init__(self, limits: ShareLimits, clock: Callable[[], float] = time.monotonic):
        self.limits = limits
        self.clock = clock
        self._clients: dict[str, _Client] = {}
        self.open_connections = 0

    def admit(self, key: str, connection: Evictable) -> bool:
        """Count ``connection`` for client ``key``; False (count nothing) when that client has
        its connections' worth open, or every connection is busy sending at the ceiling."""
        client = self._client(key)
        if len(client.connections) >= self.limits.connections_per_client:
            return False
        if self.open_connections >= self.limits.max_connections:
            victim = self._waiting_victim()
            if victim is None:
                return False
            victim.evict()
        client.connections.append(connection)
        self.open_connections += 1
        return True

    def release(self, key: str, connection: Evictable) -> None:
        client = self._clients.get(key)
        if client is not None and connection in client.connections:
            client.connections.remove(connection)
            self.open_connections -= 1

    def take_request(self, key: str) -> float:
        """Spend one request of ``key``'s allowance: 0.0, or the seconds until one is there
        again (nothing spent)."""
        client = self._client(key)
        if client.tokens >= 1.0:
            client.tokens -= 1.0
            return 0.0
        return (1.0 - client.tokens) / self.limits.request_rate

    def connections(self) -> list[Evictable]:
        """Every connection counted now."""
        return [c for client in self._clients.values() for c in client.connections]

    def prune(self) -> None:
        """Forget clients with nothing open and their allowance full again."""
        for key in [k for k, c in self._clients.items() if not c.connections]:
            if self._refill(self._clients[key]) >= self.limits.requests_per_client:
                del self._clients[key]

    def __len__(self) -> int:
        return len(self._clients)

    def _client(self, key: str) -> _Client:
        client = self._clients.get(key)
        if client is None:
            client = _Client(float(self.limits.requests_per_client), self.clock())
            self._clients[key] = client
        else:
            self._refill(client)
        return client

    def _refill(self, client: _Client) -> float:
        now = self.clock()
        client.tokens = min(float(self.limits.requests_per_client),
                            client.tokens + (now - client.updated) * self.limits.request_rate)
        client.updated = now
        return client.tokens

    def _waiting_victim(self) -> Evictable | None:
        """The oldest connection still sending its head, of the client with the most open."""
        best: Evictable | None = None
        best_count = 0
        for client in self._clients.values():
            waiting = [c for c in client.connections if not c.head_received]
            if waiting and len(client.connections) > best_count:
                best = min(waiting, key=lambda c: c.opened_at)
                best_count = len(client.connections)
        return best
