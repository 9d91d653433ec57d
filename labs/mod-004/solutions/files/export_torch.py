"""Exercise torch-export: the trained IrisNet as TorchScript and as ONNX, compared."""

import json
from pathlib import Path

import onnxruntime as ort
import torch

from torch_train import IrisNet, read_csv

ROOT = Path(__file__).resolve().parent


def main() -> None:
    model = IrisNet()
    model.load_state_dict(torch.load(ROOT / "models/iris_net.pt"))
    model.eval()

    scripted = torch.jit.script(model)
    scripted.save(str(ROOT / "models/iris_net.torchscript.pt"))

    example = torch.zeros(1, 4)
    torch.onnx.export(
        model,
        example,
        str(ROOT / "models/iris_net.onnx"),
        input_names=["features"],
        output_names=["logits"],
        dynamic_axes={"features": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=13,
    )

    features, _ = read_csv(ROOT / "data/iris_test.csv")
    with torch.no_grad():
        expected = model(features)
        from_script = torch.jit.load(str(ROOT / "models/iris_net.torchscript.pt"))(features)
    session = ort.InferenceSession(str(ROOT / "models/iris_net.onnx"), providers=["CPUExecutionProvider"])
    from_onnx = torch.from_numpy(session.run(["logits"], {"features": features.numpy()})[0])
    report = {
        "n": len(features),
        "max_abs_diff_torchscript": (from_script - expected).abs().max().item(),
        "max_abs_diff_onnx": (from_onnx - expected).abs().max().item(),
    }
    (ROOT / "reports/torch_export.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
