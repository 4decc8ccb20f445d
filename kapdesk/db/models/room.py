from __future__ import annotations

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from kapdesk.db.base import Base
from kapdesk.domain.rooms import RoomKind

_KIND_VALUES = ", ".join(f"'{k.value}'" for k in RoomKind)


class Room(Base):
    __tablename__ = "rooms"
    __table_args__ = (CheckConstraint(f"kind IN ({_KIND_VALUES})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
