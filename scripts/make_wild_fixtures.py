"""Writes small fixtures of idioms real exports contain that once over-blocked pruning (opset 17).

    /usr/bin/python3 scripts/make_wild_fixtures.py              # every model
    /usr/bin/python3 scripts/make_wild_fixtures.py fulllike_attn

- fulllike_attn: attention that masks with torch.full_like(scores, -1e9) + where (PyTorch's
  full_like / masked_fill idiom: ConstantOfShape(Shape(scores))).
- resize_cast_cnn: F.interpolate with sizes computed from the input size through int()/float
  arithmetic (Shape -> Gather -> Cast -> Mul -> Cast -> Concat -> Resize), and F.pad with amounts
  computed from constants.
- shortcut_a_cnn: ResNet option-A shortcut: the residual's extra channels are zeros
  (torch.zeros_like on a strided slice, concatenated on the channel axis).
- resize_cast_sizes: written with onnx.helper (tf2onnx's form): Resize whose sizes are
  Cast(Floor(Mul(Cast(Shape(x), float), scales [1, 1, 2, 2])), int64), between two convs.
Random weights, deterministic.
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

import fixture_common as fc


class FullLikeAttention(nn.Module):
    def __init__(self, d=16, heads=4):
        super().__init__()
        self.h, self.hd = heads, d // heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=-1)
        q = q.view(b, t, self.h, self.hd).transpose(1, 2)
        k = k.view(b, t, self.h, self.hd).transpose(1, 2)
        v = v.view(b, t, self.h, self.hd).transpose(1, 2)
        scores = q @ k.transpose(-2, -1) / self.hd ** 0.5
        causal = torch.ones(t, t, dtype=torch.bool).tril()
        scores = torch.where(causal, scores, torch.full_like(scores, -1e9))
        y = scores.softmax(-1) @ v
        return self.proj(y.transpose(1, 2).reshape(b, t, d))


class FullLikeModel(nn.Module):
    def __init__(self, vocab=50, d=16):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.attn = FullLikeAttention(d)
        self.head = nn.Linear(d, vocab)

    def forward(self, ids):
        x = self.emb(ids)
        return self.head(x + self.attn(x))


class ResizeCastCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.c2 = nn.Conv2d(8, 8, 3, padding=1)
        self.c3 = nn.Conv2d(8, 4, 1)

    def forward(self, x):
        y = F.relu(self.c1(x))
        h, w = y.shape[2], y.shape[3]
        y = F.interpolate(y, size=(int(h * 1.5), int(w * 1.5)), mode="nearest")
        pad = int(self.c1.kernel_size[0] // 2)
        y = F.pad(y, (pad, pad, pad, pad), mode="reflect")
        y = F.relu(self.c2(y))
        return self.c3(y)


class ShortcutA(nn.Module):
    """Option-A basic block: stride-2 conv, identity shortcut subsampled and zero-padded with new channels."""

    def __init__(self, cin, cout):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride=2, padding=1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.extra = cout - cin

    def forward(self, x):
        y = self.b2(self.c2(F.relu(self.b1(self.c1(x)))))
        s = x[:, :, ::2, ::2]
        s = torch.cat([s, torch.zeros_like(s)[:, : self.extra]], dim=1)
        return F.relu(y + s)


class ShortcutACnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.block = ShortcutA(8, 16)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        y = self.block(F.relu(self.stem(x)))
        return self.fc(y.mean((2, 3)))


def randomize_bn(model):
    g = torch.Generator().manual_seed(3)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=g) * 0.1)


SPECS = {
    "fulllike_attn": dict(make=FullLikeModel, family="attention-masked-fill", kind="tokens", vocab=50,
                          sizes=[[1, 6], [2, 9]],
                          notes="Embedding (50x16), one 4-head attention layer whose causal mask is "
                                "torch.where(tril, scores, torch.full_like(scores, -1e9)); residual; head."),
    "resize_cast_cnn": dict(make=ResizeCastCnn, family="cnn-resize-cast", kind="image",
                            sizes=[[1, 3, 12, 12], [2, 3, 12, 12]],
                            notes="Conv, F.interpolate to int(1.5*size) computed at run time through Cast, "
                                  "reflect F.pad of computed constant amounts, Conv, Conv."),
    "shortcut_a_cnn": dict(make=ShortcutACnn, family="cnn-shortcut-a", kind="image",
                           sizes=[[1, 3, 16, 16], [2, 3, 16, 16]],
                           notes="Stem conv, one option-A basic block (8 -> 16 channels, stride 2): the "
                                 "shortcut is x[:, :, ::2, ::2] concatenated with zeros_like channels; GAP; Linear."),
}


def resize_cast_sizes():
    """Conv(3->6) -> Relu -> Resize(sizes computed through Cast/Mul/Floor/Cast) -> Conv(6->4)."""
    rng = np.random.default_rng(5)
    init = [numpy_helper.from_array(a.astype(np.float32), n) for n, a in [
        ("c1.weight", rng.normal(size=(6, 3, 3, 3)) * 0.3), ("c1.bias", rng.normal(size=6) * 0.1),
        ("c2.weight", rng.normal(size=(4, 6, 1, 1)) * 0.3), ("c2.bias", rng.normal(size=4) * 0.1),
        ("scales", np.array([1, 1, 2, 2]))]]
    nodes = [
        helper.make_node("Conv", ["input", "c1.weight", "c1.bias"], ["c1"], pads=[1, 1, 1, 1], name="c1"),
        helper.make_node("Relu", ["c1"], ["r1"], name="r1"),
        helper.make_node("Shape", ["r1"], ["shape"], name="shape"),
        helper.make_node("Cast", ["shape"], ["shape_f"], to=TensorProto.FLOAT, name="cast_f"),
        helper.make_node("Mul", ["shape_f", "scales"], ["scaled"], name="mul"),
        helper.make_node("Floor", ["scaled"], ["floored"], name="floor"),
        helper.make_node("Cast", ["floored"], ["sizes"], to=TensorProto.INT64, name="cast_i"),
        helper.make_node("Resize", ["r1", "", "", "sizes"], ["up"], mode="nearest", name="resize"),
        helper.make_node("Conv", ["up", "c2.weight", "c2.bias"], ["logits"], name="c2"),
    ]
    graph = helper.make_graph(nodes, "resize_cast_sizes",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3, "h", "w"])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 4, "2*h", "2*w"])], init)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="pruneguard-fixtures")
    m.ir_version = 8
    m.opset_import[0].ClearField("domain")  # the default domain unset, as exporters write it
    return m


def main():
    only = set(sys.argv[1:])
    entries = []
    if not only or "resize_cast_sizes" in only:
        m = resize_cast_sizes()
        file = "resize_cast_sizes_op17.onnx"
        fc.save_checked(m, os.path.join(fc.MODELS, file))
        entries.append(fc.manifest_entry(m, file, "cnn-resize-cast", 17, [{"input": [1, 3, 6, 6]}, {"input": [2, 3, 5, 7]}],
                                         "onnx.helper (tf2onnx's form): Resize sizes = Cast(Floor(Mul(Cast(Shape(x), "
                                         "float), [1,1,2,2])), int64) between Conv(3->6) and Conv(6->4). Random weights."))
        print("resize_cast_sizes: ok")
    for name, spec in SPECS.items():
        if only and name not in only:
            continue
        fc.seed_everything(7)
        model = spec["make"]().eval()
        randomize_bn(model)
        tokens = spec["kind"] == "tokens"
        in_name = "input_ids" if tokens else "input"
        dyn = {in_name: {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}} if tokens else {in_name: {0: "batch"}, "logits": {0: "batch"}}
        g = torch.Generator().manual_seed(11)
        ref_shape = spec["sizes"][1]
        x = torch.randint(0, spec["vocab"], ref_shape, generator=g) if tokens else torch.randn(ref_shape, generator=g)
        with torch.no_grad():
            y = model(x)
        ref = f"fixtures/data/reference_{name}.npz"
        np.savez_compressed(os.path.join(fc.ROOT, ref), **{in_name: x.numpy(), "logits": y.numpy()})
        file = f"{name}_op17.onnx"
        m = fc.export(model, (x,), os.path.join(fc.MODELS, file), 17, [in_name], ["logits"], dyn)
        # torch names output dims it could not prove static; the ones not declared dynamic are the traced sizes.
        for i, d in enumerate(m.graph.output[0].type.tensor_type.shape.dim):
            if i not in dyn["logits"]:
                d.dim_value = int(y.shape[i])
        fc.save_checked(m, os.path.join(fc.MODELS, file))
        sizes = [{in_name: s} for s in spec["sizes"]]
        entries.append(fc.manifest_entry(m, file, spec["family"], 17, sizes, spec["notes"],
                                         vocab=spec.get("vocab"), reference=ref))
        print(f"{name}: ok, output {tuple(y.shape)}")
    fc.update_manifest(entries)


if __name__ == "__main__":
    main()
