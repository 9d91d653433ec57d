"""Scheduled retraining (milestone scheduled-retraining).

TODO: serve the flow train_pipeline (pipeline.flow) as a Prefect deployment with a schedule,
so that the Prefect server, not you, starts its runs: `train_pipeline.serve(name=..., cron=...)`
(or `interval=...`). `serve` registers the deployment and then keeps running: it is the process
that executes the scheduled runs, so start it in the background (see the lab instructions).
"""

from __future__ import annotations

from pipeline.flow import train_pipeline

if __name__ == "__main__":
    raise SystemExit(f"TODO: serve {train_pipeline.name} with a schedule (milestone scheduled-retraining)")
