"""Feedback service: users say whether a prediction of the iris API was right (exercise flask-endpoint).

Run it from this folder and leave it running; --debug reloads it on every save:
    flask --app app run --host 0.0.0.0 --port 5000 --debug
The other components reach it at http://loadgen:5000.
"""

import itertools
import threading

from flask import Flask, jsonify, request
from flask_cors import CORS

LABELS = ("setosa", "versicolor", "virginica")

app = Flask(__name__)
CORS(app)  # Access-Control-Allow-Origin on every answer: a dashboard in a browser may read them

# The stored feedback, in memory (it is lost when the app restarts): id -> item. The development
# server handles requests in threads, hence the lock.
FEEDBACK: dict[int, dict[str, object]] = {}
_ids = itertools.count(1)
_lock = threading.Lock()


def error(message: str, status: int):
    return jsonify(error=message), status


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/feedback")
def create_feedback():
    body = request.get_json(silent=True)  # None when the body is not JSON
    if not isinstance(body, dict):
        return error("the body must be a JSON object", 400)
    label, correct, comment = body.get("label"), body.get("correct"), body.get("comment", "")
    if label not in LABELS:
        return error(f"label must be one of {', '.join(LABELS)}", 400)
    if not isinstance(correct, bool):
        return error("correct must be true or false", 400)
    if not isinstance(comment, str) or len(comment) > 500:
        return error("comment must be a string of at most 500 characters", 400)
    with _lock:
        item = {"id": next(_ids), "label": label, "correct": correct, "comment": comment}
        FEEDBACK[item["id"]] = item
    return jsonify(item), 201, {"Location": f"/feedback/{item['id']}"}


@app.get("/feedback/<int:feedback_id>")
def get_feedback(feedback_id: int):
    item = FEEDBACK.get(feedback_id)
    if item is None:
        return error(f"no feedback {feedback_id}", 404)
    return jsonify(item)


@app.get("/feedback")
def list_feedback():
    label = request.args.get("label")
    if label is not None and label not in LABELS:
        return error(f"label must be one of {', '.join(LABELS)}", 400)
    with _lock:
        items = [item for item in FEEDBACK.values() if label is None or item["label"] == label]
    return jsonify(count=len(items), items=items)
