"""The share server under load over loopback: 200 concurrent clients fetching the GLB
(requests per second, p50 and p99 latency), then one good client's latency while slow sockets
trickle header lines at the server (a slowloris attack).

The server runs in a child process (its own interpreter, as in `app share`), the clients in this
one. Each client connects from its own loopback address (127.0.1.x, as phones on a LAN each have
their own), the attackers from 127.0.0.2 and up, the good client from 127.0.0.1, visiting like a
phone (the page, then the GLB, once a second). A request counts as answered when its status is
200 and the whole body arrived; refused or reset connections, other statuses and timeouts count
as failed (the JSON says which). The share's own request limit is lifted so that the load test
measures speed; every other limit is the server's default.

    .venv/bin/python bench/share_server.py [--clients 200] [--per-client 5] [--glb-mb 2]
        [--slow-sockets 64] [--attackers 8] [--trickle 2] [--attack-seconds 20]
        [--good-every 1] [--out bench/results/share_server.json]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import inspect
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STILL = REPO / "tests" / "reference_images" / "mug_white_hero.png"
CLIENT_TIMEOUT_S = 15.0


def serve(glb_mb: float) -> int:
    """The child process: one share of a GLB and a still; prints where; serves until stdin
    closes."""
    sys.path.insert(0, str(REPO))
    from app.export.share_server import ShareServer

    options = {"max_requests_per_share": 10**9}
    if "max_requests_total" in inspect.signature(ShareServer).parameters:
        options["max_requests_total"] = 10**9  # the server before issue 16 had one
    with tempfile.TemporaryDirectory() as work:
        glb = Path(work) / "model.glb"
        glb.write_bytes(b"glTF" + bytes(int(glb_mb * 1_000_000)))
        with ShareServer("0.0.0.0", 0, public_host="127.0.0.1", **options) as server:
            share = server.add_share({"model.glb": glb, "still.png": STILL}, minutes=60)
            print(json.dumps({"port": server.server_address[1], "token": share.token,
                              "glb_bytes": glb.stat().st_size}), flush=True)
            sys.stdin.read()
    return 0


async def fetch(port: int, path: str, source: str, expect_bytes: int
                ) -> tuple[float | None, str]:
    """Seconds for one GET (connect to the last body byte), None when it failed; and what
    happened: the status, "refused", "reset", "short" (body cut) or "timeout"."""
    start = time.perf_counter()
    writer = None
    try:
        async with asyncio.timeout(CLIENT_TIMEOUT_S):
            reader, writer = await asyncio.open_connection("127.0.0.1", port,
                                                           local_addr=(source, 0))
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         "Connection: close\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            status = head[9:12].decode("ascii", "replace")
            if status != "200":
                return None, status
            received = 0
            while chunk := await reader.read(256 * 1024):
                received += len(chunk)
            if received < expect_bytes:
                return None, "short"
    except ConnectionRefusedError:
        return None, "refused"
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        return None, "reset"
    except TimeoutError:
        return None, "timeout"
    finally:
        if writer is not None:
            writer.close()
    return time.perf_counter() - start, "200"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def load(port: int, path: str, clients: int, per_client: int, size: int) -> dict:
    async def client(i: int) -> list[tuple[float | None, str]]:
        source = f"127.0.{1 + i // 250}.{1 + i % 250}"
        return [await fetch(port, path, source, size) for _ in range(per_client)]

    start = time.perf_counter()
    results = [r for row in await asyncio.gather(*(client(i) for i in range(clients)))
               for r in row]
    seconds = time.perf_counter() - start
    times = [t for t, _ in results if t is not None]
    total = clients * per_client
    return {"requests": total, "answered": len(times), "seconds": seconds,
            "outcomes": dict(collections.Counter(outcome for _, outcome in results)),
            "rps": len(times) / seconds,
            "p50_ms": 1000 * percentile(times, 0.5) if times else None,
            "p99_ms": 1000 * percentile(times, 0.99) if times else None}


async def slow_socket(port: int, source: str, trickle: float, stop: asyncio.Event,
                      counts: dict) -> None:
    """Sends a request line, then one header line every ``trickle`` seconds, never the blank
    line that ends the head; connects again whenever the server closes it."""
    while not stop.is_set():
        writer = None
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port,
                                                           local_addr=(source, 0))
            counts["connections"] += 1
            writer.write(b"GET / HTTP/1.1\r\n")
            n = 0
            while not stop.is_set():
                await writer.drain()
                try:
                    async with asyncio.timeout(trickle):
                        if await reader.read(1024) == b"":
                            break  # the server hung up
                except TimeoutError:
                    pass
                n += 1
                writer.write(b"X-Slow-%d: v\r\n" % n)
        except OSError:
            pass
        finally:
            if writer is not None:
                writer.close()
        await asyncio.sleep(0.1)


async def attack(port: int, args, paths: dict[str, tuple[str, int]]) -> dict:
    stop = asyncio.Event()
    counts = {"connections": 0}
    attackers = [asyncio.create_task(slow_socket(
        port, f"127.0.0.{2 + i % args.attackers}", args.trickle, stop, counts))
        for i in range(args.slow_sockets)]
    await asyncio.sleep(1.0)  # every slow socket connected and trickling
    good: dict[str, list[tuple[float | None, str]]] = {name: [] for name in paths}
    deadline = time.perf_counter() + args.attack_seconds
    while time.perf_counter() < deadline:
        for name, (path, size) in paths.items():
            good[name].append(await fetch(port, path, "127.0.0.1", size))
        await asyncio.sleep(args.good_every)
    stop.set()
    await asyncio.gather(*attackers, return_exceptions=True)
    summary = {"slow_connections_made": counts["connections"]}
    for name, row in good.items():
        times = [t for t, _ in row if t is not None]
        summary[name] = {"requests": len(row), "answered": len(times),
                         "outcomes": dict(collections.Counter(outcome for _, outcome in row)),
                         "p50_ms": 1000 * statistics.median(times) if times else None,
                         "max_ms": 1000 * max(times) if times else None}
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--per-client", type=int, default=5)
    parser.add_argument("--glb-mb", type=float, default=2.0)
    parser.add_argument("--slow-sockets", type=int, default=64)
    parser.add_argument("--attackers", type=int, default=8, help="addresses of the attack")
    parser.add_argument("--trickle", type=float, default=2.0,
                        help="seconds between a slow socket's header lines")
    parser.add_argument("--attack-seconds", type=float, default=20.0)
    parser.add_argument("--good-every", type=float, default=1.0,
                        help="seconds between the good client's visits (page, then GLB)")
    parser.add_argument("--out", type=Path,
                        default=REPO / "bench" / "results" / "share_server.json")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.glb_mb)

    child = subprocess.Popen([sys.executable, __file__, "--serve", "--glb-mb", str(args.glb_mb)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(child.stdout.readline())
        port, token = info["port"], info["token"]
        glb = (f"/s/{token}/model.glb", info["glb_bytes"])
        page = (f"/s/{token}/", 1)
        loaded = asyncio.run(load(port, glb[0], args.clients, args.per_client, glb[1]))
        attacked = asyncio.run(attack(port, args, {"page": page, "model.glb": glb}))
    finally:
        child.stdin.close()
        child.wait(timeout=30)

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}"

    rows = [
        (f"GLB, {args.clients} concurrent clients", f"{loaded['rps']:.1f}", "requests/s"),
        ("  answered", f"{loaded['answered']}/{loaded['requests']}", "requests"),
        ("  p50 latency", ms(loaded["p50_ms"]), "ms"),
        ("  p99 latency", ms(loaded["p99_ms"]), "ms"),
        (f"{args.slow_sockets} slow sockets from {args.attackers} addresses",
         str(attacked["slow_connections_made"]), "connections made"),
    ]
    for name in ("page", "model.glb"):
        row = attacked[name]
        rows += [(f"  good {name} answered", f"{row['answered']}/{row['requests']}", "requests"),
                 (f"  good {name} p50 latency", ms(row["p50_ms"]), "ms"),
                 (f"  good {name} max latency", ms(row["max_ms"]), "ms")]
    print(f"{'measure':44} {'value':>12}  unit")
    for label, value, unit in rows:
        print(f"{label:44} {value:>12}  {unit}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "machine": platform.platform(), "python": platform.python_version(),
        "settings": {k: v for k, v in vars(args).items() if k not in ("out", "serve")},
        "load": loaded, "slow_socket_attack": attacked,
    }, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
