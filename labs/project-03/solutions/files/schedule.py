"""Scheduled retraining (milestone scheduled-retraining): the flow train-pipeline as a Prefect
deployment with a schedule. `serve` registers the deployment `retrain` with the Prefect server,
whose scheduler then creates the runs, and keeps running to execute them (a subprocess each).
Every minute, so that you see it work; a team retrains daily (cron "0 3 * * *") or when new
data arrives (a trigger on an event instead of a schedule)."""

from __future__ import annotations

from pipeline.flow import train_pipeline

if __name__ == "__main__":
    train_pipeline.serve(
        name="retrain",
        cron="* * * * *",
        parameters={"path": "data/raw/wine.csv"},
        description="Retrain, evaluate and promote the wine classifier on a schedule",
        tags=["retraining"],
        limit=1,  # never two trainings at once: a late run waits for the one before
    )
