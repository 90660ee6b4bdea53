"""The register file's JSON Schema, public beside the API's description."""

import json

from flask import Response

from registry.public import blueprint
from registry.register_file import SCHEMA_PATH, schema_url
from registry.register_file.schema import register_export_schema


@blueprint.get(SCHEMA_PATH)
def register_export_schema_document():
    body = json.dumps(register_export_schema(schema_url()), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/schema+json")
