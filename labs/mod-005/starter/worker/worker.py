"""Batch scoring worker: needs MODEL_PATH pointing at an existing model file."""

import os
import sys
import time

path = os.environ.get("MODEL_PATH")
if not path:
    print("worker: MODEL_PATH is not set", file=sys.stderr, flush=True)
    sys.exit(1)
if not os.path.isfile(path):
    print(f"worker: model file {path} not found (is the volume mounted?)", file=sys.stderr, flush=True)
    sys.exit(2)
print(f"worker ready, model={path}", flush=True)
while True:
    time.sleep(30)
    print("worker: heartbeat", flush=True)
