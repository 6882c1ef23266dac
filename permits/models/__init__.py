"""SQLAlchemy models, one module per aggregate. Importing this package
registers every table (Alembic autogenerate relies on it)."""

from permits.models.api_tokens import ApiToken
from permits.models.applications import Application, ApplicationDocument, Booking, Document
from permits.models.base import UTCDateTime, utcnow
from permits.models.companies import Company, CompanyMembership
from permits.models.locations import Location, LocationBlackout, LocationPhoto
from permits.models.money import FeeWaiverRequest, Invoice, MoneyEntry, StatementImport, StatementLine
from permits.models.organisations import (
    Organisation,
    OrganisationMembership,
    StaffRole,
)
from permits.models.outbox import OutboxMessage, OutboxStatus
from permits.models.permits import Notification, Permit, PermitVersion
from permits.models.reviews import (
    Amendment,
    Deadline,
    DeadlineKind,
    Message,
    ReviewTask,
    ReviewTurnaround,
    SavedText,
    WorkflowEvent,
)
from permits.models.statistics import StatisticsSummary
from permits.models.users import PendingRegistration, User, normalise_email
from permits.models.webhooks import WebhookDelivery, WebhookEndpoint, WebhookStatus

__all__ = [
    "Amendment",
    "ApiToken",
    "Application",
    "ApplicationDocument",
    "Booking",
    "Company",
    "CompanyMembership",
    "Deadline",
    "DeadlineKind",
    "Document",
    "FeeWaiverRequest",
    "Invoice",
    "Location",
    "LocationBlackout",
    "LocationPhoto",
    "Message",
    "MoneyEntry",
    "Notification",
    "Organisation",
    "OrganisationMembership",
    "OutboxMessage",
    "OutboxStatus",
    "PendingRegistration",
    "Permit",
    "PermitVersion",
    "ReviewTask",
    "ReviewTurnaround",
    "SavedText",
    "StaffRole",
    "StatementImport",
    "StatementLine",
    "StatisticsSummary",
    "UTCDateTime",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookStatus",
    "WorkflowEvent",
    "normalise_email",
    "utcnow",
]
