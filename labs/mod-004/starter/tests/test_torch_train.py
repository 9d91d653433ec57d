import json

import pytest
import torch
from torch import nn

from torch_train import IrisNet, read_csv


@pytest.fixture
def trained(root):
    weights = root / "models/iris_net.pt"
    assert weights.exists(), "run torch_train.py first"
    model = IrisNet()
    model.load_state_dict(torch.load(weights))
    return model.eval()


def test_network_has_a_hidden_layer():
    linears = [m for m in IrisNet().modules() if isinstance(m, nn.Linear)]
    assert len(linears) >= 2, "two nn.Linear layers: 4 -> hidden -> 3"
    assert linears[0].in_features == 4 and linears[-1].out_features == 3


def test_standardisation_travels_with_the_weights(root, trained):
    features, _ = read_csv(root / "data/iris_train.csv")
    torch.testing.assert_close(trained.mean, features.mean(dim=0))
    torch.testing.assert_close(trained.std, features.std(dim=0))


def test_saved_model_classifies_the_test_set(root, trained):
    features, labels = read_csv(root / "data/iris_test.csv")
    with torch.no_grad():
        logits = trained(features)
    assert logits.shape == (30, 3), "one row of 3 class scores per flower"
    accuracy = (logits.argmax(dim=1) == labels).float().mean().item()
    assert accuracy >= 0.9
    report = json.loads((root / "reports/torch_metrics.json").read_text())
    assert report["test_accuracy"] == pytest.approx(accuracy)


def test_the_loss_went_down(root):
    report = json.loads((root / "reports/torch_metrics.json").read_text())
    losses = report["losses"]
    assert report["epochs"] == len(losses) == 200
    assert losses[-1] < losses[0] / 5, "the training loop should cut the loss by far more"
