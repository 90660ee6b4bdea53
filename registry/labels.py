"""The words for the registry's own enumerations, in every language it serves."""

from flask_babel import lazy_gettext as _l

from registry.models import LocationRole

LOCATION_ROLES = {
    LocationRole.STORAGE: _l("Storage and hosting"),
    LocationRole.PROCESSING: _l("Processing"),
    LocationRole.BACKUP: _l("Backup copies"),
    LocationRole.SUPPORT_ACCESS: _l("Remote access for support"),
    LocationRole.FOLLOW_THE_SUN: _l("Follow-the-sun support"),
}
