"""API pagination is bounded whatever the query asks: pages are numbered (no client offset reaches the database), a
page past the end is a 404, and a page holds at most LIST_MAX_PAGE_SIZE rows."""

from django.conf import settings
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from ctims.testing import PlanTestCase
from lib.pagination import ApiPagination

HUGE = "9" * 30  # beyond PostgreSQL's bigint


def page_size(per_page: str) -> int:
    return ApiPagination().get_page_size(Request(APIRequestFactory().get("/", {"per_page": per_page})))


class ApiPaginationTests(PlanTestCase):
    def test_a_huge_page_number_is_a_404_not_a_server_error(self):
        self.login(self.bob)
        response = self.client.get("/api/measures/", {"page": HUGE})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(set(response.json()), {"detail"})

    def test_a_huge_page_size_is_cut_to_the_ceiling(self):
        self.assertEqual(page_size(HUGE), settings.LIST_MAX_PAGE_SIZE)
        self.login(self.bob)
        response = self.client.get("/api/measures/", {"per_page": HUGE})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.json()["results"]), response.json()["count"])

    def test_a_page_size_that_is_not_a_positive_number_gives_the_default(self):
        for asked in ("-5", "0", "many"):
            with self.subTest(per_page=asked):
                self.assertEqual(page_size(asked), settings.LIST_PAGE_SIZE)
