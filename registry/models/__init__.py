"""The database models; import them from here."""

from registry.models.accounts import Role, User
from registry.models.audit import AuditEvent, AuditHead
from registry.models.changes import ChangeKind, ChangeNotice, NoticeState
from registry.models.register import (
    Entity,
    LocationMeasure,
    LocationRole,
    ProcessingLocation,
    Subprocessor,
    SubprocessorStatus,
)
from registry.models.vocabulary import (
    DataCategory,
    DataSubjectCategory,
    Purpose,
    RecipientCategory,
    Service,
    VocabularyTerm,
)

__all__ = [
    "AuditEvent",
    "AuditHead",
    "ChangeKind",
    "ChangeNotice",
    "NoticeState",
    "DataCategory",
    "DataSubjectCategory",
    "Entity",
    "LocationMeasure",
    "LocationRole",
    "ProcessingLocation",
    "Purpose",
    "RecipientCategory",
    "Role",
    "Service",
    "Subprocessor",
    "SubprocessorStatus",
    "User",
    "VocabularyTerm",
]
