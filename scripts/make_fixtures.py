"""Writes the untrained architecture fixtures to fixtures/models (opset 14 and 17).

    /usr/bin/python3 scripts/make_fixtures.py

Deterministic (fixed seeds). Weights are random, not trained: these models exercise graph
structure and exporter quirks, not accuracy (see train_fixtures.py for trained models).
"""
import math
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import helper, numpy_helper

import fixture_common as fc

OPSETS = (14, 17)


# ---------------------------------------------------------------- resnet_tiny
class BasicBlock(nn.Module):
    """conv-bn-relu-conv-bn + skip; the skip is a strided 1x1 conv+bn when shapes change."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.proj = None
        if stride != 1 or cin != cout:
            self.proj = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.proj is None else self.proj(x)))


class ResNetTiny(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 1, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.layer1 = BasicBlock(8, 8, 1)      # identity skip
        self.layer2 = BasicBlock(8, 16, 2)     # strided 1x1 projection skip
        self.layer3 = BasicBlock(16, 16, 1)    # identity skip
        self.layer4 = BasicBlock(16, 32, 2)    # strided 1x1 projection skip
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, classes)

    def forward(self, x):
        x = self.layer4(self.layer3(self.layer2(self.layer1(self.stem(x)))))
        return self.fc(torch.flatten(self.pool(x), 1))


# ----------------------------------------------------------- mobilenetv2_tiny
class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hid = cin * expand
        self.use_res = stride == 1 and cin == cout
        self.block = nn.Sequential(
            nn.Conv2d(cin, hid, 1, bias=False), nn.BatchNorm2d(hid), nn.ReLU6(),
            nn.Conv2d(hid, hid, 3, stride, 1, groups=hid, bias=False), nn.BatchNorm2d(hid), nn.ReLU6(),
            nn.Conv2d(hid, cout, 1, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.block(x)
        return x + y if self.use_res else y


class MobileNetV2Tiny(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU6())
        self.blocks = nn.Sequential(
            InvertedResidual(8, 16, 2, 2),   # 16x16 -> 8x8, no residual
            InvertedResidual(16, 16, 1, 3),  # residual add
            InvertedResidual(16, 24, 2, 3),  # 8x8 -> 4x4, no residual
            InvertedResidual(24, 24, 1, 3))  # residual add
        self.head = nn.Sequential(nn.Conv2d(24, 48, 1, bias=False), nn.BatchNorm2d(48), nn.ReLU6())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(48, classes)

    def forward(self, x):
        x = self.head(self.blocks(self.stem(x)))
        return self.classifier(torch.flatten(self.pool(x), 1))


# ------------------------------------------------------------------ bert_tiny
class BertTiny(nn.Module):
    def __init__(self, vocab=100, max_len=64, d=32, heads=4, layers=2, classes=2):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(max_len, d)
        layer = nn.TransformerEncoderLayer(d, heads, 2 * d, dropout=0.0, batch_first=True)
        # enable_nested_tensor=False and no padding mask: the exporter takes the ordinary
        # (non fast-path) MultiheadAttention code.
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.classifier = nn.Linear(d, classes)

    def forward(self, input_ids):
        t = input_ids.shape[1]
        h = self.tok(input_ids) + self.pos(torch.arange(t, device=input_ids.device)).unsqueeze(0)
        h = self.encoder(h)
        return self.classifier(h.mean(dim=1))


def reinit_linears(model, seed):
    """TransformerEncoder deep-copies one layer, so fresh layers are bit-identical and the
    exporter would alias whole layers. Give every Linear its own values (as training would),
    but keep LayerNorm at its init (ones/zeros): those equal-valued parameters are what the
    exporter de-duplicates into one initializer plus Identity aliases."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, nn.MultiheadAttention):
                for p in (mod.in_proj_weight, mod.in_proj_bias):
                    p.copy_(torch.randn(p.shape, generator=g) * 0.1)
            if isinstance(mod, (nn.Linear, nn.modules.linear.NonDynamicallyQuantizableLinear)):
                mod.weight.copy_(torch.randn(mod.weight.shape, generator=g) * (1 / math.sqrt(mod.in_features)))
                mod.bias.copy_(torch.randn(mod.bias.shape, generator=g) * 0.02)


# ------------------------------------------------------------------- gpt_tiny
class CausalSelfAttention(nn.Module):
    def __init__(self, d, heads, block):
        super().__init__()
        self.n_head, self.d = heads, d
        self.c_attn = nn.Linear(d, 3 * d)   # fused QKV
        self.c_proj = nn.Linear(d, d)
        self.register_buffer("bias", torch.tril(torch.ones(block, block)).view(1, 1, block, block))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.d, dim=2)
        hd = C // self.n_head
        q = q.view(B, T, self.n_head, hd).transpose(1, 2)
        k = k.view(B, T, self.n_head, hd).transpose(1, 2)
        v = v.view(B, T, self.n_head, hd).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hd))
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
        y = F.softmax(att, dim=-1) @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class GptBlock(nn.Module):
    def __init__(self, d, heads, block):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d)
        self.attn = CausalSelfAttention(d, heads, block)
        self.ln_2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GptTiny(nn.Module):
    def __init__(self, vocab=100, block=64, d=32, heads=4, layers=2):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(block, d)
        self.h = nn.ModuleList([GptBlock(d, heads, block) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(d)
        self.lm_head = nn.Linear(d, vocab, bias=False)
        self.lm_head.weight = self.wte.weight  # tied weights
        with torch.no_grad():  # non-trivial LayerNorm values so layers do not alias each other
            for mod in self.modules():
                if isinstance(mod, nn.LayerNorm):
                    mod.weight.uniform_(0.8, 1.2)
                    mod.bias.uniform_(-0.1, 0.1)

    def forward(self, input_ids):
        B, T = input_ids.size()
        pos = torch.arange(0, T, dtype=torch.long, device=input_ids.device)
        x = self.wte(input_ids) + self.wpe(pos)
        for blk in self.h:
            x = blk(x)
        return self.lm_head(self.ln_f(x))


# ---------------------------------------------------------------- einsum_tiny
class EinsumAttention(nn.Module):
    """Keras MultiHeadAttention / Flax DenseGeneral style: per-head kernels [E, H, hd] used with
    torch.einsum, so no Reshape splits the heads. out='einsum' projects back with a kernel
    [H, hd, E] (Keras); out='linear' merges heads with a view and an nn.Linear (hand-written
    PyTorch modules that use einsum for the projections)."""

    def __init__(self, d, heads, out):
        super().__init__()
        hd = d // heads
        self.hd, self.out = hd, out
        init = lambda *shape: nn.Parameter(torch.randn(*shape) / math.sqrt(shape[0]))
        self.wq, self.wk, self.wv = init(d, heads, hd), init(d, heads, hd), init(d, heads, hd)
        self.bq, self.bk, self.bv = (nn.Parameter(0.02 * torch.randn(heads, hd)) for _ in range(3))
        if out == "einsum":
            self.wo = nn.Parameter(torch.randn(heads, hd, d) / math.sqrt(d))
            self.bo = nn.Parameter(0.02 * torch.randn(d))
        else:
            self.o_proj = nn.Linear(d, d)

    def forward(self, x):
        q = torch.einsum("bte,ehd->bthd", x, self.wq) + self.bq
        k = torch.einsum("bte,ehd->bthd", x, self.wk) + self.bk
        v = torch.einsum("bte,ehd->bthd", x, self.wv) + self.bv
        att = torch.einsum("bqhd,bkhd->bhqk", q * (1.0 / math.sqrt(self.hd)), k).softmax(dim=-1)
        ctx = torch.einsum("bhqk,bkhd->bqhd", att, v)
        if self.out == "einsum":
            return torch.einsum("bqhd,hde->bqe", ctx, self.wo) + self.bo
        B, T = x.shape[0], x.shape[1]
        return self.o_proj(ctx.reshape(B, T, -1))


class EinsumBlock(nn.Module):
    def __init__(self, d, heads, out):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = EinsumAttention(d, heads, out)
        self.mlp = nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.Linear(2 * d, d))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class EinsumTiny(nn.Module):
    def __init__(self, vocab=100, block=64, d=32, heads=4, classes=2):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(block, d)
        self.blocks = nn.ModuleList([EinsumBlock(d, heads, "einsum"), EinsumBlock(d, heads, "linear")])
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, classes)

    def forward(self, input_ids):
        pos = torch.arange(0, input_ids.shape[1], dtype=torch.long, device=input_ids.device)
        x = self.tok(input_ids) + self.pos(pos)
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.ln_f(x).mean(dim=1))


# ------------------------------------------------------------------- vit_tiny
class VitAttention(nn.Module):
    """timm's ViT attention: one fused qkv Linear reshaped to [B, N, 3, H, hd], permuted to
    [3, B, H, N, hd] and unbound into q, k, v."""

    def __init__(self, d, heads):
        super().__init__()
        self.heads, self.hd = heads, d // heads
        self.scale = self.hd ** -0.5
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.heads, self.hd).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = ((q * self.scale) @ k.transpose(-2, -1)).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(B, N, C))


class VitBlock(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = VitAttention(d, heads)
        self.mlp = nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.Linear(2 * d, d))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class VitTiny(nn.Module):
    """A timm-style ViT: 4x4 patches of a 16x16 image, class token, learned positions."""

    def __init__(self, d=32, heads=4, classes=10):
        super().__init__()
        self.patch_embed = nn.Conv2d(3, d, kernel_size=4, stride=4)
        self.cls_token = nn.Parameter(0.02 * torch.randn(1, 1, d))
        self.pos_embed = nn.Parameter(0.02 * torch.randn(1, 17, d))
        self.blocks = nn.ModuleList([VitBlock(d, heads) for _ in range(2)])
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, classes)

    def forward(self, x):
        x = self.patch_embed(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.norm(x)[:, 0])


# ------------------------------------------------------------------ neox_tiny
class NeoxAttention(nn.Module):
    """GPT-NeoX / Pythia attention: the fused query_key_value Linear is viewed as [B, T, H, 3·hd]
    and split on the last axis, so each head's q, k and v features are adjacent."""

    def __init__(self, d, heads, block):
        super().__init__()
        self.heads, self.hd = heads, d // heads
        self.query_key_value = nn.Linear(d, 3 * d)
        self.dense = nn.Linear(d, d)
        self.register_buffer("bias", torch.tril(torch.ones(block, block)).view(1, 1, block, block))

    def forward(self, x):
        B, T, C = x.shape
        qkv = self.query_key_value(x).view(B, T, self.heads, 3 * self.hd)
        q, k, v = (t.permute(0, 2, 1, 3) for t in qkv.split(self.hd, dim=-1))
        att = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd)
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf")).softmax(dim=-1)
        return self.dense((att @ v).permute(0, 2, 1, 3).reshape(B, T, C))


class NeoxBlock(nn.Module):
    """GPT-NeoX's parallel residual: x + attn(ln1(x)) + mlp(ln2(x))."""

    def __init__(self, d, heads, block):
        super().__init__()
        self.input_layernorm, self.post_attention_layernorm = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attention = NeoxAttention(d, heads, block)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x):
        return x + self.attention(self.input_layernorm(x)) + self.mlp(self.post_attention_layernorm(x))


class NeoxTiny(nn.Module):
    def __init__(self, vocab=100, block=64, d=32, heads=4):
        super().__init__()
        self.embed_in = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(block, d)
        self.layers = nn.ModuleList([NeoxBlock(d, heads, block) for _ in range(2)])
        self.final_layer_norm = nn.LayerNorm(d)
        self.embed_out = nn.Linear(d, vocab, bias=False)

    def forward(self, input_ids):
        pos = torch.arange(0, input_ids.shape[1], dtype=torch.long, device=input_ids.device)
        x = self.embed_in(input_ids) + self.pos(pos)
        for blk in self.layers:
            x = blk(x)
        return self.embed_out(self.final_layer_norm(x))


# ------------------------------------------------------- onnx post-processing
def alias_tied_weight(m, emb_name):
    """Rewrites the LM head to read the embedding weight through an Identity alias plus a
    Transpose node, as newer exporters emit for tied weights. torch 1.13 instead
    constant-folds the transpose into a second, separate initializer (no alias)."""
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    emb = numpy_helper.to_array(inits[emb_name])
    folded = [i for i in g.initializer if i.name != emb_name and tuple(i.dims) == emb.T.shape
              and np.array_equal(numpy_helper.to_array(i), emb.T)]
    assert len(folded) == 1, "expected exactly one folded transposed copy of the tied weight"
    old = folded[0].name
    g.initializer.remove(folded[0])
    alias, transposed = "lm_head.weight", "/lm_head/Transpose_output_0"
    new_nodes = [helper.make_node("Identity", [emb_name], [alias], name="/lm_head/Identity"),
                 helper.make_node("Transpose", [alias], [transposed], name="/lm_head/Transpose", perm=[1, 0])]
    for n in g.node:
        for i, name in enumerate(n.input):
            if name == old:
                n.input[i] = transposed
    for n in reversed(new_nodes):
        g.node.insert(0, n)
    return m


def initializers_to_constants(m):
    """Every initializer becomes a Constant node at the top of the graph (some exporters do this)."""
    g = m.graph
    nodes = [helper.make_node("Constant", [], [i.name], name=f"Constant_{i.name}", value=i)
             for i in g.initializer]
    del g.initializer[:]
    for n in reversed(nodes):
        g.node.insert(0, n)
    return m


# ----------------------------------------------------------------------- main
def build(name):
    fc.seed_everything({"resnet_tiny": 1, "mobilenetv2_tiny": 2, "bert_tiny": 3, "gpt_tiny": 4, "einsum_tiny": 5, "vit_tiny": 6, "neox_tiny": 7}[name])
    if name == "resnet_tiny":
        model = ResNetTiny()
    elif name == "mobilenetv2_tiny":
        model = MobileNetV2Tiny()
    elif name == "bert_tiny":
        model = BertTiny()
        reinit_linears(model, 33)
    elif name == "einsum_tiny":
        model = EinsumTiny()
    elif name == "vit_tiny":
        model = VitTiny()
    elif name == "neox_tiny":
        model = NeoxTiny()
    else:
        model = GptTiny()
    randomize_bn(model)
    return model.eval()


def randomize_bn(model):
    """Non-trivial running stats / affine params so that a forgotten BatchNorm update matters."""
    g = torch.Generator().manual_seed(7)
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, nn.BatchNorm2d):
                n = mod.num_features
                mod.weight.copy_(0.5 + torch.rand(n, generator=g))
                mod.bias.copy_(0.2 * torch.randn(n, generator=g))
                mod.running_mean.copy_(0.2 * torch.randn(n, generator=g))
                mod.running_var.copy_(0.5 + torch.rand(n, generator=g))


SPECS = {
    "resnet_tiny": dict(family="cnn-resnet", kind="image", sizes=[[1, 3, 32, 32], [2, 3, 32, 32]],
                        notes="stem conv-bn-relu; layer1/layer3 identity skips; layer2/layer4 strided 1x1 "
                              "projection skip (conv+bn); GlobalAveragePool, Flatten, Gemm head. Random weights."),
    "mobilenetv2_tiny": dict(family="cnn-mobilenetv2", kind="image", sizes=[[1, 3, 32, 32], [2, 3, 32, 32]],
                             notes="inverted residuals: 1x1 expand, depthwise 3x3 (group=channels), ReLU6 "
                                   "exported as Clip, 1x1 projection; residual Add in blocks[1] and blocks[3]. "
                                   "Random weights."),
    "bert_tiny": dict(family="transformer-encoder", kind="tokens", vocab=100, sizes=[[1, 8], [2, 16]],
                      notes="token + learned position embedding (Range over seq), nn.TransformerEncoder 2 layers, "
                            "d_model 32, 4 heads, ffn 64, batch_first, post-norm; mean pooling, Gemm classifier (2). "
                            "MultiheadAttention fused in_proj: one MatMul + bias Add, then three Slices whose "
                            "bounds are computed from Shape. Max seq 64. Random weights."),
    "gpt_tiny": dict(family="transformer-decoder", kind="tokens", vocab=100, sizes=[[1, 8], [2, 16]],
                     notes="GPT blocks (2 layers, d 32, 4 heads), pre-norm, fused c_attn then split into q/k/v, "
                           "view(B,T,H,hd) reshapes with Concat-built shapes, causal tril buffer + masked_fill "
                           "(Where), GELU (Erf) MLP, LM head tied to wte. Max seq 64. Random weights."),
    "einsum_tiny": dict(family="transformer-einsum", kind="tokens", vocab=100, sizes=[[1, 8], [2, 16]],
                        notes="2 pre-norm blocks, d 32, 4 heads, Keras/Flax-style attention written with "
                              "torch.einsum: per-head kernels [E, H, hd] + biases [H, hd] (no head-splitting "
                              "Reshape), Einsum scores and context; block 0 projects back with an Einsum kernel "
                              "[H, hd, E], block 1 merges heads with a reshape and an nn.Linear. Mean pooling, "
                              "Linear classifier (2). Max seq 64. Random weights."),
    "vit_tiny": dict(family="transformer-vit", kind="image", sizes=[[1, 3, 16, 16], [2, 3, 16, 16]],
                     notes="timm-style ViT: 4x4 patch-embedding Conv (d 32), class token, learned positions, "
                           "2 pre-norm blocks with 4 heads whose fused qkv Linear is reshaped to [B, N, 3, H, hd], "
                           "permuted to [3, B, H, N, hd] and unbound (Split + Squeeze); GELU MLP (2x); "
                           "LayerNorm, class-token Gather, Linear head (10). Random weights."),
    "neox_tiny": dict(family="transformer-neox", kind="tokens", vocab=100, sizes=[[1, 8], [2, 16]],
                      notes="GPT-NeoX/Pythia-style decoder: 2 blocks with parallel residual "
                            "(x + attn(ln1(x)) + mlp(ln2(x))), d 32, 4 heads; the fused query_key_value "
                            "Linear is viewed as [B, T, H, 3*hd] and split on the last axis; causal tril "
                            "buffer + masked_fill; learned positions; LM head (100). Max seq 64. Random weights."),
}


def main():
    os.makedirs(fc.MODELS, exist_ok=True)
    os.makedirs(fc.DATA, exist_ok=True)
    entries = []
    only = set(sys.argv[1:])  # model names to (re)generate; all by default
    for name, spec in SPECS.items():
        if only and name not in only:
            continue
        model = build(name)
        tokens = spec["kind"] == "tokens"
        in_name = "input_ids" if tokens else "input"
        out_name = "logits"
        dyn = {in_name: {0: "batch", 1: "seq"} if tokens else {0: "batch"},
               out_name: {0: "batch", 1: "seq"} if name in ("gpt_tiny", "neox_tiny") else {0: "batch"}}
        g = torch.Generator().manual_seed(11)
        ref_shape = spec["sizes"][1]
        x = (torch.randint(0, spec["vocab"], ref_shape, generator=g) if tokens
             else torch.randn(ref_shape, generator=g))
        with torch.no_grad():
            y = model(x)
        assert torch.isfinite(y).all()
        ref = f"fixtures/data/reference_{name}.npz"
        np.savez_compressed(os.path.join(fc.ROOT, ref), **{in_name: x.numpy(), out_name: y.numpy()})
        for opset in OPSETS:
            file = f"{name}_op{opset}.onnx"
            path = os.path.join(fc.MODELS, file)
            m = fc.export(model, (x,), path, opset, [in_name], [out_name], dyn)
            sizes = [{in_name: s} for s in spec["sizes"]]
            entries.append(fc.manifest_entry(m, file, spec["family"], opset, sizes, spec["notes"],
                                             vocab=spec.get("vocab"), reference=ref))
            if name == "gpt_tiny" and opset == 17:
                mi = alias_tied_weight(onnx.load(path), "wte.weight")
                fi = "gpt_tiny_identity_op17.onnx"
                fc.save_checked(mi, os.path.join(fc.MODELS, fi))
                entries.append(fc.manifest_entry(
                    mi, fi, spec["family"], 17, sizes,
                    spec["notes"] + " Post-processed: the LM head reads wte.weight through "
                    "Identity('lm_head.weight') + Transpose instead of a folded transposed copy.",
                    vocab=spec["vocab"], reference=ref))
            if name == "resnet_tiny" and opset == 17:
                mc = initializers_to_constants(onnx.load(path))
                fi = "resnet_tiny_constants_op17.onnx"
                fc.save_checked(mc, os.path.join(fc.MODELS, fi))
                entries.append(fc.manifest_entry(
                    mc, fi, spec["family"], 17, sizes,
                    spec["notes"] + " Post-processed: every initializer is a Constant node.", reference=ref))
        print(f"{name}: ok, output {tuple(y.shape)}")
    fc.update_manifest(entries)


if __name__ == "__main__":
    main()
