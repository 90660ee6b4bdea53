"""The API's contract as a machine reads it (`/api/v1/openapi.json`) and as a person does
(`/api`, a page rendered from the same document, without JavaScript)."""

from flask import current_app, jsonify, render_template

# The module, not its function: building the document imports the public blueprint's views.
from registry.openapi import document as contract
from registry.openapi import reference
from registry.public import blueprint


@blueprint.get("/api/v1/openapi.json")
def api_openapi():
    """This document.
    ---
    get:
      summary: The OpenAPI document
      description: >-
        The contract of every operation of the API, as OpenAPI 3.1. Its descriptions are in
        English whatever the language asked; the page /api reads it for people.
      responses:
        200:
          description: The OpenAPI 3.1 document.
          content:
            application/json:
              schema: {type: object, required: [openapi, info, paths, components]}
    """
    return jsonify(contract.document(current_app))


@blueprint.get("/api")
def api_reference():
    document = contract.document(current_app)
    if "openapi.reference" not in current_app.extensions:  # read once, as the document is built
        current_app.extensions["openapi.reference"] = {
            "operations": reference.operations(document),
            "schemas": reference.schemas(document),
        }
    return render_template(
        "public/api.html", contract=document, **current_app.extensions["openapi.reference"]
    )
