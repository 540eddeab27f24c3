"""Every operation of the REST API documents what it answers: a typed JSON schema or a file's media type.

A 2xx response whose schema is empty or an object of anything tells a client nothing; the house rule is that
routes return the services' typed results, so that the schema follows from them.
"""

from __future__ import annotations

from typing import Any

from tests.web.conftest import Workspace

_METHODS = ("get", "put", "post", "delete", "patch")


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        ref: str = schema["$ref"]
        node: Any = spec
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _untyped(schema: dict[str, Any], spec: dict[str, Any]) -> bool:
    """True for a schema that says nothing: ``{}``, an object of anything, or an array of those."""
    schema = _resolve(schema, spec)
    described = {k: v for k, v in schema.items() if k not in ("title", "description", "default", "examples")}
    if not described:
        return True
    if described.get("type") == "object" and not described.get("properties"):
        extra = described.get("additionalProperties", True)
        return extra is True or (isinstance(extra, dict) and _untyped(extra, spec))
    if described.get("type") == "array":
        return "items" not in described or _untyped(described["items"], spec)
    for key in ("anyOf", "oneOf"):
        if key in described:
            options = [o for o in described[key] if _resolve(o, spec).get("type") != "null"]
            return not options or any(_untyped(o, spec) for o in options)
    return False


def _documented(response: dict[str, Any], spec: dict[str, Any]) -> bool:
    content: dict[str, Any] = response.get("content", {})
    if "application/json" in content:
        schema = content["application/json"].get("schema")
        return schema is not None and not _untyped(schema, spec)
    # A file download: a declared media type other than JSON.
    return any(media != "application/json" for media in content)


def _offenders(spec: dict[str, Any]) -> list[str]:
    offenders = []
    for path, item in spec["paths"].items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            answers = {code: r for code, r in operation.get("responses", {}).items() if code.startswith("2")}
            if not any(_documented(r, spec) for r in answers.values()):
                offenders.append(f"{method.upper()} {path}")
    return offenders


def test_every_operation_documents_its_response(workspace: Workspace) -> None:
    spec = workspace.client(None).get("/api/v1/openapi.json").json()
    offenders = _offenders(spec)
    assert not offenders, "operations without a typed 2xx response:\n" + "\n".join(offenders)


def test_the_check_recognises_untyped_schemas() -> None:
    spec: dict[str, Any] = {"components": {"schemas": {"Row": {"type": "object", "properties": {"a": {}}}}}}
    assert _untyped({}, spec)
    assert _untyped({"type": "object", "additionalProperties": True, "title": "Response"}, spec)
    assert _untyped({"type": "array", "items": {"type": "object", "additionalProperties": True}}, spec)
    assert _untyped({"anyOf": [{"type": "object"}, {"type": "null"}]}, spec)
    assert not _untyped({"$ref": "#/components/schemas/Row"}, spec)
    assert not _untyped({"type": "array", "items": {"$ref": "#/components/schemas/Row"}}, spec)
    assert not _untyped({"type": "object", "additionalProperties": {"type": "number"}}, spec)
    assert _documented({"content": {"text/csv": {"schema": {"type": "string"}}}}, spec)
    assert not _documented({"description": "Successful Response"}, spec)
