"""Award suspension: a reversible hold on an award, published through a status list.

Open Badges 3.0 allows one ``credentialStatus`` per credential, so a credential cannot carry both a
``revocation`` and a ``suspension`` entry. Awards issued from now on get a single
BitstringStatusList entry with ``statusPurpose: "message"`` and two bits (0 valid, 1 suspended,
2 revoked) in the tenant's ``message`` lists. Awards issued before keep the ``revocation`` entry
their signed credentials already carry; they can still be revoked, not suspended.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE status_lists DROP CONSTRAINT status_lists_purpose_check")
    op.execute(
        "ALTER TABLE status_lists ADD CONSTRAINT status_lists_purpose_check CHECK (purpose IN ('revocation', 'message'))"
    )
    op.execute(
        """
        ALTER TABLE awards
            ADD COLUMN status_purpose text CHECK (status_purpose IN ('revocation', 'message')),
            ADD COLUMN suspended_at timestamptz,
            ADD COLUMN suspension_reason text CHECK (char_length(suspension_reason) <= 1000),
            -- When the award's value in its status list last changed (revoke, suspend, reinstate).
            ADD COLUMN status_changed_at timestamptz,
            ADD CONSTRAINT awards_suspension_check CHECK ((suspended_at IS NULL) = (suspension_reason IS NULL))
        """
    )
    # Existing awards are in the revocation lists. The owner is subject to the forced row-level
    # security of awards, so the backfill lifts it for the length of this transaction.
    op.execute("ALTER TABLE awards NO FORCE ROW LEVEL SECURITY")
    op.execute(
        "UPDATE awards SET status_purpose = 'revocation', status_changed_at = revoked_at WHERE status_index IS NOT NULL"
    )
    op.execute("ALTER TABLE awards FORCE ROW LEVEL SECURITY")
    op.execute(
        "ALTER TABLE awards ADD CONSTRAINT awards_status_entry_check "
        "CHECK ((status_index IS NULL) = (status_purpose IS NULL))"
    )
    # During a rolling deploy, processes from before 0007 still issue: they allocate in the
    # revocation list and do not name a purpose. The current code always names one.
    op.execute("ALTER TABLE awards ALTER COLUMN status_purpose SET DEFAULT 'revocation'")
    # Each list kind numbers its positions on its own.
    op.execute("DROP INDEX awards_status_index_idx")
    op.execute("CREATE UNIQUE INDEX awards_status_index_idx ON awards (tenant_id, status_purpose, status_index)")


def downgrade() -> None:
    # Credentials with a message entry are already in holders' hands: their positions cannot be
    # folded back into the revocation lists, so the downgrade refuses once there are any.
    op.execute("ALTER TABLE awards NO FORCE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE status_lists NO FORCE ROW LEVEL SECURITY")
    op.execute(
        """
        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM awards WHERE status_purpose = 'message') THEN
                RAISE EXCEPTION 'awards with message status entries exist; 0007 cannot be downgraded';
            END IF;
        END $$
        """
    )
    op.execute("DELETE FROM status_lists WHERE purpose = 'message'")
    op.execute("ALTER TABLE status_lists FORCE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE awards FORCE ROW LEVEL SECURITY")
    op.execute("DROP INDEX awards_status_index_idx")
    op.execute("CREATE UNIQUE INDEX awards_status_index_idx ON awards (tenant_id, status_index)")
    op.execute(
        "ALTER TABLE awards DROP CONSTRAINT awards_status_entry_check, DROP CONSTRAINT awards_suspension_check, "
        "DROP COLUMN status_changed_at, DROP COLUMN suspension_reason, DROP COLUMN suspended_at, "
        "DROP COLUMN status_purpose"
    )
    op.execute("ALTER TABLE status_lists DROP CONSTRAINT status_lists_purpose_check")
    op.execute("ALTER TABLE status_lists ADD CONSTRAINT status_lists_purpose_check CHECK (purpose IN ('revocation'))")
