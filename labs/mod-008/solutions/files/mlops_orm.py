"""The mlops tables as SQLAlchemy 2 declarative models, and the best experiment of every model.

Reference solution of labs/mod-008 / sqlalchemy-orm: /home/learner/app/mlops_orm.py.
Run it to print the leaderboard: python3 mlops_orm.py
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from sqlalchemy import REAL, DateTime, ForeignKey, create_engine, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, joinedload, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Model(Base):
    __tablename__ = "models"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    framework: Mapped[str]
    owner: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    experiments: Mapped[list[Experiment]] = relationship(back_populates="model")

    def __repr__(self) -> str:
        return f"Model(id={self.id}, name={self.name!r})"


class Experiment(Base):
    __tablename__ = "experiments"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("models.id"))
    name: Mapped[str]
    params: Mapped[dict[str, Any]] = mapped_column(JSONB)
    metric_accuracy: Mapped[float | None] = mapped_column(REAL)
    status: Mapped[str]
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    model: Mapped[Model] = relationship(back_populates="experiments")

    def __repr__(self) -> str:
        return f"Experiment(id={self.id}, model_id={self.model_id}, accuracy={self.metric_accuracy})"


def best_experiments(session: Session) -> list[Experiment]:
    """The finished experiment with the highest accuracy of every model (ties: the lowest id),
    with its model loaded, best first."""
    ranked = (
        select(
            Experiment.id,
            func.row_number()
            .over(partition_by=Experiment.model_id, order_by=(Experiment.metric_accuracy.desc(), Experiment.id))
            .label("rank"),
        )
        .where(Experiment.status == "finished", Experiment.metric_accuracy.is_not(None))
        .subquery()
    )
    stmt = (
        select(Experiment)
        .join(ranked, ranked.c.id == Experiment.id)
        .where(ranked.c.rank == 1)
        .options(joinedload(Experiment.model))
        .order_by(Experiment.metric_accuracy.desc(), Experiment.id)
    )
    return list(session.scalars(stmt))


if __name__ == "__main__":
    engine = create_engine(os.environ["DATABASE_URL"])
    with Session(engine) as session:
        for exp in best_experiments(session):
            print(f"{exp.model.name:22} {exp.name:10} {exp.metric_accuracy:.3f}")
