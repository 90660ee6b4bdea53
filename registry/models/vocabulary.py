"""The controlled vocabularies a subprocessor entry is described with.

Each term has a stable `code` (used in URLs, filters and the API), an English `name` and its
translations, so that the public page reads naturally in every language the registry serves.
"""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from registry.database import int_pk, name_text
from registry.extensions import db


class VocabularyTerm(db.Model):
    __abstract__ = True

    id: Mapped[int_pk]
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[name_text] = mapped_column(unique=True)
    translations: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)

    def label(self, language: str) -> str:
        """The term's name in `language`, or its English name where it has no translation."""
        return self.translations.get(language) or self.name

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"


def _code_check() -> sa.CheckConstraint:
    return sa.CheckConstraint("code <> '' AND code = lower(code)", name="code_lower")


class RecipientCategory(VocabularyTerm):
    """The kind of recipient: hosting provider, telecom carrier, CRM provider …"""

    __tablename__ = "recipient_category"
    __table_args__ = (_code_check(),)


class Service(VocabularyTerm):
    """One of our services that a subprocessor supports, such as the cloud PBX."""

    __tablename__ = "service"
    __table_args__ = (_code_check(),)


class Purpose(VocabularyTerm):
    """What a subprocessor does with the data, such as hosting the telephony platform."""

    __tablename__ = "purpose"
    __table_args__ = (_code_check(),)


class DataCategory(VocabularyTerm):
    """A category of personal data, such as call and SMS metadata."""

    __tablename__ = "data_category"
    __table_args__ = (_code_check(),)


class DataSubjectCategory(VocabularyTerm):
    """A category of data subjects, such as our customers' agents."""

    __tablename__ = "data_subject_category"
    __table_args__ = (_code_check(),)
