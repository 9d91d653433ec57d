"""The application's one engine, with a bounded connection pool.

Reference solution of labs/mod-008 / connection-pooling: /home/learner/app/db.py.
"""

from __future__ import annotations

import os

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

engine = create_engine(
    os.environ["DATABASE_URL"],
    pool_size=5,  # connections kept open and reused
    max_overflow=0,  # never more than pool_size: the server's max_connections is shared
    pool_timeout=10,  # seconds a request waits for a free connection before it fails
    pool_pre_ping=True,  # test a connection on checkout and replace it if the server dropped it
    pool_recycle=1800,  # and replace connections older than 30 minutes
    connect_args={"application_name": "mlops-app"},
)
SessionLocal = sessionmaker(engine)
