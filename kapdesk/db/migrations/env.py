"""Alembic environment: always handed a live connection by kapdesk.db.migrate (no alembic.ini)."""

from alembic import context

from kapdesk.db import models  # noqa: F401  (registers every table on Base.metadata)
from kapdesk.db.base import Base, UTCDateTime


def render_item(type_, obj, autogen_context):  # type: ignore[no-untyped-def]
    """Migrations spell out plain column types so they never depend on today's model code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
