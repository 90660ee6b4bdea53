"""The Flask extensions, created unbound here and bound to the app in `create_app`."""

from pathlib import Path

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from registry.database import Base

MIGRATIONS_DIRECTORY = str(Path(__file__).resolve().parent.parent / "migrations")

db = SQLAlchemy(model_class=Base)
migrate = Migrate(directory=MIGRATIONS_DIRECTORY, render_as_batch=True, compare_type=True)
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
# The storage comes from RATELIMIT_STORAGE_URI (memory:// by default: per process).
limiter = Limiter(get_remote_address, default_limits=[])
