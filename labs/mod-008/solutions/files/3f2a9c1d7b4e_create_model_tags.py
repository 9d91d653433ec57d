"""create model_tags

Reference solution of labs/mod-008 / alembic-migration:
/home/learner/app/migrations/versions/3f2a9c1d7b4e_create_model_tags.py

Revision ID: 3f2a9c1d7b4e
Revises:
Create Date: 2024-07-01 00:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "3f2a9c1d7b4e"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Free-form tags of a model (production, candidate, ...), each at most once per model."""
    op.create_table(
        "model_tags",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("model_id", sa.Integer, sa.ForeignKey("models.id", ondelete="CASCADE"), nullable=False),
        sa.Column("tag", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("model_id", "tag", name="model_tags_model_id_tag_key"),
    )


def downgrade() -> None:
    """Drop what upgrade() made (its constraints go with the table)."""
    op.drop_table("model_tags")
