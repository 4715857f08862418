"""A throwaway PostgreSQL 15 cluster, made in a temporary directory and removed afterwards: the benchmarks fill one
(bench/run.py), the fault tests crash and restart one (ctims/tests/faults/)."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path

PGBIN = Path("/usr/lib/postgresql/15/bin")
# Settings for a disposable cluster: durability is not measured here (fsync off), the rest stays at the defaults
# a small production server would start from, except memory, which the defaults size for a 1990s machine.
SERVER_OPTIONS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "shared_buffers": "1GB",
    "max_connections": "100",
}


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now, chosen by the system."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """initdb, start, create databases, stop; as the `postgres` user when run as root (PostgreSQL refuses root).

    `options` override SERVER_OPTIONS (`shared_buffers="128MB"`). Between start() and stop() the server itself can be
    stopped (`stop_server("immediate")` is a crash) and started again on the same data with `start_server()`.
    """

    def __init__(self, port: int, **options: str):
        self.port = port
        self.overrides = options
        self.datadir: Path | None = None
        self.running = False

    def _run(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        command = [str(a) for a in args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kwargs)

    def start(self) -> None:
        if not (PGBIN / "initdb").exists():
            raise RuntimeError(f"{PGBIN / 'initdb'} is missing: install Debian's postgresql-15 package.")
        self.datadir = Path(tempfile.mkdtemp(prefix="ctims-pg."))
        if os.geteuid() == 0:
            shutil.chown(self.datadir, "postgres", "postgres")
        self.datadir.chmod(0o700)
        # --no-sync: nothing of a throwaway cluster needs to reach the disk (it halves initdb's time).
        self._run(
            PGBIN / "initdb", "-D", self.datadir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
            "--no-sync",
        )  # fmt: skip
        self.start_server()

    def start_server(self) -> None:
        """Starts the server on the cluster's data; after a crash it recovers first, and returns once it answers."""
        if _port_in_use(self.port):
            raise RuntimeError(f"port {self.port} is in use: choose another")
        options = " ".join(f"-c {name}={value}" for name, value in self.options.items())
        self._run(
            PGBIN / "pg_ctl", "-D", self.datadir, "-l", self.datadir / "server.log", "-w", "-t", "60", "-o", options,
            "start",
        )  # fmt: skip
        self.running = True

    def stop_server(self, mode: str = "fast") -> None:
        """pg_ctl stop: "fast" rolls back open transactions and closes connections; "immediate" is a crash."""
        self._run(PGBIN / "pg_ctl", "-D", self.datadir, "-m", mode, "-w", "stop", timeout=60)
        self.running = False

    @property
    def options(self) -> dict[str, str]:
        return {
            "port": str(self.port),
            "unix_socket_directories": str(self.datadir),
            **SERVER_OPTIONS,
            **self.overrides,
        }

    def psql(self, sql: str, database: str = "postgres") -> str:
        command = [PGBIN / "psql", "-X", "-q", "-At", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres"]
        command += ["-d", database, "-v", "ON_ERROR_STOP=1", "-c", sql]
        result = subprocess.run([str(a) for a in command], check=True, capture_output=True, text=True)
        return result.stdout.strip()

    def create_database(self, name: str, template: str | None = None) -> str:
        """Creates `name` (owned by the role `ctims`) and returns its DATABASE_URL."""
        if not self.psql("SELECT 1 FROM pg_roles WHERE rolname = 'ctims'"):
            self.psql("CREATE ROLE ctims LOGIN PASSWORD 'ctims' CREATEDB")
        clause = f" TEMPLATE {template}" if template else ""
        self.psql(f"CREATE DATABASE {name} OWNER ctims{clause}")
        return self.url(name)

    def url(self, name: str) -> str:
        return f"postgres://ctims:ctims@127.0.0.1:{self.port}/{name}"

    def version(self) -> str:
        return self.psql("SHOW server_version")

    def stop(self, mode: str = "fast") -> None:
        """Stops the server and removes its directory; safe to call twice or after a failed start. `mode` as for
        stop_server: "immediate" skips the shutdown checkpoint, which a cluster about to be deleted does not need."""
        if self.datadir is None:
            return
        if self.running:
            try:
                self.stop_server(mode)
            except (subprocess.SubprocessError, OSError):
                self._kill_postmaster()
            self.running = False
        shutil.rmtree(self.datadir, ignore_errors=True)
        self.datadir = None

    def _kill_postmaster(self) -> None:
        """The server we started, by the process id it wrote, when pg_ctl could not stop it."""
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((self.datadir / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGQUIT)


def _port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
