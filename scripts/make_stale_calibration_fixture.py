"""The stale-calibration-after-pruning fixture: a digits MLP, and the same MLP after a usual
pruning pipeline (fc2 pruned to 10 of its 128 units by L1 norm, then fine-tuned to recover).
Fine-tuning makes the few remaining units carry what the removed ones did (fc3's input range grows
from ~11 to ~38), so the dense model's cached
per-tensor ranges clip the pruned model's: quantizing it with them costs accuracy that
recalibrating does not. The script measures that with a fake-quant simulation (uint8 asymmetric
per-tensor activations, int8 symmetric per-channel weights, as onnxruntime's QDQ quantizer), and
the scenario measures it again with pruneguard's own quantizer.

Run with /usr/bin/python3 (torch 1.13, onnx 1.12, sklearn). Writes
fixtures/models/digits_mlp_op17.onnx, fixtures/models/digits_mlp_pruned_finetuned_op17.onnx.
Evaluation data: fixtures/data/digits_eval.npz (the hold-out split of train_fixtures.py).
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_common as fc  # noqa: E402
from train_fixtures import digits_data  # noqa: E402

# fc2 keeps 10 of its 128 units: the smallest pruning in a sweep (1/4, 1/8, 12, 10, 9, 8 units) whose
# stale ranges cost 3-7 points in the simulation (1/8 and more: under 0.2; 8 units: 9).
KEEP = float(os.environ.get("KEEP", 10 / 128))


class DigitsMLP(nn.Module):
    def __init__(self, hidden1=256, hidden2=128):
        super().__init__()
        self.fc1 = nn.Linear(64, hidden1)
        self.fc2 = nn.Linear(hidden1, hidden2)
        self.fc3 = nn.Linear(hidden2, 10)

    def forward(self, x):
        h1 = F.relu(self.fc1(torch.flatten(x, 1)))
        h2 = F.relu(self.fc2(h1))
        return self.fc3(h2)


def train(model, xtr, ytr, epochs, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    xt, yt = torch.from_numpy(xtr), torch.from_numpy(ytr)
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(yt))
        for i in range(0, len(yt), 64):
            idx = perm[i:i + 64]
            loss = F.cross_entropy(model(xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    return model


def prune_fc2(dense):
    """Keeps the KEEP fraction of fc2's units with the largest L1 norm (and fc3's matching columns)."""
    n = dense.fc2.out_features
    keep = dense.fc2.weight.detach().abs().sum(1).argsort(descending=True)[: int(n * KEEP)].sort().values
    pruned = DigitsMLP(dense.fc1.out_features, len(keep))
    with torch.no_grad():
        pruned.fc1.load_state_dict(dense.fc1.state_dict())
        pruned.fc2.weight.copy_(dense.fc2.weight[keep])
        pruned.fc2.bias.copy_(dense.fc2.bias[keep])
        pruned.fc3.weight.copy_(dense.fc3.weight[:, keep])
        pruned.fc3.bias.copy_(dense.fc3.bias)
    return pruned


def site_inputs(model, x):
    """The input activation of each Linear (the quantization sites)."""
    with torch.no_grad():
        a1 = torch.flatten(x, 1)
        a2 = F.relu(model.fc1(a1))
        a3 = F.relu(model.fc2(a2))
    return [a1, a2, a3]


def fake_quant_accuracy(model, ranges, x, y):
    def qa(t, r):
        lo, hi = min(r[0], 0.0), max(r[1], 0.0)
        scale = (hi - lo) / 255 or 1.0
        zp = round(-lo / scale)
        return (torch.clamp(torch.round(t / scale) + zp, 0, 255) - zp) * scale

    def qw(w):
        s = w.abs().amax(1, keepdim=True) / 127
        s[s == 0] = 1
        return torch.round(w / s).clamp(-127, 127) * s

    with torch.no_grad():
        h = qa(torch.flatten(x, 1), ranges[0])
        h = qa(F.relu(F.linear(h, qw(model.fc1.weight), model.fc1.bias)), ranges[1])
        h = qa(F.relu(F.linear(h, qw(model.fc2.weight), model.fc2.bias)), ranges[2])
        logits = F.linear(h, qw(model.fc3.weight), model.fc3.bias)
    return float((logits.argmax(1).numpy() == y).mean())


def accuracy(model, x, y):
    with torch.no_grad():
        return float((model(torch.from_numpy(x)).argmax(1).numpy() == y).mean())


def main():
    fc.seed_everything(0)
    xtr, ytr, xte, yte = digits_data()
    dense = train(DigitsMLP(), xtr, ytr, epochs=30, lr=3e-3)
    pruned = train(prune_fc2(dense), xtr, ytr, epochs=int(os.environ.get("FT_EPOCHS", 20)),
                   lr=float(os.environ.get("FT_LR", 3e-3)))
    # Calibration: the first 256 evaluation images, as the scenario calibrates.
    cal = torch.from_numpy(xte[:256])
    ranges = lambda m: [(float(a.min()), float(a.max())) for a in site_inputs(m, cal)]  # noqa: E731
    x = torch.from_numpy(xte)
    res = {
        "dense": accuracy(dense, xte, yte), "pruned_float": accuracy(pruned, xte, yte),
        "stale": fake_quant_accuracy(pruned, ranges(dense), x, yte),
        "fresh": fake_quant_accuracy(pruned, ranges(pruned), x, yte),
        "ranges_dense": ranges(dense), "ranges_pruned": ranges(pruned),
    }
    print(json.dumps(res, indent=1))
    if os.environ.get("DRY"):
        return
    out = {}
    for name, m in (("digits_mlp_op17.onnx", dense), ("digits_mlp_pruned_finetuned_op17.onnx", pruned)):
        model = fc.export(m, (torch.from_numpy(xte[:2]),), os.path.join(fc.MODELS, name), 17, ["input"],
                          ["logits"], {"input": {0: "batch"}, "logits": {0: "batch"}})
        out[name] = fc.manifest_entry(
            model, name, "mlp-digits", 17, [{"input": [1, 1, 8, 8]}, {"input": [32, 1, 8, 8]}],
            "scripts/make_stale_calibration_fixture.py: digits MLP 64-256-128-10"
            + (" after fc2 pruned to 10 units (L1) and fine-tuned 20 epochs" if "pruned" in name else "")
            + ". Eval: fixtures/data/digits_eval.npz.")
    fc.update_manifest(list(out.values()))


if __name__ == "__main__":
    main()
