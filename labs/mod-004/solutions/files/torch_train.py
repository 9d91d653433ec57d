"""Exercise torch-training: a small neural network for the iris flowers, trained by hand."""

import csv
import json
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
        self.register_buffer("mean", torch.zeros(4))
        self.register_buffer("std", torch.ones(4))
        self.hidden = nn.Linear(4, hidden)
        self.out = nn.Linear(hidden, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = (x - self.mean) / self.std
        return self.out(torch.relu(self.hidden(x)))


def train(epochs: int = 200) -> tuple[IrisNet, list[float]]:
    torch.manual_seed(0)
    features, labels = read_csv(ROOT / "data/iris_train.csv")
    model = IrisNet()
    model.mean.copy_(features.mean(dim=0))
    model.std.copy_(features.std(dim=0))
    optimiser = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for _ in range(epochs):
        optimiser.zero_grad()
        loss = loss_fn(model(features), labels)
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    return model, losses


def main() -> None:
    model, losses = train()
    (ROOT / "models").mkdir(exist_ok=True)
    torch.save(model.state_dict(), ROOT / "models/iris_net.pt")

    loaded = IrisNet()
    loaded.load_state_dict(torch.load(ROOT / "models/iris_net.pt"))
    loaded.eval()
    features, labels = read_csv(ROOT / "data/iris_test.csv")
    with torch.no_grad():
        accuracy = (loaded(features).argmax(dim=1) == labels).float().mean().item()
    report = {"epochs": len(losses), "losses": losses, "test_accuracy": accuracy}
    (ROOT / "reports").mkdir(exist_ok=True)
    (ROOT / "reports/torch_metrics.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"loss {losses[0]:.3f} -> {losses[-1]:.3f}, test accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
