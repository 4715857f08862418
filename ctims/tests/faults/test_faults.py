"""Faults against PostgreSQL: a bulk import killed half-way, the database restarted under a running server, two
decisions on one report or one referral at the same moment.

The tests start a PostgreSQL 15 cluster of their own (lib.postgres): the suite's database cannot be crashed under the
other tests. One database is migrated and seeded once (steps.prepare); each test works on a copy of it. CTIMS runs in
processes of its own against that copy, with DEBUG off and the test settings (static files from the finders, so that
no collectstatic is needed; the middleware and the database settings are production's).
"""

import contextlib
import dataclasses
import http.cookiejar
import itertools
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from bench.case_file import write_case_file
from cases.services import REFERRAL_ALREADY_ANSWERED
from ctims.middleware import UNAVAILABLE_DETAIL
from ctims.testing import PASSWORD
from lib.postgres import Cluster, free_port
from monitoring.services import NOT_EDITABLE

ROOT = Path(__file__).resolve().parents[3]
SEEDED = "seeded"
IMPORT_ROWS = 6000  # six batches of the importer: a few seconds of writing
UNAVAILABLE_PAGE = "The service is temporarily unavailable"
# What a clean error never shows: a traceback, an exception's name, SQL, where the database is.
LEAKS = ("Traceback", "Error", "Exception", "psycopg", "SELECT", "INSERT", "UPDATE", "127.0.0.1:")


def django_env(url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ctims.settings_test",
        "DATABASE_URL": url,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "false",
        "CONN_MAX_AGE": "60",  # as .env.example: a worker keeps its connection between requests
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def run(url: str, *command: str) -> None:
    result = subprocess.run(
        [sys.executable, *command], cwd=ROOT, env=django_env(url), capture_output=True, text=True, timeout=300
    )
    if result.returncode:
        pytest.fail(f"{' '.join(command)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")


@pytest.fixture(scope="class")
def cluster():
    cluster = Cluster(free_port(), shared_buffers="128MB")
    try:
        cluster.start()
        url = cluster.create_database(SEEDED)
        run(url, "-m", "ctims.tests.faults.steps", "prepare")
        yield cluster
    finally:
        cluster.stop("immediate")


@contextlib.contextmanager
def superuser(cluster: Cluster, database: str):
    """A connection as `postgres`, outside CTIMS: to look at tables, locks and other sessions."""
    with psycopg.connect(
        host="127.0.0.1", port=cluster.port, user="postgres", dbname=database, autocommit=True
    ) as connection:
        yield connection


def wait_for(condition, what: str, *, timeout: float = 60, process: subprocess.Popen | None = None):
    """Polls `condition` until it returns something true, and returns that; fails after `timeout` seconds, or as
    soon as `process` has ended."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if process is not None and process.poll() is not None:
            pytest.fail(f"still waiting for {what}, but the process ended (status {process.returncode})")
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(0.01)
    return value


def snapshot(db) -> dict[str, tuple[int, str]]:
    """Every table: its number of rows and a checksum of their contents."""
    tables = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").fetchall()
    query = sql.SQL("SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {} AS t")
    return {name: db.execute(query.format(sql.Identifier(name))).fetchone() for (name,) in tables}


def tuples(db, table: str) -> tuple[int, int]:
    """(live, dead) row versions of `table`, live counting those of transactions still open (pgstattuple)."""
    return db.execute("SELECT tuple_count, dead_tuple_count FROM pgstattuple(%s)", [table]).fetchone()


def session_of(db, application_name: str) -> tuple | None:
    """(pid, transaction id) of the session a process opened with PGAPPNAME=application_name; the transaction id
    is there once its open transaction has written."""
    query = "SELECT pid, backend_xid FROM pg_stat_activity WHERE application_name = %s"
    return db.execute(query, [application_name]).fetchone()


# Over HTTP -----------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Answer:
    status: int
    content_type: str
    body: str


class _Unredirected(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is the answer itself (a form saved), not a page to go on to


class Browser:
    """One user's cookies over plain HTTP, shared by the threads that send requests as that user."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _Unredirected)

    def request(self, method: str, path: str, form: dict | None = None) -> Answer:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        try:
            with self.opener.open(request, timeout=60) as response:
                return Answer(response.status, response.headers.get_content_type(), response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers.get_content_type(), error.read().decode())

    def csrf_token(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def sign_in(self, username: str) -> None:
        self.request("GET", "/accounts/login/")
        form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf_token()}
        assert self.request("POST", "/accounts/login/", form).status == 302, "sign-in failed"


class Server:
    """gunicorn serving CTIMS on `url` as production runs it, with one sync worker, so that the process holding a
    database connection across a restart is always the one that answers next."""

    def __init__(self, url: str, log: Path):
        self.url, self.log = url, log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        command = [Path(sys.executable).parent / "gunicorn", "ctims.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", "1", "--no-control-socket"]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=django_env(self.url), stdout=log, stderr=log)
        wait_for(self._answers, "gunicorn to answer", process=self.process)
        return self

    def _answers(self) -> bool:
        try:
            return Browser(self.base).request("GET", "/accounts/login/").status == 200
        except OSError:
            return False

    def workers(self) -> set[int]:
        return set(map(int, Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()))

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclasses.dataclass
class Sent:
    kind: str
    started: float
    answer: Answer
    topic: str = ""


TOPIC_NUMBERS = itertools.count()
SUCCESS = {"page": 200, "api": 200, "post": 302}


def send(browser: Browser, kind: str) -> Sent:
    """One request of `kind`: a page, an API list, or a form that records a training (the entry and its audit event
    in one transaction)."""
    started = time.monotonic()
    if kind == "page":
        return Sent(kind, started, browser.request("GET", "/prevention/trainings/"))
    if kind == "api":
        return Sent(kind, started, browser.request("GET", "/api/trainings/"))
    topic = f"Fault drill {next(TOPIC_NUMBERS)}"
    form = {"held_on": "2015-03-02", "topic": topic, "audience": "police", "women": "3", "men": "2"}
    answer = browser.request("POST", "/prevention/trainings/new/", form | {"csrfmiddlewaretoken": browser.csrf_token()})
    return Sent(kind, started, answer, topic)


class Traffic:
    """Threads sending pages, API lists and forms as one user, one request after another each, until stopped."""

    def __init__(self, browser: Browser, threads: int = 3):
        self.browser = browser
        self.sent: list[Sent] = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._send, args=(n,)) for n in range(threads)]

    def _send(self, number: int) -> None:
        kinds = itertools.islice(itertools.cycle(SUCCESS), number, None)
        while not self.stopping.is_set():
            self.sent.append(send(self.browser, next(kinds)))

    def answered_since(self, moment: float) -> int:
        return sum(sent.started > moment for sent in self.sent)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join()


def assert_normal(sent: Sent) -> None:
    assert sent.answer.status == SUCCESS[sent.kind], f"{sent.kind}: {sent.answer.status} {sent.answer.body[:300]}"


def assert_unavailable(sent: Sent) -> None:
    """A clean error: 503, our short page or a JSON detail, nothing of the failure itself."""
    answer = sent.answer
    assert answer.status == 503, f"{sent.kind}: {answer.status} {answer.body[:300]}"
    if sent.kind == "api":
        assert answer.content_type == "application/json"
        assert json.loads(answer.body) == {"detail": str(UNAVAILABLE_DETAIL)}
    else:
        assert answer.content_type == "text/html"
        assert UNAVAILABLE_PAGE in answer.body
    assert not [leak for leak in LEAKS if leak in answer.body], answer.body


# Two decisions at once ------------------------------------------------------------------------------------------


class Contender:
    """A process that makes one decision when told (steps.contend); its database session is named after it."""

    def __init__(self, url: str, decision: str, name: str, *, hold: bool = False):
        self.name = name
        command = [sys.executable, "-m", "ctims.tests.faults.steps", decision, *(["hold"] if hold else [])]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=django_env(url, PGAPPNAME=name), stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.unread = b""

    def tell(self) -> None:
        self.process.stdin.write(b"\n")
        self.process.stdin.flush()

    def says(self, timeout: float = 60) -> str:
        """The next line the process writes."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.unread:
            if not select.select([self.process.stdout], [], [], max(0, deadline - time.monotonic()))[0]:
                pytest.fail(f"{self.name} said nothing within {timeout} s")
            chunk = os.read(self.process.stdout.fileno(), 4096)
            if not chunk:
                pytest.fail(f"{self.name} ended without a word (status {self.process.wait()})")
            self.unread += chunk
        line, self.unread = self.unread.split(b"\n", 1)
        return line.decode()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stdin.close()
        self.process.stdout.close()


def blocking_pids(db, application_name: str) -> list[int]:
    row = db.execute(
        "SELECT pg_blocking_pids(pid) FROM pg_stat_activity WHERE application_name = %s", [application_name]
    ).fetchone()
    return row[0] if row else []


def race(cluster: Cluster, database: str, first_decision: str, second_decision: str) -> tuple[str, str]:
    """Two processes decide on the same row at the same moment, in a fixed order: the first decides and keeps its
    transaction open; the second is told to decide and is seen waiting for the first one's lock; then the first
    commits. Returns what each said: "decided", or "refused: " and the message a user would see."""
    url = cluster.url(database)
    first = Contender(url, first_decision, "ctims-first", hold=True)
    second = Contender(url, second_decision, "ctims-second")
    try:
        assert (first.says(), second.says()) == ("ready", "ready")
        first.tell()
        first_said = first.says()
        assert first_said == "decided", f"the first decision failed: {first_said}"
        with superuser(cluster, database) as db:
            first_pid = session_of(db, "ctims-first")[0]
            second.tell()
            wait_for(lambda: blocking_pids(db, "ctims-second") == [first_pid], "the second to wait for the first")
        first.tell()
        assert first.process.wait(timeout=60) == 0
        return first_said, second.says()
    finally:
        first.close()
        second.close()


# The tests ------------------------------------------------------------------------------------------------------


class TestFaultsOnPostgres:
    def test_a_bulk_import_killed_half_way_leaves_every_table_as_before(self, cluster, tmp_path):
        """import_cases writes all its rows in one transaction, by batches of 1,000. It is killed (SIGKILL) once that
        open transaction has written half of the cases: pgstattuple counts uncommitted rows too. Afterwards every
        table holds exactly the rows it held before, and the cases written are there only as dead row versions."""
        database = "import_killed"
        url = cluster.create_database(database, template=SEEDED)
        cases = tmp_path / "cases.csv"
        write_case_file(cases, IMPORT_ROWS)
        command = [sys.executable, "manage.py", "import_cases", cases, "--actor", "carol", "--no-progress"]
        command += ["--owner", "Hope Support Union"]
        with superuser(cluster, database) as db:
            db.execute("CREATE EXTENSION pgstattuple")
            before = snapshot(db)
            live_before, dead_before = tuples(db, "cases_case")
            importer = subprocess.Popen(command, cwd=ROOT, env=django_env(url, PGAPPNAME="ctims-import"))
            try:
                half = IMPORT_ROWS // 2
                wait_for(lambda: tuples(db, "cases_case")[0] >= live_before + half, "half the cases", process=importer)
                _pid, transaction_id = session_of(db, "ctims-import")
                assert transaction_id is not None, "the import's transaction has written"
                importer.send_signal(signal.SIGKILL)
            finally:
                importer.kill()
                importer.wait()
            assert importer.returncode == -signal.SIGKILL
            wait_for(lambda: session_of(db, "ctims-import") is None, "the server to end the import's session")

            assert snapshot(db) == before
            live, dead = tuples(db, "cases_case")
            assert live == live_before
            assert dead - dead_before >= half

    def test_a_database_restart_gets_clean_503s_and_the_same_server_recovers(self, cluster, tmp_path):
        """Bob (a focal point) reads pages and the API and records trainings through gunicorn while PostgreSQL is
        stopped and started again, as a crash ("immediate") and as an orderly stop ("fast"). Each stop comes once
        between two requests (the worker's kept connection is dead: the next request must notice and reconnect)
        and once while requests are under way. While the database is down every answer is a clean 503; once it is
        back the same worker process answers normally; each training was saved with its audit event, or not at
        all, and the audit trail's chain is intact."""
        database = "served"
        url = cluster.create_database(database, template=SEEDED)
        sent: list[Sent] = []
        try:
            with Server(url, tmp_path / "gunicorn.log") as server:
                browser = Browser(server.base)
                browser.sign_in("bob")
                workers = server.workers()
                for mode in ("immediate", "fast"):
                    sent += self.assert_all_answer_normally(browser)

                    cluster.stop_server(mode)
                    cluster.start_server()
                    sent += self.assert_all_answer_normally(browser)

                    sent += self.stop_under_traffic(cluster, browser, mode)
                    for kind in SUCCESS:
                        request = send(browser, kind)
                        assert_unavailable(request)
                        sent.append(request)

                    cluster.start_server()
                    sent += self.assert_all_answer_normally(browser)
                assert server.workers() == workers, "the worker that answered first answered throughout"
        finally:
            if not cluster.running:
                cluster.start_server()  # for the tests that follow
        self.assert_each_training_saved_whole(cluster, database, sent)
        run(url, "manage.py", "verify_audit")

    @staticmethod
    def assert_each_training_saved_whole(cluster: Cluster, database: str, sent: list[Sent]) -> None:
        """Each training is saved with its audit event or not at all; each one acknowledged (302) is saved."""
        with superuser(cluster, database) as db:
            saved = dict(
                db.execute(
                    "SELECT t.topic, count(e.sequence) FROM prevention_training t LEFT JOIN audit_auditevent e"
                    " ON e.action = 'trainings.create' AND e.object_id = t.id::text GROUP BY t.topic"
                ).fetchall()
            )
            orphans = db.execute(
                "SELECT count(*) FROM audit_auditevent e WHERE e.action = 'trainings.create'"
                " AND NOT EXISTS (SELECT 1 FROM prevention_training t WHERE t.id::text = e.object_id)"
            ).fetchone()[0]
        posted = {request.topic for request in sent if request.kind == "post"}
        acknowledged = {request.topic for request in sent if request.kind == "post" and request.answer.status == 302}
        assert set(saved.values()) == {1}, "each training saved has one audit event"
        assert orphans == 0, "no audit event without its training"
        assert acknowledged <= set(saved) <= posted

    @staticmethod
    def stop_under_traffic(cluster: Cluster, browser: Browser, mode: str) -> list[Sent]:
        """Stops the server while three threads send requests; each answer is normal or a clean 503, and every
        request sent after the stop is a clean 503."""
        with Traffic(browser) as traffic:
            wait_for(lambda: len(traffic.sent) >= 6, "answers before the stop")
            cluster.stop_server(mode)
            stopped = time.monotonic()
            wait_for(lambda: traffic.answered_since(stopped) >= 6, "answers after the stop")
        for request in traffic.sent:
            if request.started > stopped or request.answer.status != SUCCESS[request.kind]:
                assert_unavailable(request)
        return traffic.sent

    @staticmethod
    def assert_all_answer_normally(browser: Browser) -> list[Sent]:
        answers = [send(browser, kind) for kind in SUCCESS]
        for request in answers:
            assert_normal(request)
        return answers

    def test_a_report_submitted_twice_at_once_is_submitted_once(self, cluster):
        """report_submit locks the report's row (select_for_update) and only then reads its status. The second
        submission waits for the first one's lock, then reads "submitted" and is refused with the usual message.

        Without the lock the second would have read "draft" (the first one's change is not visible before its
        commit), passed every check, waited only at its UPDATE, and then submitted the report a second time: two
        "submitted" transitions, and "decided" instead of the refusal below."""
        database = "report_race"
        cluster.create_database(database, template=SEEDED)
        first, second = race(cluster, database, "submit", "submit")
        assert first == "decided"
        assert second == f"refused: {NOT_EDITABLE.format(status='submitted')}"
        with superuser(cluster, database) as db:
            transitions = db.execute(
                "SELECT from_status, to_status FROM monitoring_reporttransition ORDER BY id"
            ).fetchall()
            logged = db.execute(
                "SELECT count(*) FROM auditlog_logentry WHERE changes::jsonb -> 'status' ->> 1 = 'submitted'"
            ).fetchone()[0]
        assert transitions == [("draft", "submitted")]
        assert logged == 1

    def test_a_referral_accepted_and_declined_at_once_is_answered_once(self, cluster):
        """referral_answer locks the referral's row and reads its state after the lock. Dan accepts and, at the same
        moment, declines: the decline waits for the acceptance's lock, then finds the referral answered.

        Without the lock the decline would have read "pending", waited only at its UPDATE, and then overwritten the
        acceptance: a referral declined after it was accepted, and two answers in the audit trail."""
        database = "referral_race"
        cluster.create_database(database, template=SEEDED)
        first, second = race(cluster, database, "accept", "decline")
        assert first == "decided"
        assert second == f"refused: {REFERRAL_ALREADY_ANSWERED}"
        with superuser(cluster, database) as db:
            referral = db.execute("SELECT state, answer_reason FROM cases_referral").fetchall()
            answers = db.execute(
                "SELECT action FROM audit_auditevent WHERE action IN ('referral.accepted', 'referral.declined')"
            ).fetchall()
        assert referral == [("accepted", "")]
        assert answers == [("referral.accepted",)]
