"""clinical notes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 21:39:32.250321
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('preparation', 'integration', 'progress', 'psychotherapy')", name=op.f("ck_notes_kind")
        ),
        sa.CheckConstraint("(signed_at IS NULL) = (signed_by IS NULL)", name=op.f("ck_notes_signed_with_signer")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_notes_author_id_users")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name=op.f("fk_notes_patient_id_patients")),
        sa.ForeignKeyConstraint(["signed_by"], ["users.id"], name=op.f("fk_notes_signed_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.create_index("ix_notes_patient_created", ["patient_id", "created_at"], unique=False)

    for statement in _NOTES_GUARD[op.get_bind().dialect.name]:
        op.execute(statement)


# Notes are never deleted, and a signed note never changes (corrections will be addenda, new rows). The service
# refuses first; these catch any other writer. NB: a later SQLite batch_alter_table on "notes" rebuilds the
# table and drops these triggers, so such a migration must create them again.
_NOTES_GUARD = {
    "sqlite": [
        """CREATE TRIGGER notes_signed_immutable BEFORE UPDATE ON notes WHEN OLD.signed_at IS NOT NULL
           BEGIN SELECT RAISE(ABORT, 'signed notes cannot be changed'); END""",
        """CREATE TRIGGER notes_no_delete BEFORE DELETE ON notes
           BEGIN SELECT RAISE(ABORT, 'notes are never deleted'); END""",
    ],
    "postgresql": [
        """CREATE FUNCTION kapdesk_notes_guard() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             IF TG_OP <> 'UPDATE' THEN
               RAISE EXCEPTION 'notes are never deleted';
             END IF;
             IF OLD.signed_at IS NOT NULL THEN
               RAISE EXCEPTION 'signed notes cannot be changed';
             END IF;
             RETURN NEW;
           END $$""",
        """CREATE TRIGGER notes_guard BEFORE UPDATE OR DELETE ON notes
           FOR EACH ROW EXECUTE FUNCTION kapdesk_notes_guard()""",
        """CREATE TRIGGER notes_no_truncate BEFORE TRUNCATE ON notes
           FOR EACH STATEMENT EXECUTE FUNCTION kapdesk_notes_guard()""",
    ],
}


def downgrade() -> None:
    # Dropping the table takes its index and triggers with it.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE notes CASCADE")
        op.execute("DROP FUNCTION kapdesk_notes_guard()")
    else:
        op.execute("DROP TABLE notes")
