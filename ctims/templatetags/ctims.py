from django import template
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with `changes` applied; a value of None removes the parameter."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None:
            params[key] = value
    return urlencode(sorted(params.items()))


@register.inclusion_tag("includes/sort_header.html", takes_context=True)
def sort_header(context, key: str, label: str) -> dict:
    """A column heading that sorts the table by `key`, and reverses the order when clicked again."""
    current = context.get("sort", "")
    state = "ascending" if current == key else "descending" if current == f"-{key}" else "none"
    return {
        "request": context["request"],
        "label": label,
        "state": state,
        "next_sort": f"-{key}" if state == "ascending" else key,
    }


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, or None."""
    return mapping.get(key) if mapping else None
