import io
import json

from capstone.client import ModelApiClient


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def fake_opener(answers):
    calls = []

    def opener(request, timeout):
        calls.append((request.get_method(), request.full_url, request.data))
        return FakeResponse(json.dumps(answers[request.full_url.rsplit("/", 1)[-1]]).encode())

    return opener, calls


def test_predict_posts_the_features_and_parses_the_answer():
    opener, calls = fake_opener(
        {
            "predict": {
                "label": "setosa",
                "probabilities": {"setosa": 0.98},
                "model_version": "1.0.0",
            }
        }
    )
    client = ModelApiClient("http://api/", opener=opener)
    prediction = client.predict(5.1, 3.5, 1.4, 0.2)
    assert prediction.label == "setosa"
    assert prediction.model_version == "1.0.0"
    method, url, body = calls[0]
    assert (method, url) == ("POST", "http://api/predict")
    assert json.loads(body)["petal_width"] == 0.2


def test_health():
    opener, _ = fake_opener({"health": {"status": "ok"}})
    assert ModelApiClient("http://api", opener=opener).health() == {"status": "ok"}
