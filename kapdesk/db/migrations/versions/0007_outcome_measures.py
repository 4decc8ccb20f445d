"""outcome measures: assessments (item answers, computed total), never deleted, never rescored

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 02:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("instrument", sa.String(length=20), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entered_in_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("entered_in_error_by", sa.Integer(), nullable=True),
        sa.Column("entered_in_error_reason", sa.String(length=300), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "instrument IN ('PHQ-9', 'GAD-7', 'PCL-5', 'QIDS-SR16')", name=op.f("ck_assessments_instrument")
        ),
        sa.CheckConstraint("complete = (total IS NOT NULL)", name=op.f("ck_assessments_total_when_complete")),
        sa.CheckConstraint(
            "(entered_in_error_at IS NULL) = (entered_in_error_reason = '')",
            name=op.f("ck_assessments_entered_in_error_with_reason"),
        ),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], name=op.f("fk_assessments_course_id_courses")),
        sa.ForeignKeyConstraint(
            ["entered_in_error_by"], ["users.id"], name=op.f("fk_assessments_entered_in_error_by_users")
        ),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name=op.f("fk_assessments_patient_id_patients")),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name=op.f("fk_assessments_recorded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index("ix_assessments_patient_taken", ["patient_id", "taken_at"], unique=False)

    for statement in _GUARD[op.get_bind().dialect.name]:
        op.execute(statement)


# What was answered is never changed or deleted; the one change allowed is marking a measure entered in error, once.
# The service refuses first; these catch any other writer. NB: a later SQLite batch_alter_table on "assessments"
# rebuilds the table and drops these triggers, so such a migration must create them again.
_FIXED = "patient_id, instrument, answers, total, complete, taken_at, course_id, recorded_by, created_at"
# PostgreSQL has no equality for json values: compare the answers as text.
_NEW, _OLD = ((", ".join(f"{row}.{c}::text" if c == "answers" else f"{row}.{c}" for c in _FIXED.split(", ")))
              for row in ("NEW", "OLD"))  # fmt: skip
_GUARD = {
    "sqlite": [
        f"""CREATE TRIGGER assessments_answers_fixed BEFORE UPDATE OF {_FIXED} ON assessments
           BEGIN SELECT RAISE(ABORT, 'recorded measures cannot be changed'); END""",
        """CREATE TRIGGER assessments_error_final BEFORE UPDATE ON assessments
           WHEN OLD.entered_in_error_at IS NOT NULL
           BEGIN SELECT RAISE(ABORT, 'a measure entered in error stays so'); END""",
        """CREATE TRIGGER assessments_no_delete BEFORE DELETE ON assessments
           BEGIN SELECT RAISE(ABORT, 'measures are never deleted'); END""",
    ],
    "postgresql": [
        f"""CREATE FUNCTION kapdesk_assessments_guard() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             IF TG_OP <> 'UPDATE' THEN
               RAISE EXCEPTION 'measures are never deleted';
             END IF;
             IF OLD.entered_in_error_at IS NOT NULL THEN
               RAISE EXCEPTION 'a measure entered in error stays so';
             END IF;
             IF ({_NEW}) IS DISTINCT FROM ({_OLD}) THEN
               RAISE EXCEPTION 'recorded measures cannot be changed';
             END IF;
             RETURN NEW;
           END $$""",
        """CREATE TRIGGER assessments_guard BEFORE UPDATE OR DELETE ON assessments
           FOR EACH ROW EXECUTE FUNCTION kapdesk_assessments_guard()""",
        """CREATE TRIGGER assessments_no_truncate BEFORE TRUNCATE ON assessments
           FOR EACH STATEMENT EXECUTE FUNCTION kapdesk_assessments_guard()""",
    ],
}


def downgrade() -> None:
    # Dropping the table takes its index and triggers with it.
    op.drop_table("assessments")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION kapdesk_assessments_guard()")
