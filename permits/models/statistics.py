"""The summary rows of the statistics: counters kept as facts change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import BigInteger, Date, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from permits.models.base import Model


class StatisticsSummary(Model):
    """One counter of the statistics page or the public scorecard: ``count``
    things and a ``total`` quantity (days, AZN, reviews on time) of one
    ``metric`` in one ``period`` (a month's first day, or a day) for one
    ``key`` of its dimension (an outcome, a region, a site's id...).

    Kept by ``services.summaries`` in the same transaction as the write that
    changes the fact (an additive upsert, never a recount), and rebuilt from
    history by ``flask rebuild-statistics``; the pages sum a few hundred of
    these rows instead of scanning applications, bookings, reviews and the
    ledger on every view."""

    __tablename__ = "statistics_summaries"

    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal("0"))

    def __repr__(self) -> str:
        return f"<StatisticsSummary {self.metric} {self.period} {self.key}: {self.count} / {self.total}>"
