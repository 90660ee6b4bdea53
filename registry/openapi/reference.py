"""The document read for people: each operation with its parameters, body and answers, and each
schema with its properties, as plain values for the reference page's template."""

REF_PREFIX = "#/components/"
PATH_ITEM_FIELDS = {"summary", "description", "parameters", "servers"}


def operations(document: dict) -> list[dict]:
    """Every operation, in the order of the paths, with its references resolved."""
    listed = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in PATH_ITEM_FIELDS:
                continue
            listed.append(
                {
                    "anchor": f"{method}-{path}".replace("/", "-").strip("-"),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        _parameter(resolve(document, parameter))
                        for parameter in operation.get("parameters", [])
                    ],
                    "body": _body(document, operation.get("requestBody")),
                    "responses": [
                        _response(document, status, answer)
                        for status, answer in sorted(operation["responses"].items())
                    ],
                    "token": {"bearerToken": []} in operation.get("security", []),
                }
            )
    return listed


def schemas(document: dict) -> list[dict]:
    """Every component schema with its properties, by name."""
    return [
        {
            "name": name,
            "description": schema.get("description", ""),
            "shape": describe(schema),
            "properties": properties(schema),
        }
        for name, schema in sorted(document["components"]["schemas"].items())
    ]


def properties(schema: dict) -> list[dict]:
    """The properties of an object schema: name, type, whether always present, description."""
    required = set(schema.get("required", ()))
    return [
        {
            "name": name,
            "type": describe(value),
            "required": name in required,
            "description": value.get("description", ""),
            "nested": properties(_inline_object(value)),
        }
        for name, value in schema.get("properties", {}).items()
    ]


def _inline_object(schema: dict) -> dict:
    """The object written out within a property (or its array's items), if any."""
    if schema.get("type") == "array" or "array" in schema.get("type", ()):
        schema = schema.get("items", {})
    return schema if "properties" in schema else {}


def describe(schema: dict) -> dict:
    """A schema's type in words a template puts together: `kinds` (JSON types or schema
    names, each a link where it is a schema), `values` (an enum's) and `pattern`."""
    if "$ref" in schema:
        return {"kinds": [{"schema": schema_name(schema)}], "values": [], "pattern": None}
    for combined in ("anyOf", "oneOf"):
        if combined in schema:
            parts = [describe(part) for part in schema[combined]]
            kinds = []
            for kind in (kind for part in parts for kind in part["kinds"]):
                if kind not in kinds:
                    kinds.append(kind)
            values = [value for part in parts for value in part["values"]]
            patterns = [part["pattern"] for part in parts if part["pattern"]]
            return {"kinds": kinds, "values": values, "pattern": next(iter(patterns), None)}
    kinds = schema.get("type", "any")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    described = []
    for kind in kinds:
        if kind == "array":
            described.append({"array": describe(schema.get("items", {}))})
        else:
            format_ = schema.get("format") if kind != "null" else None
            described.append({"json": kind, "format": format_})
    if "const" in schema:
        return {"kinds": described, "values": [schema["const"]], "pattern": None}
    values = [value for value in schema.get("enum", []) if value is not None]
    return {"kinds": described, "values": values, "pattern": schema.get("pattern")}


def schema_name(schema: dict) -> str:
    return schema["$ref"].rsplit("/", 1)[-1]


def resolve(document: dict, node: dict) -> dict:
    """`node`, or what its $ref names within the document's components."""
    while "$ref" in node:
        section, name = node["$ref"].removeprefix(REF_PREFIX).split("/")
        node = document["components"][section][name]
    return node


def _parameter(parameter: dict) -> dict:
    return {
        "name": parameter["name"],
        "in": parameter["in"],
        "required": parameter.get("required", False),
        "type": describe(parameter.get("schema", {})),
        "description": parameter.get("description", ""),
    }


def _body(document: dict, body: dict | None) -> dict | None:
    if body is None:
        return None
    media_type, content = next(iter(body["content"].items()))
    return {"media_type": media_type, "type": describe(content["schema"])}


def _response(document: dict, status: str, answer: dict) -> dict:
    answer = resolve(document, answer)
    content = answer.get("content", {})
    media_type = next(iter(content), None)
    return {
        "status": status,
        "description": answer["description"],
        "media_type": media_type,
        "type": describe(content[media_type]["schema"]) if media_type else None,
        "headers": sorted(answer.get("headers", {})),
    }
