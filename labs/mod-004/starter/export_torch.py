"""Exercise torch-export: the trained IrisNet as TorchScript and as ONNX, compared.

- load IrisNet from models/iris_net.pt (the state_dict torch-training saved) and call eval()
- TorchScript: compile it with torch.jit.script (or record it with torch.jit.trace) and save
  models/iris_net.torchscript.pt; it must load with torch.jit.load without this source code
- ONNX: torch.onnx.export to models/iris_net.onnx with the input named "features", the output
  named "logits" and a dynamic first (batch) dimension, so any number of rows can be sent
- run data/iris_test.csv through the PyTorch model, the TorchScript one and ONNX Runtime and
  write reports/torch_export.json: {"n": rows compared, "max_abs_diff_torchscript": ...,
  "max_abs_diff_onnx": ...}, the largest absolute difference from the PyTorch model's logits
"""


def main() -> None:
    raise NotImplementedError("exercise torch-export")


if __name__ == "__main__":
    main()
