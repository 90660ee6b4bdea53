"""The register file's JSON Schema, public beside the API's description."""

import json

from flask import Response

from registry.public import blueprint
from registry.register_file import SCHEMA_PATH, schema_url
from registry.register_file.schema import register_export_schema


@blueprint.get(SCHEMA_PATH)
def register_export_schema_document():
    """The register file's JSON Schema.
    ---
    get:
      summary: The JSON Schema of the register file
      description: >-
        The JSON Schema (draft 2020-12) of the whole-register export, the JSON file an
        installation exports at `/admin/register/export` and imports again. Its `$id` is this
        address; the file names it in `$schema`.
      externalDocs:
        description: The JSON Schema specification, draft 2020-12.
        url: https://json-schema.org/draft/2020-12
      responses:
        200:
          description: The schema.
          content:
            application/schema+json:
              schema: JsonSchema
    """
    body = json.dumps(register_export_schema(schema_url()), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/schema+json")
