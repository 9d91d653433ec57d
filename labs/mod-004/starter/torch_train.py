"""Exercise torch-training: a small neural network for the iris flowers, trained by hand.

- IrisNet: two nn.Linear layers (4 -> hidden -> 3) with a ReLU between them; forward() first
  standardises its input with the buffers `mean` and `std`, then returns raw class scores
  (logits), one row per flower
- train(): read data/iris_train.csv, put the training features' mean and std into the model's
  buffers, and run a training loop: 200 epochs over the whole training set, each one zeroing the
  gradients, computing the cross-entropy loss, calling backward() and stepping an Adam optimiser
  (learning rate 0.01); record each epoch's loss
- save the model's state_dict to models/iris_net.pt with torch.save
- load it back into a fresh IrisNet, measure its accuracy on data/iris_test.csv and write
  reports/torch_metrics.json: {"epochs": 200, "losses": [one per epoch], "test_accuracy": ...}
"""

import csv
from pathlib import Path

import torch
from torch import nn

ROOT = Path(__file__).resolve().parent


def read_csv(path: Path) -> tuple[torch.Tensor, torch.Tensor]:
    """Features as a float32 tensor, labels (the last column) as int64."""
    with path.open() as fh:
        rows = list(csv.reader(fh))[1:]
    features = torch.tensor([[float(v) for v in r[:-1]] for r in rows], dtype=torch.float32)
    labels = torch.tensor([int(r[-1]) for r in rows], dtype=torch.int64)
    return features, labels


class IrisNet(nn.Module):
    def __init__(self, hidden: int = 16) -> None:
        super().__init__()
        # Buffers are saved in the state_dict beside the weights but never trained: whoever
        # loads the model gets the standardisation it was trained with.
        self.register_buffer("mean", torch.zeros(4))
        self.register_buffer("std", torch.ones(4))
        raise NotImplementedError("exercise torch-training: the layers")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("exercise torch-training: forward")


def train(epochs: int = 200) -> tuple[IrisNet, list[float]]:
    torch.manual_seed(0)
    raise NotImplementedError("exercise torch-training: the training loop")


def main() -> None:
    raise NotImplementedError("exercise torch-training")


if __name__ == "__main__":
    main()
