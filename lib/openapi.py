"""The API's error answers, documented once for every operation: a drf-spectacular postprocessing hook.

Every operation can answer 403 (not signed in, second factor not passed, no CSRF token on a write, or a role that
does not allow it: session authentication answers 403, never 401). An operation that names an object in its path,
or lists page by page (a page past the end), can answer 404. One that takes query parameters or a request body can
answer 400 with the messages by field. Views keep the descriptions they give these statuses; the hook adds the body.
"""

ERROR = "Error"
VALIDATION_ERRORS = "ValidationErrors"
WRITES = ("post", "put", "patch")

SCHEMAS = {
    ERROR: {
        "type": "object",
        "description": "Why the request was refused.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    VALIDATION_ERRORS: {
        "type": "object",
        "description": (
            "The messages by field name (`non_field_errors` for the request as a whole); a field of a nested object "
            "or list has the same shape inside. A request body that is not valid JSON gives `detail`."
        ),
        "additionalProperties": {},
    },
}

DESCRIPTIONS = {
    "400": "The request is not valid: the messages by field.",
    "403": "Not signed in, second factor not passed, no CSRF token (writes), or not allowed for the user's role.",
    "404": "No such object, or one the user may not see; or a page past the end of the list.",
}


def error_responses(result, generator, request, public):
    """Adds 400, 403 and 404 where the operation can answer them, each with its error body."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(SCHEMAS)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            for status in statuses(method, operation):
                _document(operation["responses"], status)
    return result


def statuses(method: str, operation: dict) -> list[str]:
    """The error statuses an operation can answer: 403 always; 404 when its path names an object or it lists page
    by page; 400 when it takes query parameters or changes something (a step the rules do not allow now is a 400
    too, even without a body)."""
    parameters = operation.get("parameters", [])
    found = ["403"]
    if any(p["in"] == "path" or (p["in"] == "query" and p["name"] == "page") for p in parameters):
        found.append("404")
    if method in WRITES or any(p["in"] == "query" for p in parameters):
        found.append("400")
    return found


def _document(responses: dict, status: str) -> None:
    schema = VALIDATION_ERRORS if status == "400" else ERROR
    response = responses.setdefault(status, {"description": DESCRIPTIONS[status]})
    response.setdefault("content", {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}})
