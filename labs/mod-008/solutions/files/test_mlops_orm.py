"""Tests of mlops_orm against the live mlops database. Every test runs in a transaction that is
rolled back, so the tests leave no rows behind.

Reference solution of labs/mod-008 / database-testing: /home/learner/app/test_mlops_orm.py.
Run: python3 -m pytest -q test_mlops_orm.py
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from mlops_orm import Experiment, Model, best_experiments
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import Session

NOW = datetime(2024, 7, 1, tzinfo=UTC)


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    engine = create_engine(os.environ["DATABASE_URL"])
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside an outer transaction that is always rolled back; the code under test may
    even commit: with create_savepoint its commits only release savepoints."""
    with engine.connect() as connection:
        outer = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            yield session
        outer.rollback()


def add_model(session: Session, model_id: int, accuracies: dict[int, tuple[float | None, str]]) -> Model:
    """A new model with one experiment per (id -> (accuracy, status)); the tables have no id
    sequences, so the rows carry ids far above the seeded ones."""
    model = Model(id=model_id, name=f"test-model-{model_id}", framework="none", owner="tests", created_at=NOW)
    session.add(model)
    for exp_id, (accuracy, status) in accuracies.items():
        session.add(
            Experiment(
                id=exp_id,
                model=model,
                name=f"exp-{exp_id}",
                params={},
                metric_accuracy=accuracy,
                status=status,
                started_at=NOW,
                finished_at=None if status == "running" else NOW,
            )
        )
    session.flush()
    return model


def test_picks_the_most_accurate_finished_experiment(session: Session) -> None:
    add_model(
        session,
        10_001,
        {
            100_001: (0.61, "finished"),
            100_002: (0.93, "finished"),
            100_003: (0.99, "running"),  # better, but not finished
            100_004: (None, "failed"),
        },
    )
    best = {exp.model.name: exp for exp in best_experiments(session)}
    assert best["test-model-10001"].id == 100_002


def test_one_experiment_per_model(session: Session) -> None:
    add_model(session, 10_002, {100_011: (0.5, "finished"), 100_012: (0.7, "finished")})
    names = [exp.model.name for exp in best_experiments(session)]
    assert len(names) == len(set(names))
    assert len(names) == session.scalar(select(func.count()).select_from(Model))


def test_a_model_without_finished_experiments_is_left_out(session: Session) -> None:
    add_model(session, 10_003, {100_021: (0.9, "running")})
    assert "test-model-10003" not in {exp.model.name for exp in best_experiments(session)}
