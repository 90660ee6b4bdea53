"""The register file's upload form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class RegisterFileForm(FlaskForm):
    file = FileField(
        _l("Register file (JSON)"),
        validators=[FileRequired(_l("Choose the file to import."))],
        render_kw={"accept": ".json,application/json"},
        description=_l("A register export, as this or another installation wrote it."),
    )
