"""The register: our own entities, the subprocessors they engage and where those process data."""

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.database import (
    country_code,
    country_code_check,
    enum_by_value,
    int_pk,
    name_text,
)
from registry.extensions import db
from registry.models.vocabulary import (
    DataCategory,
    DataSubjectCategory,
    Purpose,
    RecipientCategory,
    Service,
)
from transfers.grounds import BcrKind, Derogation, SccDecision, TransferTool, UkTransferTool
from transfers.importers import DpfScope


class Entity(db.Model):
    """One of the organisation's own legal entities, which engage subprocessors."""

    __tablename__ = "entity"
    __table_args__ = (country_code_check("country_code"),)

    id: Mapped[int_pk]
    name: Mapped[name_text] = mapped_column(unique=True)
    street_address: Mapped[name_text]
    postal_code: Mapped[str] = mapped_column(sa.String(20))
    city: Mapped[name_text]
    country_code: Mapped[country_code]

    def __repr__(self) -> str:
        return f"<Entity {self.name}>"


class SubprocessorStatus(enum.StrEnum):
    """The lifecycle of an engagement; only active subprocessors are on the public register."""

    PROPOSED = "proposed"
    ANNOUNCED = "announced"
    ACTIVE = "active"
    RETIRED = "retired"


class LocationRole(enum.StrEnum):
    """What happens to the data at a processing location."""

    STORAGE = "storage"
    PROCESSING = "processing"
    BACKUP = "backup"
    SUPPORT_ACCESS = "support_access"
    FOLLOW_THE_SUN = "follow_the_sun"
    TRANSIT = "transit"  # the data merely pass through (EDPB Recommendations 01/2020, Use Case 3)


def _link_table(name: str, target: str) -> sa.Table:
    """A many-to-many link from subprocessors to `target`; a term in use cannot be deleted."""
    return sa.Table(
        name,
        db.metadata,
        sa.Column(
            "subprocessor_id",
            sa.ForeignKey("subprocessor.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(f"{target}_id", sa.ForeignKey(f"{target}.id"), primary_key=True),
    )


subprocessor_service = _link_table("subprocessor_service", "service")
subprocessor_purpose = _link_table("subprocessor_purpose", "purpose")
subprocessor_data_category = _link_table("subprocessor_data_category", "data_category")
subprocessor_data_subject_category = _link_table(
    "subprocessor_data_subject_category", "data_subject_category"
)
subprocessor_entity = _link_table("subprocessor_entity", "entity")


class Subprocessor(db.Model):
    """A legal entity engaged to process customer personal data on our behalf (GDPR Art. 28(2))."""

    __tablename__ = "subprocessor"
    __table_args__ = (
        country_code_check("country_code"),
        sa.CheckConstraint(
            # lower(): LIKE ignores case on SQLite but not on PostgreSQL.
            "website IS NULL OR lower(website) LIKE 'https://%' OR lower(website) LIKE 'http://%'",
            name="website_http",
        ),
        # The legal name says who the subprocessor is: the same trading name under a new legal
        # name is another entry, announced as the replacement of the one it takes over from.
        sa.UniqueConstraint("name", "legal_name"),
        sa.CheckConstraint(
            "dpf_certified OR (dpf_listed_name IS NULL AND dpf_scope IS NULL "
            "AND dpf_recertification_due IS NULL)",
            name="dpf_details_need_listing",
        ),
    )

    id: Mapped[int_pk]
    name: Mapped[name_text]
    legal_name: Mapped[name_text]
    address: Mapped[str] = mapped_column(sa.String(500))
    country_code: Mapped[country_code]
    website: Mapped[str | None] = mapped_column(sa.String(500))
    recipient_category_id: Mapped[int] = mapped_column(sa.ForeignKey("recipient_category.id"))
    status: Mapped[SubprocessorStatus] = mapped_column(
        enum_by_value(SubprocessorStatus, "subprocessor_status"),
        default=SubprocessorStatus.PROPOSED,
    )
    # Demo rows say so on every page that shows them, so nobody mistakes them for a real engagement.
    illustrative: Mapped[bool] = mapped_column(default=False)
    # Facts about the importer that partial adequacy decisions and the SCCs ask for (see
    # transfers.importers). `dpf_certified` says it is on the Data Privacy Framework List; the
    # entry's name, scope and dates are as last checked on the list.
    dpf_certified: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    dpf_listed_name: Mapped[str | None] = mapped_column(sa.String(200))
    dpf_scope: Mapped[DpfScope | None] = mapped_column(enum_by_value(DpfScope, "dpf_scope"))
    dpf_verified_on: Mapped[date | None]
    dpf_recertification_due: Mapped[date | None]
    subject_to_pipeda: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    subject_to_gdpr_art_3_2: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The data include human resources data (DPF Supplemental Principle 9).
    hr_data: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Engaged by one of our entities (on the register itself), or only further down the chain,
    # by another subprocessor (`ChainLink`): EDPB Opinion 22/2024, every processor in the chain.
    engaged_directly: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # A contact person or function (EDPB Opinion 22/2024, paragraph 24).
    contact: Mapped[str | None] = mapped_column(sa.String(200))
    # Where our contract with a direct subprocessor imposes our obligations on the subprocessors
    # it engages (GDPR Art. 28(4)): the clause, and the day that contract was signed.
    flow_down_clause: Mapped[str | None] = mapped_column(sa.String(200))
    flow_down_signed_on: Mapped[date | None]

    recipient_category: Mapped[RecipientCategory] = relationship()
    services: Mapped[list[Service]] = relationship(
        secondary=subprocessor_service, order_by=Service.name
    )
    purposes: Mapped[list[Purpose]] = relationship(
        secondary=subprocessor_purpose, order_by=Purpose.name
    )
    data_categories: Mapped[list[DataCategory]] = relationship(
        secondary=subprocessor_data_category, order_by=DataCategory.name
    )
    data_subject_categories: Mapped[list[DataSubjectCategory]] = relationship(
        secondary=subprocessor_data_subject_category, order_by=DataSubjectCategory.name
    )
    entities: Mapped[list[Entity]] = relationship(
        secondary=subprocessor_entity, order_by=Entity.name
    )
    locations: Mapped[list["ProcessingLocation"]] = relationship(
        back_populates="subprocessor",
        cascade="all, delete-orphan",
        order_by="ProcessingLocation.id",
    )

    def __repr__(self) -> str:
        return f"<Subprocessor {self.name}>"


# A ground's details go with its tool only; the migrations use the same conditions.
SCC_DETAILS_NEED_SCC = (
    "coalesce(transfer_tool, '') = 'scc' OR (scc_module IS NULL AND uk_tool IS NULL "
    "AND NOT swiss_adaptation AND scc_decision IS NULL AND scc_signed_on IS NULL)"
)
DEROGATION_DETAILS_NEED_DEROGATION = (
    "coalesce(transfer_tool, '') = 'derogation' OR (derogation IS NULL "
    "AND derogation_justification IS NULL AND NOT derogation_occasional "
    "AND derogation_occasional_reason IS NULL AND authority_informed_on IS NULL "
    "AND data_subjects_informed_on IS NULL)"
)
BCR_DETAILS_NEED_BCR = (
    "coalesce(transfer_tool, '') = 'bcr' OR (bcr_group IS NULL AND bcr_kind IS NULL "
    "AND bcr_lead_authority IS NULL AND bcr_approved_on IS NULL AND bcr_importer_bound IS NULL)"
)


class ProcessingLocation(db.Model):
    """A country where a subprocessor stores or accesses the data, and what it does there."""

    __tablename__ = "processing_location"
    __table_args__ = (
        country_code_check("country_code"),
        sa.UniqueConstraint("subprocessor_id", "country_code", "role", "city"),
        sa.CheckConstraint("scc_module BETWEEN 1 AND 4", name="scc_module_range"),
        sa.CheckConstraint(SCC_DETAILS_NEED_SCC, name="scc_details_need_scc"),
        sa.CheckConstraint(
            DEROGATION_DETAILS_NEED_DEROGATION, name="derogation_details_need_derogation"
        ),
        sa.CheckConstraint(BCR_DETAILS_NEED_BCR, name="bcr_details_need_bcr"),
        sa.CheckConstraint(
            "NOT derogation_occasional OR derogation_occasional_reason IS NOT NULL",
            name="occasional_needs_reason",
        ),
        sa.CheckConstraint(
            "coalesce(transfer_tool, '') = 'adequacy' OR adequacy_decision IS NULL",
            name="decision_needs_adequacy",
        ),
    )

    id: Mapped[int_pk]
    subprocessor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("subprocessor.id", ondelete="CASCADE"), index=True
    )
    country_code: Mapped[country_code]
    role: Mapped[LocationRole] = mapped_column(enum_by_value(LocationRole, "location_role"))
    city: Mapped[str | None] = mapped_column(sa.String(200))

    # The transfer ground (Chapter V GDPR); none for a location in the EEA. Each column is the
    # same-named field of transfers.grounds.TransferGround.
    transfer_tool: Mapped[TransferTool | None] = mapped_column(
        enum_by_value(TransferTool, "transfer_tool")
    )
    adequacy_decision: Mapped[str | None] = mapped_column(sa.String(40))
    scc_module: Mapped[int | None] = mapped_column(sa.SmallInteger)
    uk_tool: Mapped[UkTransferTool | None] = mapped_column(enum_by_value(UkTransferTool, "uk_tool"))
    swiss_adaptation: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    derogation: Mapped[Derogation | None] = mapped_column(enum_by_value(Derogation, "derogation"))
    derogation_justification: Mapped[str | None] = mapped_column(sa.Text)
    scc_decision: Mapped[SccDecision | None] = mapped_column(
        enum_by_value(SccDecision, "scc_decision")
    )  # none: Implementing Decision (EU) 2021/914
    scc_signed_on: Mapped[date | None]
    derogation_occasional: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    derogation_occasional_reason: Mapped[str | None] = mapped_column(sa.Text)
    authority_informed_on: Mapped[date | None]  # Art. 49(1) second subparagraph
    data_subjects_informed_on: Mapped[date | None]
    bcr_group: Mapped[str | None] = mapped_column(sa.String(200))
    bcr_kind: Mapped[BcrKind | None] = mapped_column(enum_by_value(BcrKind, "bcr_kind"))
    bcr_lead_authority: Mapped[str | None] = mapped_column(sa.String(200))
    bcr_approved_on: Mapped[date | None]
    bcr_importer_bound: Mapped[bool | None]
    # The recipient's special legal protection (EDPB Recommendations 01/2020, Use Case 4).
    recipient_protection: Mapped[str | None] = mapped_column(sa.Text)

    subprocessor: Mapped[Subprocessor] = relationship(back_populates="locations")
    measures: Mapped[list["LocationMeasure"]] = relationship(
        cascade="all, delete-orphan", order_by="LocationMeasure.code"
    )

    def __repr__(self) -> str:
        return f"<ProcessingLocation {self.country_code} {self.role}>"


class LocationMeasure(db.Model):
    """A supplementary measure applied to a location's transfer, by its code in the catalogue of
    EDPB Recommendations 01/2020 (`transfers.measures`), which the registry checks on write."""

    __tablename__ = "location_measure"

    location_id: Mapped[int] = mapped_column(
        sa.ForeignKey("processing_location.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)


class ChainLink(db.Model):
    """One subprocessor engaging another (GDPR Art. 28(4)): a hop of the processing chain. The
    same company may be engaged by several; a chain never loops (checked on write)."""

    __tablename__ = "chain_link"
    __table_args__ = (
        sa.UniqueConstraint("parent_id", "child_id"),
        sa.CheckConstraint("parent_id != child_id", name="not_its_own_subprocessor"),
    )

    id: Mapped[int_pk]
    parent_id: Mapped[int] = mapped_column(
        sa.ForeignKey("subprocessor.id", ondelete="CASCADE"), index=True
    )
    child_id: Mapped[int] = mapped_column(
        sa.ForeignKey("subprocessor.id", ondelete="CASCADE"), index=True
    )
    # What the child does for the parent.
    activity: Mapped[str] = mapped_column(sa.String(500))

    parent: Mapped[Subprocessor] = relationship(foreign_keys=[parent_id])
    child: Mapped[Subprocessor] = relationship(foreign_keys=[child_id])
