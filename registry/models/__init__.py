"""The database models; import them from here."""

from registry.models.accounts import ApiToken, Role, User
from registry.models.assessments import AssessmentState, TransferAssessment
from registry.models.audit import AuditEvent, AuditHead
from registry.models.changes import ChangeKind, ChangeNotice, NoticeState
from registry.models.customers import (
    Authorisation,
    Customer,
    CustomerContact,
    CustomerEffect,
    CustomerImport,
    CustomerNotice,
    ImportState,
    customer_service,
)
from registry.models.dpf import DpfListEntry, DpfListImport
from registry.models.history import RegisterSnapshot
from registry.models.objections import Objection, ObjectionOutcome, ObjectionState
from registry.models.operations import WorkerHeartbeat
from registry.models.outbox import (
    CUSTOMER_NOTICE_KINDS,
    NOTICE_KINDS,
    DeliveryState,
    MessageKind,
    OutboxMessage,
)
from registry.models.register import (
    ChainLink,
    Entity,
    LocationMeasure,
    LocationRole,
    ProcessingLocation,
    Subprocessor,
    SubprocessorStatus,
    subprocessor_entity,
    subprocessor_service,
)
from registry.models.register_imports import RegisterImport
from registry.models.subscriptions import Subscriber, SubscriptionState, subscriber_service
from registry.models.upstream import ChainReview, ChainSource, ListFormat, ReviewState
from registry.models.vocabulary import (
    DataCategory,
    DataSubjectCategory,
    Purpose,
    RecipientCategory,
    Service,
    VocabularyTerm,
)
from registry.models.webhooks import WebhookAttempt, WebhookEndpoint, WebhookFormat

__all__ = [
    "WebhookAttempt",
    "WebhookEndpoint",
    "WebhookFormat",
    "WorkerHeartbeat",
    "ChainReview",
    "RegisterImport",
    "ChainSource",
    "ListFormat",
    "ReviewState",
    "ApiToken",
    "Authorisation",
    "CUSTOMER_NOTICE_KINDS",
    "Customer",
    "CustomerContact",
    "CustomerEffect",
    "CustomerImport",
    "CustomerNotice",
    "customer_service",
    "ImportState",
    "AssessmentState",
    "TransferAssessment",
    "AuditEvent",
    "AuditHead",
    "ChainLink",
    "ChangeKind",
    "ChangeNotice",
    "NoticeState",
    "DataCategory",
    "DataSubjectCategory",
    "DeliveryState",
    "DpfListEntry",
    "DpfListImport",
    "Entity",
    "LocationMeasure",
    "LocationRole",
    "MessageKind",
    "Objection",
    "ObjectionOutcome",
    "ObjectionState",
    "OutboxMessage",
    "ProcessingLocation",
    "Purpose",
    "RegisterSnapshot",
    "RecipientCategory",
    "Role",
    "Service",
    "NOTICE_KINDS",
    "Subprocessor",
    "Subscriber",
    "SubscriptionState",
    "subscriber_service",
    "SubprocessorStatus",
    "subprocessor_entity",
    "subprocessor_service",
    "User",
    "VocabularyTerm",
]
