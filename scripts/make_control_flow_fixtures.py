"""Control-flow and old-IR fixtures (issue 10): If, Loop, and initializers listed as graph inputs.

Run with Debian's /usr/bin/python3 (torch 1.13, onnx 1.12):
    /usr/bin/python3 scripts/make_control_flow_fixtures.py [name ...]
Models are scripted (torch.jit.script) so that data-dependent control flow stays If/Loop nodes;
their branch/body weights are main-graph initializers read from inside the subgraph, as
PyTorch writes them. Random weights; each file is a few KB.
"""
import os
import sys

import numpy as np
import onnx
import torch
from torch import nn

import fixture_common as fc


class IfBranchNet(nn.Module):
    """A CNN whose middle block runs only when the input's mean is positive (an If), else a scale."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                                  nn.Conv2d(8, 8, 3, padding=1), nn.ReLU())
        self.branch = nn.Sequential(nn.Conv2d(8, 12, 3, padding=1), nn.ReLU(), nn.Conv2d(12, 8, 1))
        self.head = nn.Linear(8, 10)

    def forward(self, x):
        y = self.stem(x)
        if bool(x.mean() > 0):
            y = y + self.branch(y)
        else:
            y = y * 0.5
        return self.head(y.mean(dim=[2, 3]))


class LoopNet(nn.Module):
    """An MLP, then a recurrent cell applied `steps` times (a Loop whose body reads the cell's weights)."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(8, 24), nn.ReLU(), nn.Linear(24, 16))
        self.cell = nn.Linear(16, 16)
        self.head = nn.Linear(16, 4)

    def forward(self, x):
        h = self.encoder(x)
        # A data-dependent trip count (1 to 3) keeps the loop a Loop: a constant range would be unrolled.
        steps = int(torch.clamp(x.abs().mean() * 4.0, 1.0, 3.0).to(torch.int64))
        for _ in range(steps):
            h = torch.tanh(self.cell(h)) + h
        return self.head(h)


class OldIrCnn(nn.Module):
    """A small conv net with a residual block, exported the old way (weights listed as graph inputs)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.conv3 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = y + torch.relu(self.conv2(y))
        y = torch.relu(self.conv3(y))
        return self.fc(y.mean(dim=[2, 3]))


def export_checked(model, x, path, opset, dyn, **kw):
    model.eval()
    torch.onnx.export(model, (x,), path, opset_version=opset, input_names=["input"], output_names=["logits"],
                      dynamic_axes=dyn, do_constant_folding=True, **kw)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    return m


SPECS = {
    "if_branch_net": dict(
        seed=21, build=lambda: torch.jit.script(IfBranchNet()), shape=[2, 3, 8, 8], sizes=[[1, 3, 8, 8], [2, 3, 8, 8]],
        opset=14, family="control-flow-if", dyn={"input": {0: "batch"}, "logits": {0: "batch"}},
        notes="torch.jit.script: stem conv-bn-relu-conv-relu, then If(mean(x) > 0): y + branch(y) "
              "(conv 8->12->8, weights are main-graph initializers read only inside then_branch) else y * 0.5; "
              "mean pooling, Linear head (10). Random weights."),
    "loop_net": dict(
        seed=22, build=lambda: torch.jit.script(LoopNet()), shape=[2, 8], sizes=[[1, 8], [3, 8]],
        opset=14, family="control-flow-loop", dyn={"input": {0: "batch"}, "logits": {0: "batch"}},
        notes="torch.jit.script: MLP encoder 8->24->16, then a Loop of 1 to 3 steps (trip count computed from the input) h = tanh(cell(h)) + h "
              "(cell weights read only inside the Loop body), Linear head (4). Random weights."),
    "old_ir_cnn": dict(
        seed=23, build=lambda: OldIrCnn(), shape=[2, 3, 8, 8], sizes=[[1, 3, 8, 8], [2, 3, 8, 8]],
        opset=9, family="old-ir", dyn={"input": {0: "batch"}, "logits": {0: "batch"}},
        kw=dict(keep_initializers_as_inputs=True), ir_version=3,
        notes="opset 9, keep_initializers_as_inputs=True, IR version set to 3 as old PyTorch wrote it: "
              "every weight is also listed as a graph input. conv-bn-relu, residual conv, strided conv, "
              "mean pooling, Linear (10). Random weights."),
}


def main():
    only = set(sys.argv[1:])
    entries = []
    for name, spec in SPECS.items():
        if only and name not in only:
            continue
        fc.seed_everything(spec["seed"])
        model = spec["build"]()
        g = torch.Generator().manual_seed(spec["seed"])
        x = torch.randn(spec["shape"], generator=g)
        file = f"{name}_op{spec['opset']}.onnx"
        path = os.path.join(fc.MODELS, file)
        m = export_checked(model, x, path, spec["opset"], spec["dyn"], **spec.get("kw", {}))
        if "ir_version" in spec:
            m.ir_version = spec["ir_version"]
            fc.save_checked(m, path)
        sizes = [{"input": s} for s in spec["sizes"]]
        entries.append(fc.manifest_entry(m, file, spec["family"], spec["opset"], sizes, spec["notes"]))
        print(f"{name}: ok, {os.path.getsize(path)} bytes, ops {dict(fc.op_counts(m))}")
    fc.update_manifest(entries)


if __name__ == "__main__":
    main()
