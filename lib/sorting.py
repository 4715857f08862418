"""Sortable tables: ?sort=name or ?sort=-name, limited to the columns a view allows."""


def sort_by(request, queryset, allowed: dict[str, str], *, default: str):
    """(ordered queryset, the sort key in effect). Unknown keys fall back to `default`."""
    asked = request.GET.get("sort", default)
    descending = asked.startswith("-")
    key = asked.lstrip("-")
    if key not in allowed:
        key, descending = default.lstrip("-"), default.startswith("-")
    field = allowed[key]
    ordering = [f"-{field}" if descending else field]
    if field != "pk":
        ordering.append("pk")
    return queryset.order_by(*ordering), f"-{key}" if descending else key
