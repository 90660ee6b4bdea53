"""The Flask extensions, created unbound here and bound to the app in `create_app`."""

from pathlib import Path

from flask_babel import Babel
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from registry.database import Base

MIGRATIONS_DIRECTORY = str(Path(__file__).resolve().parent.parent / "migrations")

db = SQLAlchemy(model_class=Base)
migrate = Migrate(directory=MIGRATIONS_DIRECTORY, render_as_batch=True, compare_type=True)
babel = Babel()
csrf = CSRFProtect()
