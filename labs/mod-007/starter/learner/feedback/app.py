"""Feedback service: users say whether a prediction of the iris API was right (exercise flask-endpoint).

Run it from this folder and leave it running; --debug reloads it on every save:
    flask --app app run --host 0.0.0.0 --port 5000 --debug
The other components reach it at http://loadgen:5000.
"""

from flask import Flask, jsonify, request  # noqa: F401  (jsonify, request: for your views)

LABELS = ("setosa", "versicolor", "virginica")

app = Flask(__name__)

# The stored feedback, in memory (it is lost when the app restarts): id -> item.
FEEDBACK: dict[int, dict[str, object]] = {}

# TODO (exercise flask-endpoint):
#   GET  /health                     200 {"status": "ok"}
#   POST /feedback                   a JSON object {"label": ..., "correct": ..., "comment": ...}:
#                                    201 with the stored item and its id, or 400 {"error": ...}
#   GET  /feedback/<int:feedback_id> 200 the item, or 404 {"error": ...}
#   GET  /feedback?label=setosa      200 {"count": N, "items": [...]}, filtered when label is given
#   and Flask-CORS, so that a dashboard in a browser may read the answers.
