import json
import subprocess
import sys

import numpy as np
import onnxruntime as ort
import pytest
import torch

from torch_train import IrisNet, read_csv


@pytest.fixture
def reference(root):
    model = IrisNet()
    model.load_state_dict(torch.load(root / "models/iris_net.pt"))
    features, _ = read_csv(root / "data/iris_test.csv")
    with torch.no_grad():
        return features, model.eval()(features)


def test_torchscript_runs_without_the_source(root):
    path = root / "models/iris_net.torchscript.pt"
    assert path.exists(), "run export_torch.py first"
    # -I: a fresh interpreter that cannot import torch_train, as a serving process would be.
    code = f"import torch; print(tuple(torch.jit.load({str(path)!r})(torch.zeros(5, 4)).shape))"
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "(5, 3)"


def test_torchscript_matches_pytorch(root, reference):
    features, expected = reference
    scripted = torch.jit.load(str(root / "models/iris_net.torchscript.pt"))
    with torch.no_grad():
        torch.testing.assert_close(scripted(features), expected)


def test_onnx_matches_pytorch_for_any_batch_size(root, reference):
    features, expected = reference
    session = ort.InferenceSession(str(root / "models/iris_net.onnx"), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["features"]
    assert [o.name for o in session.get_outputs()] == ["logits"]
    for rows in (features[:1], features):
        logits = session.run(["logits"], {"features": rows.numpy()})[0]
        np.testing.assert_allclose(logits, expected[: len(rows)].numpy(), atol=1e-4)


def test_comparison_report(root):
    report = json.loads((root / "reports/torch_export.json").read_text())
    assert report["n"] == 30
    assert 0 <= report["max_abs_diff_torchscript"] < 1e-4
    assert 0 <= report["max_abs_diff_onnx"] < 1e-4
