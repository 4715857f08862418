"""Queries per page: each page is requested once to warm the process's caches, then once more while counting."""

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.subjects import signed_in_pages


def run() -> dict:
    _subjects, signed_in = signed_in_pages()
    client = Client()
    counts = {}
    for page in signed_in:
        client.cookies[settings.SESSION_COOKIE_NAME] = page["cookie"].split("=", 1)[1]
        _get(client, page)
        with CaptureQueriesContext(connection) as queries:
            _get(client, page)
        counts[page["name"]] = len(queries)
    return {"queries": counts}


def _get(client: Client, page: dict) -> None:
    response = client.get(page["path"])
    if response.status_code != 200:
        raise RuntimeError(f"{page['name']} {page['path']} as {page['user']}: HTTP {response.status_code}")
