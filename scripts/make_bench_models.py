"""Writes the production-size models the benchmarks measure into bench/models/ (gitignored).

Random weights (never committed): only the size and the graph's shape matter to a benchmark.
Run with Debian's /usr/bin/python3 (torch 1.13, torchvision 0.14: `apt-get install -y python3-torchvision`).
    /usr/bin/python3 scripts/make_bench_models.py
"""
import os

import torch
import torchvision

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "models")


def resnet18(path):
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval()
    with torch.no_grad():
        torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, opset_version=17,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    path = os.path.join(OUT, "resnet18.onnx")
    if not os.path.exists(path):
        resnet18(path)
    print(path, os.path.getsize(path))


if __name__ == "__main__":
    main()
