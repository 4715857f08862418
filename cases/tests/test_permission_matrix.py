"""Need-to-know on the case pages, as a matrix: every role × own / other organisation × referral state × every page
and POST endpoint of cases/urls.py (the API has its own tests).

The rule (cases/rules.py): case workers and identification officers see the cases their organisation owns and the
cases it accepted on referral; the Coordinator sees cases pseudonymised (reference code, no identifier); system
administrators and everyone else see nothing. A refused request changes nothing, and the case it asked for shows in
no list and no count.
"""

import datetime
import itertools
import json
import re

from auditlog.models import LogEntry
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse

from accounts.models import User, role_group
from accounts.roles import Role
from audit.models import AuditEvent
from cases import urls as case_urls
from cases import views
from cases.care import facility_create, placement_open
from cases.forms import AssessmentForm, ConsentForm, DecideForm, ExtendForm, ReferralForm, StatusForm
from cases.models import Facility, Person
from cases.protection import risk_assess
from cases.services import case_change_status, consent_record, referral_answer, referral_send
from cases.tests.base import CaseTestCase
from ctims.testing import make_user

TODAY = datetime.date.today()
NOWHERE = "00000000-0000-4000-8000-000000000000"  # a uid no case has
READS = ("case.read", "case.read_pseudonymised", "case.open")

# The cases (each one a column of the matrix):
#   base      CaseTestCase's case (Aynur Quliyeva, registered by Carol): Carol's NGO's, never referred
#   dan_ok    Carol's NGO's, referred to Dan's NGO, which accepted
#   dan_no    Carol's NGO's, referred to Dan's NGO, which declined
#   dan_wait  Carol's NGO's, referred to Dan's NGO, not answered yet
#   mia_ok    Carol's NGO's, referred to the MIA Main Department (Ivan and Paul), which accepted
#   dans      Dan's NGO's own case
#   mias      the MIA Main Department's own case, registered by Paul
# What each user gets:
#   F  the full page, identifiers included; every action reaches the case
#   P  the pseudonymised page: no identifier; every action refused (403 or 404)
#   N  404 for the page and for every action; the case is in no list and no count
#   R  no role that handles cases: refused before any case is looked up, with the same answer as for a reference
#      that does not exist (so nothing about the case leaks)
#   r  the same as R, on the case page only: their refusal does not depend on the case, so each of these users tries
#      the actions on some of the cases (R), and each case gets the actions from one of them (keeps the run short)
#   L  anonymous: sent to the login page
# Cora is Carol's colleague (she did not register the cases, so she states a reason first); Dan is a case worker of
# another NGO; Ivan the identification officer of the competent body (Paul, his colleague, registered `mias`); Alice
# the Coordinator; Bob a focal point; Olga an observer; Sam the system administrator; Eve has no role.
MATRIX_TABLE = """
           base dan_ok dan_no dan_wait mia_ok dans mias
carol      F    F      F      F        F      N    N
cora       F    F      F      F        F      N    N
dan        N    F      N      N        N      F    N
ivan       N    N      N      N        F      N    F
alice      P    P      P      P        P      P    P
bob        R    R      r      r        r      r    r
olga       r    r      R      R        r      r    r
sam        r    r      r      r        R      R    r
eve        r    r      r      r        r      r    R
anonymous  L    L      L      L        L      L    L
"""
_header, *_rows = (line.split() for line in MATRIX_TABLE.strip().splitlines())
MATRIX = {name: dict(zip(_header, levels, strict=True)) for name, *levels in _rows}
PEOPLE = {  # distinctive identifiers, one person per case
    "base": ("Aynur", "Quliyeva"),
    "dan_ok": ("Leyla", "Orujova"),
    "dan_no": ("Nigar", "Sadigova"),
    "dan_wait": ("Ulviyya", "Hasanli"),
    "mia_ok": ("Kamala", "Bagirova"),
    "dans": ("Tarana", "Nabiyeva"),
    "mias": ("Fidan", "Zeynalova"),
}
# The referral of each referred case: to whom, and the answer (None: pending).
REFERRALS = {"dan_ok": ("other_ngo", True), "dan_no": ("other_ngo", False), "dan_wait": ("other_ngo", None)}
REFERRALS["mia_ok"] = ("main_department", True)
# The referral inbox: the cases waiting for each user's organisation, or the refusal.
INBOX = {"carol": [], "cora": [], "dan": ["dan_wait"], "ivan": [], "alice": 403}
INBOX |= {"bob": 403, "olga": 403, "sam": 403, "eve": 403, "anonymous": "L"}
# Pages that are not one case: GET status per user (case workers / Coordinator / no case role / anonymous).
OTHER_PAGES = {
    "cases-create": {"F": 200, "P": 403, "R": 403, "L": "L"},
    "cases-facilities": {"F": 200, "P": 200, "R": 403, "L": "L"},
}

# Every POST endpoint on a case: its URL arguments and a valid form for it (refused users get a valid form, so that
# the refusal can only come from need-to-know; users who may act get an empty one, which changes nothing).
ACTIONS = {
    "cases-status": (StatusForm, {}, lambda o: {"to_status": "not_identified", "reason": "Should be refused."}),
    "cases-assess": (AssessmentForm, {}, lambda o: {"profile": "adult_labour", "present": ["DR-01", "DR-02"]}),
    "cases-consent": (ConsentForm, {}, lambda o: {"purpose": "referral", "given": "on", "given_on": TODAY}),
    "cases-refer": (ReferralForm, {}, lambda o: {"to_organisation": o["outside_org"], "services": "Shelter"}),
    "cases-period-extend": (
        ExtendForm,
        {"period_id": "period"},
        lambda o: {"new_end": TODAY + datetime.timedelta(days=120), "reason": "Should be refused."},
    ),
    "cases-period-decide": (DecideForm, {"period_id": "period"}, lambda o: {"decision": "cooperates"}),
}
CARE = {  # cases-care/<action>/
    "service": lambda o: {"kind": "medical", "provider": o["ngo"], "starts_on": TODAY},
    "placement": lambda o: {"facility": o["shelter"]},
    "discharge": lambda o: {"placement": o["placement"], "reason": "Should be refused."},
    "risk": lambda o: {"level": "high", "assessed_on": TODAY, "active": "on"},
    "risk-off": lambda o: {"risk": o["risk"], "reason": "Should be refused."},
    "guardian": lambda o: {"kind": "guardian", "name": "Rashad Guliyev", "appointed_on": TODAY},
    "notification": lambda o: {"authority": "guardianship_authority", "notified_on": TODAY},
    "best-interest": lambda o: {"return_safe": "on", "assessed_on": TODAY},
    "age": lambda o: {"age": 30, "method": "documents", "reason": "Should be refused."},
    "hand-over": lambda o: {"to_organisation": o["outside_org"], "reason": "Should be refused."},
    "outcome": lambda o: {"area": "housing", "status": "achieved"},
    "follow-up": lambda o: {"on": TODAY},
    "enrolment": lambda o: {"enrolled_on": TODAY, "school_kind": "general", "region": "Baku"},
    "measure": lambda o: {"kind": "police_protection", "body": o["ngo"], "starts_on": TODAY},
}
PAGES = {"cases-list", "cases-create", "cases-referrals", "cases-facilities", "cases-referral-answer", "cases-detail"}


def database_state() -> dict:
    """Every row of every table of the cases app, and the audit trail but its reads."""
    state = {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in apps.get_app_config("cases").get_models()
    }
    state["audit"] = list(AuditEvent.objects.exclude(action__in=READS).values_list("sequence", "action"))
    return state


class PermissionMatrixTests(CaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.cora = make_user("cora", cls.ngo, Role.CASE_WORKER)
        cls.shelter = facility_create(actor=cls.carol, organisation=cls.ngo, name="Matrix", region="Baku", capacity=20)
        cls.cases, cls.identifiers, cls.objects, cls.referrals = {"base": cls.case}, {}, {}, {}
        for n, (tag, (given, family)) in enumerate(PEOPLE.items(), start=1):
            number, phone, address = f"AZE{n}4{n}7{n}9{n}", f"+994 55 {n}{n}{n} 4{n} 7{n}", f"{n}{n} Nizami street"
            person = {"given_name": given, "family_name": family, "documents": f"Passport {number}", "phone": phone}
            person["address"] = address
            if tag == "base":  # CaseTestCase's case: its person gets the same kinds of identifiers as the others
                base = Person.objects.get(pk=cls.case.person_id)
                for field, value in person.items():
                    setattr(base, field, value)
                base.save()
            else:
                owner = {"dans": cls.dan, "mias": cls.paul}.get(tag, cls.carol)
                dob = datetime.date(1990 + n, 3, n)
                cls.cases[tag] = cls.new_case(actor=owner, date_of_birth=dob, year_of_birth=dob.year, **person)
            cls.identifiers[tag] = [given, family, number, phone, address]
        for tag, case in cls.cases.items():
            owner = case.created_by
            case_change_status(case=case, actor=owner, to_status="presumed", reason="Indicators met.")
            cls.objects[tag] = {  # the records of the case that some actions name, and organisations
                "period": case.reflection_periods.get().pk,
                "placement": placement_open(case=case, actor=owner, facility=cls.shelter).pk,
                "risk": risk_assess(case=case, actor=owner, level="high", assessed_on=TODAY).pk,
                "shelter": cls.shelter.pk,
                "ngo": cls.ngo.pk,
                "outside_org": cls.outside_org.pk,
            }
        for tag, (to, accept) in REFERRALS.items():
            case, to_organisation = cls.cases[tag], getattr(cls, to)
            consent_record(case=case, actor=cls.carol, purpose="referral", given=True, given_on=TODAY)
            referral = referral_send(
                case=case, actor=cls.carol, to_organisation=to_organisation, services=f"Shelter for {tag}"
            )
            if accept is not None:
                answerer = cls.dan if to_organisation == cls.other_ngo else cls.ivan
                referral_answer(referral=referral, actor=answerer, accept=accept, reason="" if accept else "No place.")
            cls.referrals[tag] = referral
        for case in cls.cases.values():
            case.refresh_from_db()

    # Helpers.

    def sign_in(self, username: str):
        self.unknown_answers = {}  # answers for a case that does not exist, by request (see assertRefused)
        if username == "anonymous":
            self.client.logout()
            return None
        user = getattr(self, username)
        self.login(user)
        return user

    def assertLoginRedirect(self, response):
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts-login")), response["Location"])

    def assertNoIdentifier(self, response, tags=None):
        """No identifier of any of the cases `tags` (all by default) is in the response."""
        content = response.content.decode()
        for tag in tags or self.identifiers:
            for identifier in self.identifiers[tag]:
                self.assertFalse(identifier in content, f"{tag}'s identifier {identifier!r} is in the page")

    def assertForbidden(self, response):
        self.assertEqual(response.status_code, 403)

    def assertRefused(self, response, level: str, nowhere: str, method: str = "post"):
        """404 (N), 403 or 404 (P), or (R) the answer the same request gets for a case that does not exist (`nowhere`),
        itself 403 or 404."""
        if level == "L":
            self.assertLoginRedirect(response)
        elif level == "N":
            self.assertEqual(response.status_code, 404)
        elif level == "P":
            self.assertIn(response.status_code, (403, 404))
        else:  # R
            self.assertIn(response.status_code, (403, 404))
            if "/cases/NRM-" in nowhere:  # a page about one case: "anyone else gets 404", whatever the role
                self.assertEqual(response.status_code, 404)
            key = (method, re.sub(r"\d+", "#", nowhere))  # the same for any case and record that does not exist
            if key not in self.unknown_answers:
                self.unknown_answers[key] = getattr(self.client, method)(nowhere).status_code
            self.assertEqual(response.status_code, self.unknown_answers[key], "not the answer for no case")
        self.assertNotIn("cases/case_detail.html", [t.name for t in response.templates])

    def request(self, method: str, url: str, data=None):
        """The response; a request that is refused, or sends an empty form, writes nothing to the database."""
        with CaptureQueriesContext(connection) as queries:
            response = getattr(self.client, method)(url, data or {})
        writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
        self.assertEqual(writes, [], f"{method.upper()} {url} wrote to the database")
        return response

    def check_posts(self, username: str, tag: str, level: str, care, core: bool = True):
        """POSTs to the case `tag`'s endpoints (the six core ones with `core`, and the care actions `care`): refused
        ones carry a valid form, so that only need-to-know can refuse them; users who may act send an empty form,
        which reaches the case and changes nothing."""
        case, o = self.cases[tag], self.objects[tag]
        urls = []
        for name, (_form, kwargs, data) in ACTIONS.items() if core else ():
            urls.append((reverse(name, kwargs={"uid": case.uid} | {k: o[v] for k, v in kwargs.items()}), data))
        urls += [(reverse("cases-care", args=[case.uid, action]), CARE[action]) for action in care]
        for url, data in urls:
            with self.subTest(user=username, case=tag, url=url, level=level):
                if level == "F":  # reaches the case: the empty form is refused with a message
                    self.assertRedirects(
                        self.request("post", url), case.get_absolute_url(), fetch_redirect_response=False
                    )
                else:
                    response = self.request("post", url, data(o))
                    self.assertRefused(response, level, url.replace(str(case.uid), NOWHERE))
                    self.assertNoIdentifier(response)

    def check_case_page(self, user, tag: str, level: str):
        """GET the case page, and POST a reason to open it: refused, pseudonymised or full, as `level` says."""
        case = self.cases[tag]
        url = case.get_absolute_url()
        level = level.upper()
        if level in "NRL":
            nowhere = url.replace(str(case.uid), NOWHERE)
            for method, data in (("get", None), ("post", {"reason": "Just looking."})):
                response = self.request(method, url, data)
                self.assertRefused(response, level, nowhere, method)
                self.assertNoIdentifier(response)
            if user is not None:
                reads = AuditEvent.objects.filter(actor=user, object_type="cases.case", object_id=str(case.pk))
                self.assertFalse(reads.filter(action__in=READS).exists(), "a refused read was recorded as done")
            return
        response = self.client.get(url)
        if case.created_by_id != user.pk:  # a reason first, and nothing of the person before it
            self.assertTemplateUsed(response, "cases/read_reason.html")
            self.assertNoIdentifier(response)
            reason = self.client.post(url, {"reason": "Permission matrix check."})
            self.assertRedirects(reason, url, fetch_redirect_response=False)
            response = self.client.get(url)
        self.assertTemplateUsed(response, "cases/case_detail.html")
        self.assertContains(response, case.reference)
        self.assertEqual((response.context["full"], response.context["can_change"]), (level == "F", level == "F"))
        if level == "F":
            for identifier in self.identifiers[tag]:
                self.assertContains(response, identifier)
            self.assertNoIdentifier(response, [other for other in self.identifiers if other != tag])
        else:
            self.assertContains(response, "Pseudonymised view")
            self.assertNoIdentifier(response)
            self.assertNotContains(response, f'action="{url}')  # no action form

    # The matrix.

    def test_every_user_gets_each_case_page_and_action_as_the_matrix_says(self):
        """Each cell: the case page (GET, and POST of a reason to open it), the six core actions and one care action
        (in turn, so that each is tried by several users and levels; the next test tries all of them)."""
        before, care = database_state(), itertools.cycle(CARE)
        for username, row in MATRIX.items():
            user = self.sign_in(username)
            for tag, level in row.items():
                with self.subTest(user=username, case=tag, url=self.cases[tag].get_absolute_url(), level=level):
                    self.check_case_page(user, tag, level)
                if level != "r":
                    self.check_posts(username, tag, level, care=[next(care)])
            with self.subTest(user=username):  # and, row by row, nothing changed
                after = database_state()
                self.assertEqual(after, before, "a refused request changed the database")
            before = after  # so that a change fails its own row only

    def test_every_care_action_is_refused_like_the_others(self):
        """The care view picks the action by its name, then checks the case like every other action: every care
        action, for users of each level (including a pending and a declined referral)."""
        before = database_state()
        cells = [("carol", "base"), ("dan", "dan_wait"), ("dan", "dan_no"), ("alice", "mia_ok"), ("sam", "dan_ok")]
        for username, tag in [*cells, ("anonymous", "dans")]:
            self.sign_in(username)
            self.check_posts(username, tag, MATRIX[username][tag].upper(), care=CARE, core=False)
        self.assertEqual(database_state(), before, "a refused request changed the database")

    def test_the_case_list_holds_and_counts_only_the_cases_each_user_may_see(self):
        for username, row in MATRIX.items():
            self.sign_in(username)
            visible = {tag for tag, level in row.items() if level in "FP"}
            owners = {self.cases[tag].owner_id for tag in visible}
            filters = [
                {},
                {"status": "potential"},
                {"form": "forced_labour"},
                {"child": "no"},
                {"per_page": 1, "page": 2},
            ]
            filters += [{"owner": org.pk} for org in (self.ngo, self.other_ngo)]
            for params in filters if visible else filters[:1]:
                with self.subTest(user=username, url=reverse("cases-list"), params=params):
                    response = self.client.get(reverse("cases-list"), params)
                    if not visible:  # no case role: the list is refused as a whole
                        (self.assertLoginRedirect if username == "anonymous" else self.assertForbidden)(response)
                        continue
                    expected = {tag for tag in visible if self.cases[tag].status == params.get("status", "presumed")}
                    if params.get("owner") in owners:  # an owner of no visible case is not a valid choice
                        expected = {tag for tag in expected if self.cases[tag].owner_id == params["owner"]}
                    page = response.context["page"]
                    self.assertEqual(page.paginator.count, len(expected))
                    shown = {case.reference for case in page.object_list}
                    if "per_page" in params:
                        self.assertEqual(len(shown), min(1, len(expected)))
                        self.assertLessEqual(shown, {self.cases[tag].reference for tag in expected})
                    else:
                        self.assertEqual(shown, {self.cases[tag].reference for tag in expected})
                    for tag in set(self.cases) - visible:
                        self.assertNotContains(response, self.cases[tag].reference)
                    self.assertNoIdentifier(response)  # the list never shows a name, even to the owner

    # Not one case: the referral inbox and its answer, recording a case, the facilities.

    def test_the_referral_inbox_shows_waiting_referrals_by_reference_and_services_only(self):
        for username, expected in INBOX.items():
            self.sign_in(username)
            with self.subTest(user=username, url=reverse("cases-referrals")):
                response = self.client.get(reverse("cases-referrals"))
                if expected == "L":
                    self.assertLoginRedirect(response)
                    continue
                if expected == 403:
                    self.assertForbidden(response)
                    continue
                page = response.context["page"]
                self.assertEqual(
                    [r.case.reference for r in page.object_list], [self.cases[t].reference for t in expected]
                )
                self.assertEqual(page.paginator.count, len(expected))
                for tag in expected:
                    self.assertContains(response, f"Shelter for {tag}")
                for tag in set(self.cases) - set(expected):
                    self.assertNotContains(response, self.cases[tag].reference)
                self.assertNoIdentifier(response)

    def test_only_the_receiving_organisation_answers_a_referral_and_an_answered_one_stays_answered(self):
        before = database_state()
        pending, declined, to_mia = self.referrals["dan_wait"], self.referrals["dan_no"], self.referrals["mia_ok"]
        nowhere = reverse("cases-referral-answer", args=[NOWHERE])
        refusals = [(username, pending, level) for username, level in self.referral_answer_levels().items()]
        refusals += [("dan", to_mia, "N"), ("dan", declined, "answered"), ("dan", self.referrals["dan_ok"], "answered")]
        for username, referral, level in refusals:
            self.sign_in(username)
            url = reverse("cases-referral-answer", args=[referral.uid])
            for answer in ({"answer": "accept"}, {"answer": "decline", "reason": "Not ours."}):
                with self.subTest(user=username, url=url, answer=answer["answer"]):
                    response = self.request("post", url, answer)
                    if level == "answered":
                        self.assertRedirects(response, reverse("cases-referrals"), fetch_redirect_response=False)
                    else:
                        self.assertRefused(response, level, nowhere)
                    self.assertEqual(database_state(), before, "a refused answer changed the database")
        # The declined and the pending referral still give Dan nothing; accepting the pending one gives him the case.
        self.sign_in("dan")
        for tag in ("dan_no", "dan_wait"):
            self.assertEqual(self.client.get(self.cases[tag].get_absolute_url()).status_code, 404)
        self.assertEqual(self.client.get(reverse("cases-list")).context["page"].paginator.count, 2)
        case = self.cases["dan_wait"]
        response = self.client.post(reverse("cases-referral-answer", args=[pending.uid]), {"answer": "accept"})
        self.assertRedirects(response, case.get_absolute_url(), fetch_redirect_response=False)
        self.client.post(case.get_absolute_url(), {"reason": "We accepted the referral."})
        self.assertContains(self.client.get(case.get_absolute_url()), "Hasanli")
        self.assertEqual(self.client.get(reverse("cases-list")).context["page"].paginator.count, 3)

    @staticmethod
    def referral_answer_levels() -> dict:
        """Who may not answer a referral to Dan's NGO: case workers elsewhere (404), the others (403), anonymous."""
        levels = {"carol": "N", "cora": "N", "ivan": "N", "alice": "R", "anonymous": "L"}
        return levels | {"bob": "R", "olga": "R", "sam": "R", "eve": "R"}

    def test_pages_that_are_not_one_case_show_no_case(self):
        for url_name, statuses in OTHER_PAGES.items():
            for username, row in MATRIX.items():
                kind = "F" if "F" in row.values() else next(iter(row.values())).upper()
                self.sign_in(username)
                with self.subTest(user=username, url=reverse(url_name)):
                    response = self.client.get(reverse(url_name))
                    if statuses[kind] == "L":
                        self.assertLoginRedirect(response)
                        continue
                    self.assertEqual(response.status_code, statuses[kind])
                    for case in self.cases.values():
                        self.assertNotContains(response, case.reference, status_code=response.status_code)
                    self.assertNoIdentifier(response)
        facility = {"kind": "shelter", "name": "Not theirs", "region": "Baku", "capacity": 5}
        for username, status in (("alice", 403), ("bob", 403), ("sam", 403)):  # only case workers add facilities
            self.sign_in(username)
            with self.subTest(user=username, url=reverse("cases-facilities"), method="post"):
                self.assertEqual(self.client.post(reverse("cases-facilities"), facility).status_code, status)
                self.assertFalse(Facility.objects.filter(name="Not theirs").exists())

    def test_a_record_of_another_case_cannot_be_reached_through_a_case_one_may_change(self):
        """Dan works on his own case; Carol's case's period, placement and risk stay out of his reach through it."""
        before = database_state()
        theirs, own = self.objects["base"], self.cases["dans"]
        self.sign_in("dan")
        for url in (
            reverse("cases-period-extend", args=[own.uid, theirs["period"]]),
            reverse("cases-period-decide", args=[own.uid, theirs["period"]]),
        ):
            with self.subTest(url=url):
                data = {"new_end": TODAY + datetime.timedelta(days=120), "reason": "x", "decision": "cooperates"}
                self.assertEqual(self.client.post(url, data).status_code, 404)
        for action, data in (("discharge", {"placement": theirs["placement"]}), ("risk-off", {"risk": theirs["risk"]})):
            with self.subTest(action=action):
                url = reverse("cases-care", args=[own.uid, action])
                response = self.client.post(url, data | {"reason": "Not my case."})
                self.assertRedirects(response, own.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(database_state(), before)

    # The system administrator.

    def test_the_admin_site_holds_no_case_and_the_trails_hold_no_identifier(self):
        reads = [("carol", "base"), ("cora", "base"), ("ivan", "mia_ok"), ("alice", "base"), ("alice", "dans")]
        for username, tag in reads:  # full and pseudonymised, with and without a reason
            self.sign_in(username)
            self.client.post(self.cases[tag].get_absolute_url(), {"reason": "Weekly review."})
            self.assertEqual(self.client.get(self.cases[tag].get_absolute_url()).status_code, 200)
        self.assertTrue(AuditEvent.objects.filter(action="case.read_pseudonymised").exists())
        events = AuditEvent.objects.values_list("actor_username", "object_type", "object_id", "reason", "details")
        entries = LogEntry.objects.values_list(
            "object_repr", "changes_text", "changes", "serialized_data", "additional_data"
        )
        trails = json.dumps([list(row) for row in [*events, *entries]], ensure_ascii=False, default=str)
        for tag, identifiers in self.identifiers.items():
            for identifier in identifiers:
                self.assertNotIn(identifier, trails, f"{tag}: {identifier} in the audit trail")

        self.sign_in("sam")
        index = self.client.get("/admin/")
        self.assertEqual(index.status_code, 200)
        self.assertNotIn("cases", {app["app_label"] for app in index.context["app_list"]})
        self.assertNotContains(index, "/admin/cases/")
        for path in ("/admin/cases/", "/admin/cases/case/", "/admin/cases/person/", "/admin/cases/referral/"):
            with self.subTest(user="sam", url=path):
                self.assertEqual(self.client.get(path).status_code, 404)
        latest = AuditEvent.objects.filter(object_type="cases.case").order_by("-sequence").first()
        for path in (
            "/admin/audit/auditevent/",
            f"/admin/audit/auditevent/{latest.pk}/change/",
            "/admin/auditlog/logentry/",
        ):
            with self.subTest(user="sam", url=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                self.assertNoIdentifier(response)

    def test_the_system_administrator_cannot_give_himself_a_case_role_to_read_cases(self):
        """Sam manages accounts in the admin site; making his own account a case worker of the owning NGO must not
        open its cases to him (whether the admin site refuses the change or the role does not count)."""
        self.sign_in("sam")
        own_account = reverse("admin:accounts_user_change", args=[self.sam.pk])
        self.client.post(
            own_account,
            {
                "username": "sam",
                "organisation": self.ngo.pk,
                "groups": [role_group(Role.SYSADMIN).pk, role_group(Role.CASE_WORKER).pk],
                "is_active": "on",
                "is_staff": "on",
                "date_joined_0": str(TODAY),
                "date_joined_1": "00:00:00",
            },
        )
        self.login(User.objects.get(pk=self.sam.pk))
        url = self.case.get_absolute_url()
        for method, data in (("get", {}), ("post", {"reason": "Maintenance."}), ("get", {})):
            with self.subTest(user="sam", url=url, method=method):
                response = getattr(self.client, method)(url, data)
                self.assertNoIdentifier(response)
                self.assertIn(response.status_code, (403, 404), "the system administrator opens a case")

    # The matrix covers every page: a new one fails here until it is added above.

    def test_the_matrix_covers_every_case_url_and_its_refused_requests_carry_valid_forms(self):
        names = {pattern.name for pattern in case_urls.urlpatterns if isinstance(pattern, URLPattern)}
        self.assertEqual(names - PAGES - set(ACTIONS) - {"cases-care"}, set(), "add these pages to the matrix")
        self.assertEqual(set(views.CARE_ACTIONS), set(CARE), "add these care actions to CARE")
        case, o = self.cases["base"], self.objects["base"]
        for name, (form_class, _kwargs, data) in ACTIONS.items():
            with self.subTest(url_name=name):
                form = form_class(data(o))
                self.assertTrue(form.is_valid(), form.errors)
        for action, data in CARE.items():
            with self.subTest(action=action):
                form = views.CARE_ACTIONS[action][0](data(o), case=case)
                self.assertTrue(form.is_valid(), form.errors)
