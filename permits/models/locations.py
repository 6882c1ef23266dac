"""Filming sites of the catalogue, their blackout dates and photos."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from permits.models.base import Model, TranslatedMixin, UTCDateTime, utcnow
from permits.models.organisations import Organisation


class Location(TranslatedMixin, Model):
    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name_az: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255))
    name_ru: Mapped[str] = mapped_column(String(255))
    description_az: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_ru: Mapped[str] = mapped_column(Text, default="")
    rules_az: Mapped[str] = mapped_column(Text, default="")
    rules_en: Mapped[str] = mapped_column(Text, default="")
    rules_ru: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str] = mapped_column(String(64), index=True)
    category: Mapped[str] = mapped_column(String(64), index=True)
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6), nullable=True)
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6), nullable=True)
    heritage: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    tourist_site: Mapped[bool] = mapped_column(Boolean, default=False)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    fee_per_day: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0"))
    max_crew: Mapped[int] = mapped_column(Integer, default=50, index=True)
    yearly_cap_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The owner's standing consent: low-impact shoots within the site's rules
    # (crew cap, filming hours, no closed day, yearly cap) are approved at once.
    standing_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    # Goes up by one whenever the owner changes the rules or limits; an
    # approval under standing consent records the version it relied on.
    rules_version: Mapped[int] = mapped_column(Integer, default=1)
    filming_hours_start: Mapped[dt.time | None] = mapped_column(Time, nullable=True)
    filming_hours_end: Mapped[dt.time | None] = mapped_column(Time, nullable=True)
    photo_hue: Mapped[int] = mapped_column(Integer, default=200)
    published: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    owner: Mapped[Organisation] = relationship()
    blackouts: Mapped[list[LocationBlackout]] = relationship(
        back_populates="location", cascade="all, delete-orphan", order_by="LocationBlackout.start_date"
    )
    photos: Mapped[list[LocationPhoto]] = relationship(
        back_populates="location", cascade="all, delete-orphan", order_by="LocationPhoto.position"
    )

    @property
    def name(self) -> str:
        return self.translated("name")

    @property
    def description(self) -> str:
        return self.translated("description")

    @property
    def rules(self) -> list[str]:
        return [line.strip() for line in self.translated("rules").splitlines() if line.strip()]

    def blackout_on(self, day: dt.date) -> LocationBlackout | None:
        for blackout in self.blackouts:
            if blackout.start_date <= day <= blackout.end_date:
                return blackout
        return None

    def __repr__(self) -> str:
        return f"<Location {self.slug}>"


class LocationBlackout(Model):
    """Days the owner has closed the site to filming (festivals, works...)."""

    __tablename__ = "location_blackouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(255), default="")

    location: Mapped[Location] = relationship(back_populates="blackouts")


class LocationPhoto(Model):
    """A photo of a site (the catalogue shows it before the drawn
    illustration). Nothing writes these yet: the site owners' upload comes
    with their own issue, so the table and the page that serves them stay."""

    __tablename__ = "location_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"), index=True)
    storage_key: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(64), default="image/jpeg")
    caption: Mapped[str] = mapped_column(String(255), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    location: Mapped[Location] = relationship(back_populates="photos")
