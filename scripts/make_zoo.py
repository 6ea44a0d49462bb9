"""Exports torchvision architectures (random weights, no downloads) as a real-architecture check set.

    /usr/bin/python3 scripts/make_zoo.py [OUT_DIR] [name ...]     # default OUT_DIR: corpus/.cache/zoo

These are the layouts people prune most (ResNet, MobileNet v2/v3 with squeeze-excitation and
hardswish, EfficientNet, RegNet with grouped convs, ShuffleNet's channel shuffle, DenseNet's
concatenations, GoogLeNet/Inception branches, SqueezeNet fire modules, ConvNeXt's channels-last
LayerNorm and layer scale, ViT, Swin's shifted windows, segmentation heads). The files are large
(up to ~350 MB) and never committed; `MODELS=corpus/.cache/zoo scripts/verify-fixtures.sh OUT`
runs every one through inspect, `prune --ratio 0.3 --verify` and an onnxruntime load.

Variants of a few (the forms real files come in): `_oldir_op9` exported at opset 9 with
`keep_initializers_as_inputs=True` (IR 3-style weights listed as graph inputs, as PyTorch 1.2-1.7
wrote by default), and `_fp16` (every float tensor converted to float16, as onnxconverter-common's
whole-model conversion writes it).
"""
import os
import sys

import onnx
import torch
import torchvision.models as tvm

sys.path.insert(0, os.path.dirname(__file__))
from make_fp16_fixture import convert as to_fp16  # noqa: E402
import torchvision.models.segmentation as seg

# name -> (constructor, input size, opset)
ZOO = {
    "resnet18": (lambda: tvm.resnet18(), 64, 17),
    "resnet50": (lambda: tvm.resnet50(), 64, 13),
    "resnext50_32x4d": (lambda: tvm.resnext50_32x4d(), 64, 17),
    "wide_resnet50_2": (lambda: tvm.wide_resnet50_2(), 64, 17),
    "mobilenet_v2": (lambda: tvm.mobilenet_v2(), 64, 17),
    "mobilenet_v3_small": (lambda: tvm.mobilenet_v3_small(), 64, 17),
    "mobilenet_v3_large": (lambda: tvm.mobilenet_v3_large(), 64, 14),
    "efficientnet_b0": (lambda: tvm.efficientnet_b0(), 64, 17),
    "regnet_y_400mf": (lambda: tvm.regnet_y_400mf(), 64, 17),
    "shufflenet_v2_x0_5": (lambda: tvm.shufflenet_v2_x0_5(), 64, 17),
    "squeezenet1_1": (lambda: tvm.squeezenet1_1(), 64, 11),
    "densenet121": (lambda: tvm.densenet121(), 64, 17),
    "googlenet": (lambda: tvm.googlenet(aux_logits=False, init_weights=True), 64, 17),
    "mnasnet0_5": (lambda: tvm.mnasnet0_5(), 64, 17),
    "vgg11_bn": (lambda: tvm.vgg11_bn(), 224, 17),
    "alexnet": (lambda: tvm.alexnet(), 224, 17),
    "convnext_tiny": (lambda: tvm.convnext_tiny(), 64, 17),
    "vit_b_16": (lambda: tvm.vit_b_16(image_size=64), 64, 17),
    "swin_t": (lambda: tvm.swin_t(), 64, 17),
    "lraspp_mobilenet_v3_large": (lambda: seg.lraspp_mobilenet_v3_large(weights_backbone=None), 64, 17),
    "fcn_resnet50": (lambda: seg.fcn_resnet50(weights_backbone=None, aux_loss=False), 64, 17),
}


OLD_IR = ["resnet18", "mobilenet_v2", "squeezenet1_1", "densenet121"]
FP16 = ["resnet18", "mobilenet_v3_small", "convnext_tiny", "efficientnet_b0"]


class FirstOutput(torch.nn.Module):
    """Segmentation models return a dict; the export wants a tensor."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x):
        y = self.m(x)
        return y["out"] if isinstance(y, dict) else y


def main():
    args = sys.argv[1:]
    out = args.pop(0) if args and not args[0] in ZOO else "corpus/.cache/zoo"
    names = args or list(ZOO)
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    for name in names:
        make, size, opset = ZOO[name]
        model = FirstOutput(make()).eval()
        x = torch.randn(1, 3, size, size)
        path = os.path.join(out, f"{name}_op{opset}.onnx")
        export(model, x, path, opset)
        if name in OLD_IR:
            export(model, x, os.path.join(out, f"{name}_oldir_op9.onnx"), 9, keep_initializers_as_inputs=True)
        if name in FP16:
            half = os.path.join(out, f"{name}_fp16_op{opset}.onnx")
            onnx.save(to_fp16(onnx.load(path)), half)
            print(f"{half}: {os.path.getsize(half) / 1e6:.1f} MB")


def export(model, x, path, opset, **kw):
    torch.onnx.export(
        model, x, path, opset_version=opset, input_names=["input"], output_names=["output"],
        dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, **kw,
    )
    print(f"{path}: {os.path.getsize(path) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
