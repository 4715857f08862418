"""A bounded load generator (standard library only): a fixed number of GET requests at a fixed concurrency.

Each worker thread keeps its own HTTP/1.1 connection (http.client reconnects by itself when the server closes it,
as gunicorn's sync workers do after each response). Every response must be 200; anything else is counted as an
error with its reason. The run stops by itself after the last request.
"""

import http.client
import math
import statistics
import threading
import time
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    requests: int
    concurrency: int
    seconds: float  # wall-clock time of the measured requests
    latencies: list[float] = field(default_factory=list)  # seconds, one per successful request
    errors: list[str] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else math.nan

    @property
    def p95_ms(self) -> float:
        """The nearest-rank 95th percentile."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return ordered[math.ceil(0.95 * len(ordered)) - 1] * 1000

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else math.nan


class _Tickets:
    """Hands out request numbers until `total` have been taken, so the threads together send exactly `total`."""

    def __init__(self, total: int):
        self.total, self.taken = total, 0
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.taken >= self.total:
                return False
            self.taken += 1
            return True


def run(
    host: str, port: int, path: str, headers: dict[str, str], *, requests: int, concurrency: int, warmup: int = 0
) -> LoadResult:
    """Sends `warmup` requests (not recorded), then `requests` recorded ones, `concurrency` at a time."""
    if warmup:
        _round(host, port, path, headers, requests=warmup, concurrency=concurrency)
    return _round(host, port, path, headers, requests=requests, concurrency=concurrency)


def _round(host: str, port: int, path: str, headers: dict[str, str], *, requests: int, concurrency: int) -> LoadResult:
    result = LoadResult(requests=requests, concurrency=concurrency, seconds=0.0)
    tickets = _Tickets(requests)
    lock = threading.Lock()

    def worker() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=120)
        try:
            while tickets.take():
                latency, error = _get(connection, path, headers)
                with lock:
                    if error is None:
                        result.latencies.append(latency)
                    else:
                        result.errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - start
    return result


def _get(connection: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> tuple[float, str | None]:
    """(latency in seconds, None) for a 200 whose body was read whole; (latency, reason) otherwise."""
    start = time.perf_counter()
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
    except (OSError, http.client.HTTPException) as error:
        connection.close()  # the next request opens a fresh connection
        return time.perf_counter() - start, f"{type(error).__name__}: {error}"
    latency = time.perf_counter() - start
    if response.status != 200:
        location = response.getheader("Location")
        return latency, f"HTTP {response.status}" + (f" to {location}" if location else "")
    return latency, None
