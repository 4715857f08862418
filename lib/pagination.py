"""Pagination shared by pages and the API: one page size, one ceiling, so no request can ask for everything."""

from django.conf import settings
from django.core.paginator import Page, Paginator
from rest_framework.pagination import PageNumberPagination


def page_size_from(request, *, default: int | None = None) -> int:
    """The page size asked for in ?per_page=, within 1 … LIST_MAX_PAGE_SIZE."""
    default = default or settings.LIST_PAGE_SIZE
    try:
        asked = int(request.GET.get("per_page", default))
    except ValueError:
        return default
    return max(1, min(asked, settings.LIST_MAX_PAGE_SIZE))


def paginate(request, items, *, default: int | None = None) -> Page:
    paginator = Paginator(items, page_size_from(request, default=default))
    return paginator.get_page(request.GET.get("page"))


class ApiPagination(PageNumberPagination):
    page_size = settings.LIST_PAGE_SIZE
    page_size_query_param = "per_page"
    max_page_size = settings.LIST_MAX_PAGE_SIZE
