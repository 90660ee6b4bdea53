"""The API's contract: an OpenAPI 3.1 document of every `/api/v1` route, generated from the
views' docstrings and the schemas of `schemas`, served as JSON and as a reference page."""
