"""The same-run reference of the public pages bench: a Flask app that answers constant bytes.

No database, no templates, no session: each address answers the bytes the project answered
there once, with the same Content-Type, read into memory as the app is imported. Served by
gunicorn with the project's own settings (`bench/serving.py`), its throughput is what Flask and
gunicorn allow for answers of that size on this machine now, so the project's figure divided by
it says what the register costs over serving its bytes, whatever else the machine is doing.

    REFERENCE_BODIES=<folder> gunicorn -c gunicorn.conf.py bench.reference_app:app

The folder holds `index.json` ({address: [file name, content type]}) and the files.
"""

import json
import os
from pathlib import Path

from flask import Flask, Response, abort, request

_folder = Path(os.environ["REFERENCE_BODIES"])
_answers = {
    address: ((_folder / name).read_bytes(), content_type)
    for address, (name, content_type) in json.loads((_folder / "index.json").read_text()).items()
}

app = Flask(__name__)


@app.get("/", defaults={"address": ""})
@app.get("/<path:address>")
def constant(address: str) -> Response:
    answer = _answers.get(request.path)
    if answer is None:
        abort(404)
    body, content_type = answer
    return Response(body, content_type=content_type)
