"""CTIMS at scale, measured in one run (`make bench`; `python -m bench.run --quick` while developing).

A throwaway PostgreSQL 15 cluster; the `national` and `hub` synthetic data sets; queries per page at both scales;
latency of the main pages served by gunicorn on the hub data; the statistics step against hand-written SQL; the
plan import and bulk case import. Prints as it goes and writes bench/RESULTS.md. See bench/README.md.
"""

import argparse
import base64
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if not __package__:  # run as a file (python bench/run.py): import the bench package from the project root
    sys.path[0] = str(ROOT)

from bench import load, results  # noqa: E402
from lib.postgres import SERVER_OPTIONS, Cluster  # noqa: E402

# No step of a healthy run comes near this; a hung one is killed instead of holding the cluster forever.
STEP_TIMEOUT_SECONDS = 30 * 60


class Bench:
    def __init__(self, options: argparse.Namespace):
        self.options = options
        self.started = time.monotonic()
        self.workdir = Path(tempfile.mkdtemp(prefix="ctims-bench."))
        self.cluster = Cluster(options.pg_port)
        self.server: subprocess.Popen | None = None
        self.urls: dict[str, str] = {}
        self.found: dict = {"problems": []}
        # One set of keys for the whole run: what the generator encrypts, the server must decrypt.
        self.keys = {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "FIELD_HASH_KEY": secrets.token_urlsafe(32),
        }

    # Output and subprocesses --------------------------------------------------------------------------------

    def say(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:7.1f}s] {message}", flush=True)

    def env(self, database: str, *, debug: bool) -> dict[str, str]:
        return os.environ | self.keys | {
            "DJANGO_SETTINGS_MODULE": "ctims.settings",
            "DATABASE_URL": self.urls[database],
            "DEBUG": "true" if debug else "false",
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
            "HTTPS": "false",  # plain HTTP on 127.0.0.1: no redirect to https, no secure-only cookies
            "CONN_MAX_AGE": str(self.options.conn_max_age),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }  # fmt: skip

    def manage(self, database: str, *args: str, debug: bool = False) -> float:
        """Runs a management command, its output (progress bars) passed through; returns its duration."""
        start = time.perf_counter()
        command = [sys.executable, "manage.py", *args]
        subprocess.run(command, cwd=ROOT, env=self.env(database, debug=debug), check=True, timeout=STEP_TIMEOUT_SECONDS)
        return time.perf_counter() - start

    def task(self, name: str, database: str, *args: str, debug: bool = False) -> dict:
        """Runs a Django-side step (bench/task.py) and returns its JSON result."""
        out = self.workdir / f"{name}-{database}.json"
        command = [sys.executable, "-m", "bench.task", name, str(out), *args]
        subprocess.run(command, cwd=ROOT, env=self.env(database, debug=debug), check=True, timeout=STEP_TIMEOUT_SECONDS)
        return json.loads(out.read_text())

    # The steps ----------------------------------------------------------------------------------------------

    def run(self) -> int:
        options = self.options
        self.say(f"PostgreSQL: starting a throwaway cluster on 127.0.0.1:{options.pg_port}")
        self.cluster.start()
        self.found["postgres"] = self.cluster.version()
        self.found["postgres_options"] = SERVER_OPTIONS
        self.found["scales"] = {"national": options.scale_national, "hub": options.scale_hub}
        self.load_data()
        # Each measurement stands alone: one that fails is reported as a problem and the others still run.
        for step in (
            self.count_queries,
            self.measure_latency,
            self.compare_statistics,
            self.measure_report,
            self.count_report_queries,
            self.measure_imports,
        ):
            try:
                step()
            except (subprocess.SubprocessError, OSError, RuntimeError, KeyError, ValueError) as error:
                self.say(f"{step.__name__} failed: {error}")
                self.found["problems"].append(f"{step.__name__} failed: {error}")
        self.found["duration_seconds"] = time.monotonic() - self.started
        self.report()
        return 1 if self.found["problems"] else 0

    def load_data(self) -> None:
        timings = []
        for database, scale in (("national", self.options.scale_national), ("hub", self.options.scale_hub)):
            self.urls[database] = self.cluster.create_database(database)
            self.say(f"{database}: migrate")
            migrate = self.manage(database, "migrate", "--noinput", "-v", "0")
            if database == "national":
                # An empty, migrated copy for the plan import, taken before any data goes in.
                self.urls["plan"] = self.cluster.create_database("plan", template="national")
            self.say(f"{database}: generate_synthetic --scale {scale} --seed {self.options.seed}")
            generate = self.manage(database, "generate_synthetic", "--scale", scale, "--seed", str(self.options.seed))
            start = time.perf_counter()
            self.cluster.psql("ANALYZE", database)  # as autovacuum would soon after a bulk load
            analyze = time.perf_counter() - start
            counts = self.row_counts(database)
            self.say(f"{database}: migrate {migrate:.1f}s, generate {generate:.1f}s, analyze {analyze:.1f}s; {counts}")
            timings.append({"database": database, "scale": scale, "migrate": migrate, "generate": generate,
                            "analyze": analyze, "rows": counts})  # fmt: skip
        self.found["data"] = timings

    def row_counts(self, database: str) -> dict[str, int]:
        tables = {
            "cases": "cases_case",
            "services": "cases_assistanceservice",
            "progress reports": "monitoring_progressreport",
            "hotline calls": "hotline_call",
            "criminal cases": "prosecution_criminalcase",
        }
        counts = {}
        for label, table in tables.items():
            exists = self.cluster.psql(f"SELECT to_regclass('{table}') IS NOT NULL", database) == "t"
            counts[label] = int(self.cluster.psql(f"SELECT count(*) FROM {table}", database)) if exists else 0
        return counts

    def count_queries(self) -> None:
        counts = {}
        for database in ("national", "hub"):
            self.say(f"queries per page at {database} scale")
            counts[database] = self.task("queries", database, debug=True)["queries"]
        self.found["queries"] = counts
        self.say(f"  {'page':<22} {'national':>8} {'hub':>5}")
        for page, national in counts["national"].items():
            hub = counts["hub"][page]
            self.say(f"  {page:<22} {national:>8} {hub:>5}  {'equal' if national == hub else 'DIFFERENT'}")

    def measure_latency(self) -> None:
        self.say("latency: collectstatic, sessions, gunicorn")
        self.manage("hub", "collectstatic", "--noinput", "-v", "0")
        subjects = self.task("subjects", "hub")
        self.start_server()
        try:
            rows = [self.load_page(page) for page in subjects["pages"]]
        finally:
            self.stop_server()
        self.found["latency"] = {
            "rows": rows,
            "requests": self.options.requests,
            "concurrency": self.options.concurrency,
            "warmup": self.options.warmup,
            "workers": self.options.workers,
            "conn_max_age": self.options.conn_max_age,
        }
        failed = [row for row in rows if row["errors"]]
        for row in failed:
            self.found["problems"].append(f"{row['name']}: {len(row['errors'])} failed requests ({row['errors'][0]})")

    def load_page(self, page: dict) -> dict:
        accept = "application/json" if page["path"].startswith("/api/") else "text/html"
        headers = {"Cookie": page["cookie"], "Accept": accept, "Host": "127.0.0.1"}
        options = self.options
        result = load.run(
            "127.0.0.1", options.http_port, page["path"], headers,
            requests=options.requests, concurrency=options.concurrency, warmup=options.warmup,
        )  # fmt: skip
        row = {
            "name": page["name"],
            "path": page["path"],
            "median_ms": result.median_ms,
            "p95_ms": result.p95_ms,
            "per_second": result.per_second,
            "errors": sorted(set(result.errors)),
            "error_count": len(result.errors),
        }
        self.say(
            f"  {page['name']:<22} median {row['median_ms']:8.1f} ms  p95 {row['p95_ms']:8.1f} ms  "
            f"{row['per_second']:7.1f}/s  errors {row['error_count']}"
        )
        return row

    def start_server(self) -> None:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        command = [str(gunicorn), "ctims.wsgi", "--bind", f"127.0.0.1:{self.options.http_port}"]
        command += ["--workers", str(self.options.workers), "--no-control-socket", "--timeout", "120"]
        log = (self.workdir / "gunicorn.log").open("w")
        self.server = subprocess.Popen(command, cwd=ROOT, env=self.env("hub", debug=False), stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {(self.workdir / 'gunicorn.log').read_text()[-2000:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.options.http_port}/accounts/login/", timeout=5)
                return
            except urllib.error.HTTPError:
                return  # it answers
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def stop_server(self) -> None:
        if self.server is None:
            return
        self.server.terminate()
        try:
            self.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()
        self.server = None

    def compare_statistics(self) -> None:
        self.say("statistics against hand-written SQL (hub, best of 5)")
        self.found["statistics"] = self.task("statistics", "hub")["statistics"]
        self.check_against_sql(self.found["statistics"])

    def check_against_sql(self, rows: list[dict]) -> None:
        """Prints each comparison of bench.statistics_sql._compare; a result that differs is a problem of the run."""
        for row in rows:
            self.say(
                f"  {row['name']:<52} python {row['python_ms']:8.1f} ms  sql {row['sql_ms']:7.1f} ms  "
                f"ratio {row['ratio']:5.1f}  {'equal' if row['equal'] else 'NOT EQUAL'}"
            )
            if not row["equal"]:
                self.found["problems"].append(f"{row['name']} differs from SQL: {row['difference']}")

    def measure_report(self) -> None:
        """The annual report on the national-scale data (before the bulk case import adds to it)."""
        scales = self.found["scales"]
        database = next((name for name, scale in scales.items() if scale == "national"), "national")
        self.say(f"annual report on the {database} database ({scales[database]} scale; best of 3, SQL best of 5)")
        found = self.task("report", database) | {"database": database, "scale": scales[database]}
        self.found["report"] = found
        self.say(f"  year {found['year']}, the year with the most victims identified")
        for step in found["steps"]:
            self.say(f"  {step['name']:<58} {step['ms']:9.1f} ms  best of {step['runs']}  {step['note']}")
        for file in found["files"]:
            name = f"{file['format']}, {file['edition']} edition"
            pages = f", {file['pages']} pages" if file["pages"] else ""
            self.say(f"  {name:<58} {file['ms']:9.1f} ms  best of {file['runs']}  {file['bytes']:,} bytes{pages}")
        self.check_against_sql(found["victims"])

    def count_report_queries(self) -> None:
        # The count depends on the year (the reporting rounds in it and the year before), so both databases are
        # counted in one year: the busiest of the smaller.
        self.say("queries of report_build at both scales")
        national = self.task("report_queries", "national")
        year = national["year"]
        hub = self.task("report_queries", "hub", str(year))
        self.found["report_queries"] = {"year": year, "national": national["queries"], "hub": hub["queries"]}
        self.say(f"  {'year ' + str(year):<22} {'national':>8} {'hub':>5}")
        for edition, count in national["queries"].items():
            other = hub["queries"][edition]
            self.say(f"  {edition:<22} {count:>8} {other:>5}  {'equal' if count == other else 'DIFFERENT'}")

    def measure_imports(self) -> None:
        self.say("plan import into an empty database")
        self.found["plan_import"] = self.task("plan_import", "plan")
        self.say(f"  {self.found['plan_import']['summary']} in {self.found['plan_import']['seconds']:.2f}s")
        self.say(f"bulk case import: {self.options.rows} rows into national")
        found = self.task("case_import", "national", str(self.options.rows), str(self.workdir))
        self.found["case_import"] = found
        self.say(f"  {found['rows']} rows in {found['seconds']:.1f}s: {found['per_second']:.0f} rows/s")

    def report(self) -> None:
        self.found["machine"] = results.machine(self.found["postgres"])
        text = results.markdown(self.found)
        print("\n" + text, flush=True)
        if self.options.results:
            results.write(Path(self.options.results), text)
            self.say(f"wrote {self.options.results}")
        for problem in self.found["problems"]:
            self.say(f"PROBLEM: {problem}")
        self.say(f"done in {self.found['duration_seconds'] / 60:.1f} min")

    def close(self) -> None:
        self.stop_server()
        self.cluster.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="demo and national scales instead of national and hub")
    parser.add_argument("--scale-national", help="scale of the small data set (default: national; demo with --quick)")
    parser.add_argument("--scale-hub", help="scale of the large data set (default: hub; national with --quick)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-port", type=int, default=55435, help="port of the throwaway PostgreSQL (not 55432)")
    parser.add_argument("--http-port", type=int, default=55436, help="port gunicorn listens on")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--requests", type=int, default=100, help="measured requests per page")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight at once")
    parser.add_argument("--warmup", type=int, default=10, help="requests per page before measuring")
    parser.add_argument("--conn-max-age", type=int, default=60, help="CONN_MAX_AGE of the server, as in production")
    parser.add_argument("--rows", type=int, default=20_000, help="rows of the bulk case import")
    parser.add_argument("--results", help="file to write (default: bench/RESULTS.md, none with --quick)")
    options = parser.parse_args(argv)
    options.scale_national = options.scale_national or ("demo" if options.quick else "national")
    options.scale_hub = options.scale_hub or ("national" if options.quick else "hub")
    if options.results is None and not options.quick:
        options.results = str(ROOT / "bench" / "RESULTS.md")
    if options.pg_port == 55432:
        parser.error("55432 is CI's PostgreSQL port: choose another --pg-port")
    return options


def _exit_on_signal(signum, _frame):
    raise SystemExit(128 + signum)  # unwinds through the finally blocks, which stop the servers


def main(argv: list[str]) -> int:
    options = parse(argv)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _exit_on_signal)
    bench = Bench(options)
    try:
        return bench.run()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # let the clean-up finish
        bench.say("cleaning up: stopping gunicorn and PostgreSQL, removing their files")
        bench.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
