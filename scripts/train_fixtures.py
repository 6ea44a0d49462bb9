"""Trains the small fixtures that come with real evaluation data.

    /usr/bin/python3 scripts/train_fixtures.py

Writes fixtures/models/{digits_cnn,longrange_transformer}_op17.onnx, fixtures/data/*.npz and
*_expectations.json (numbers measured here in torch, for documentation only: tests must
re-measure what they assert). Deterministic (fixed seeds), about a minute on 2 CPU cores.
"""
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import fixture_common as fc

# ===================================================================== digits
RARE_CLASS = 8
RARE_KEEP = 0.10  # fraction of the rare class's training images that are kept


class DigitsCNN(nn.Module):
    """Three 3x3 convs with BN (conv2 -> conv3 residual), max-pool, then a 64-wide classifier."""

    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16)
        self.conv2, self.bn2 = nn.Conv2d(16, 24, 3, padding=1, bias=False), nn.BatchNorm2d(24)
        self.conv3, self.bn3 = nn.Conv2d(24, 24, 3, padding=1, bias=False), nn.BatchNorm2d(24)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(24 * 4 * 4, 64)
        self.fc2 = nn.Linear(64, 10)
        self.mask = {}  # name -> 0/1 vector over output channels (analysis only, never exported)

    def _m(self, name, x):
        m = self.mask.get(name)
        if m is None:
            return x
        return x * (m.view(1, -1, 1, 1) if x.dim() == 4 else m.view(1, -1))

    def forward(self, x):
        a = self._m("conv1", F.relu(self.bn1(self.conv1(x))))
        b = self._m("conv2", F.relu(self.bn2(self.conv2(a))))
        c = self._m("conv3", F.relu(self.bn3(self.conv3(b)) + b))
        h = self._m("fc1", F.relu(self.fc1(torch.flatten(self.pool(c), 1))))
        return self.fc2(h)


def digits_data():
    d = load_digits()
    x = (d.images / 16.0).astype(np.float32)[:, None]  # [N,1,8,8] in 0..1
    y = d.target.astype(np.int64)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.4, random_state=0, stratify=y)
    rng = np.random.RandomState(0)
    rare = np.where(ytr == RARE_CLASS)[0]
    drop = rng.choice(rare, size=len(rare) - int(round(len(rare) * RARE_KEEP)), replace=False)
    keep = np.setdiff1d(np.arange(len(ytr)), drop)
    return xtr[keep], ytr[keep], xte, yte


def accuracy(model, x, y):
    with torch.no_grad():
        return float((model(torch.from_numpy(x)).argmax(1).numpy() == y).mean())


def lowest_l1_mask(weight, frac):
    """Mask removing the `frac` output channels with the smallest L1 norm."""
    n = weight.shape[0]
    norms = weight.detach().abs().reshape(n, -1).sum(1)
    m = torch.ones(n)
    m[norms.argsort()[: int(round(n * frac))]] = 0
    return m


def train_digits():
    fc.seed_everything(0)
    xtr, ytr, xte, yte = digits_data()
    model = DigitsCNN()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, 40)
    xt, yt = torch.from_numpy(xtr), torch.from_numpy(ytr)
    for epoch in range(40):
        model.train()
        perm = torch.randperm(len(yt))
        for i in range(0, len(yt), 64):
            idx = perm[i:i + 64]
            loss = F.cross_entropy(model(xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
        if epoch % 20 == 0:
            print(f"  digits epoch {epoch} loss {loss.item():.3f}", flush=True)
    model.eval()
    rare = yte == RARE_CLASS
    res = {
        "rare_class": RARE_CLASS, "rare_train_examples": int((ytr == RARE_CLASS).sum()),
        "train_examples": int(len(ytr)), "eval_examples": int(len(yte)), "eval_rare_examples": int(rare.sum()),
        "dense": {"accuracy": accuracy(model, xte, yte), "rare_recall": accuracy(model, xte[rare], yte[rare]),
                  "accuracy_not_rare": accuracy(model, xte[~rare], yte[~rare])},
    }
    # Masking sweep (zero the lowest-L1 channels of one layer): documents that the early convs
    # are the sensitive feature extractor and fc1 the tolerant classifier.
    sweep = {}
    layers = {"conv1": model.conv1.weight, "conv2": model.conv2.weight, "conv3": model.conv3.weight,
              "fc1": model.fc1.weight}
    for name, w in layers.items():
        for frac in (0.2, 0.5, 0.7):
            model.mask = {name: lowest_l1_mask(w, frac)}
            sweep[f"{name}@{frac}"] = {"accuracy": accuracy(model, xte, yte),
                                       "rare_recall": accuracy(model, xte[rare], yte[rare])}
    model.mask = {}
    res["masked_lowest_l1"] = sweep
    res["layers"] = {"feature_extractor": ["conv1", "conv2", "conv3"], "classifier": ["fc1", "fc2"],
                     "residual": "relu(bn3(conv3(b)) + b) with b = relu(bn2(conv2(a)))",
                     "flatten": "pool(c) [24,4,4] -> fc1 input 384 (channel-major)"}
    path = os.path.join(fc.MODELS, "digits_cnn_op17.onnx")
    m = fc.export(model, (torch.from_numpy(xte[:2]),), path, 17, ["input"], ["logits"],
                  {"input": {0: "batch"}, "logits": {0: "batch"}})
    np.savez_compressed(os.path.join(fc.DATA, "digits_eval.npz"), input=xte, labels=yte.astype(np.int64),
                        slice_rare=rare)
    entry = fc.manifest_entry(
        m, "digits_cnn_op17.onnx", "cnn-digits", 17, [{"input": [1, 1, 8, 8]}, {"input": [32, 1, 8, 8]}],
        f"Trained on sklearn load_digits (0..1 scaled 8x8). Class {RARE_CLASS} is rare in training "
        f"(kept {RARE_KEEP:.0%}). conv1(16)-conv2(24)-conv3(24, residual from conv2), BN after each conv, "
        "MaxPool, Flatten 384, fc1 64, fc2 10. Eval: fixtures/data/digits_eval.npz (hold-out only).")
    entry["data"] = "fixtures/data/digits_eval.npz"
    entry["expectations"] = "fixtures/data/digits_expectations.json"
    return entry, res


# ================================================================== long range
PAD, N_KEYS, N_CLASSES, NOISE_LO, VOCAB = 0, 16, 4, 17, 48
MAX_LEN, WINDOW, D, HEADS, LAYERS = 64, 8, 32, 4, 2
SHORT, LONG = (6, 8), (48, 64)
# Per layer, per head: None = global (causal), int = local causal window (sees the last w tokens).
HEAD_LAYOUT = [[WINDOW, WINDOW, WINDOW, None], [WINDOW, WINDOW, WINDOW, WINDOW]]


def head_bias(layout):
    """Additive attention bias [1,H,MAX_LEN,MAX_LEN]: 0 where allowed, -1e4 elsewhere."""
    i = torch.arange(MAX_LEN).view(-1, 1)
    j = torch.arange(MAX_LEN).view(1, -1)
    rows = []
    for w in layout:
        allowed = (j <= i) if w is None else (j <= i) & (j > i - w)
        rows.append(torch.where(allowed, 0.0, -1e4))
    return torch.stack(rows).unsqueeze(0)


class Attention(nn.Module):
    def __init__(self, layout):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(D, D) for _ in range(4))
        self.register_buffer("head_bias", head_bias(layout))  # per-head constant

    def forward(self, x, head_mask=None):
        B, T, _ = x.shape
        hd = D // HEADS
        q = self.q(x).view(B, T, HEADS, hd).transpose(1, 2)
        k = self.k(x).view(B, T, HEADS, hd).transpose(1, 2)
        v = self.v(x).view(B, T, HEADS, hd).transpose(1, 2)
        att = q @ k.transpose(-2, -1) / math.sqrt(hd) + self.head_bias[:, :, :T, :T]
        y = F.softmax(att, dim=-1) @ v  # [B,H,T,hd]
        if head_mask is not None:  # analysis/training only: [B,H] zeroes a head's output
            y = y * head_mask.view(B, HEADS, 1, 1)
        return self.o(y.transpose(1, 2).reshape(B, T, D))


class Block(nn.Module):
    def __init__(self, layout):
        super().__init__()
        self.ln1, self.attn, self.ln2 = nn.LayerNorm(D), Attention(layout), nn.LayerNorm(D)
        self.mlp = nn.Sequential(nn.Linear(D, 2 * D), nn.ReLU(), nn.Linear(2 * D, D))

    def forward(self, x, head_mask=None):
        x = x + self.attn(self.ln1(x), head_mask)
        return x + self.mlp(self.ln2(x))


class LongRange(nn.Module):
    """Pre-norm causal transformer; classifies from the last token."""

    def __init__(self):
        super().__init__()
        self.tok, self.pos = nn.Embedding(VOCAB, D), nn.Embedding(MAX_LEN, D)
        self.layers = nn.ModuleList([Block(l) for l in HEAD_LAYOUT])
        self.ln_f, self.head = nn.LayerNorm(D), nn.Linear(D, N_CLASSES)
        self.head_mask = None  # [B or 1, LAYERS, HEADS], analysis/training only

    def forward(self, input_ids, lengths=None):
        T = input_ids.shape[1]
        x = self.tok(input_ids) + self.pos(torch.arange(T, device=input_ids.device))
        for li, blk in enumerate(self.layers):
            hm = None
            if self.head_mask is not None:
                hm = self.head_mask[:, li].expand(input_ids.shape[0], HEADS)
            x = blk(x, hm)
        x = self.ln_f(x)
        last = x[:, -1] if lengths is None else x[torch.arange(x.shape[0]), lengths - 1]
        return self.head(last)


def make_sequences(n, lo_hi, rng):
    lengths = rng.randint(lo_hi[0], lo_hi[1] + 1, size=n)
    ids = np.full((n, MAX_LEN), PAD, dtype=np.int64)
    keys = rng.randint(1, N_KEYS + 1, size=n)
    for r in range(n):
        ids[r, : lengths[r]] = rng.randint(NOISE_LO, VOCAB, size=lengths[r])
        ids[r, 0] = keys[r]  # the label lives only in the first token
    return ids, lengths.astype(np.int64), ((keys - 1) % N_CLASSES).astype(np.int64)


def lr_accuracy(model, ids, lengths, labels, head_mask=None):
    model.head_mask = head_mask
    with torch.no_grad():
        pred = model(torch.from_numpy(ids), torch.from_numpy(lengths)).argmax(1).numpy()
    model.head_mask = None
    return float((pred == labels).mean())


def train_longrange():
    fc.seed_everything(1)
    rng = np.random.RandomState(1)
    model = LongRange()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    steps, bs = 800, 64
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 3e-3, total_steps=steps, pct_start=0.1)
    global_head = (0, 3)
    for step in range(steps):
        half = bs // 2
        a = make_sequences(half, SHORT, rng)
        b = make_sequences(bs - half, LONG, rng)
        ids = torch.from_numpy(np.concatenate([a[0], b[0]]))
        lengths = torch.from_numpy(np.concatenate([a[1], b[1]]))
        labels = torch.from_numpy(np.concatenate([a[2], b[2]]))
        # Head dropout teaches the local heads to solve short inputs on their own (so that
        # removing the global head leaves the short slice intact) and makes them redundant
        # with each other (so that removing one local head changes little).
        hm = torch.ones(bs, LAYERS, HEADS)
        drop_global = torch.rand(half) < 0.5
        hm[:half, global_head[0], global_head[1]] = (~drop_global).float()
        drop_local = torch.rand(bs) < 0.3
        which = torch.randint(0, HEADS - 1, (bs,))
        hm[torch.arange(bs)[drop_local], 0, which[drop_local]] = 0
        model.head_mask = hm
        loss = F.cross_entropy(model(ids[:, : int(lengths.max())], lengths), labels)
        model.head_mask = None
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 250 == 0:
            print(f"  longrange step {step} loss {loss.item():.3f}", flush=True)
    model.eval()

    erng = np.random.RandomState(12345)
    s = make_sequences(400, SHORT, erng)
    l = make_sequences(400, LONG, erng)
    ids, lengths, labels = (np.concatenate([s[i], l[i]]) for i in range(3))
    short = np.arange(len(labels)) < 400

    def measure(hm=None):
        return {"all": lr_accuracy(model, ids, lengths, labels, hm),
                "short": lr_accuracy(model, ids[short], lengths[short], labels[short], hm),
                "long": lr_accuracy(model, ids[~short], lengths[~short], labels[~short], hm)}

    def without(*heads):
        hm = torch.ones(1, LAYERS, HEADS)
        for li, h in heads:
            hm[0, li, h] = 0
        return hm

    abl = {"dense": measure()}
    for li in range(LAYERS):
        for h in range(HEADS):
            abl[f"without layers.{li}.head{h}"] = measure(without((li, h)))
    abl["without layers.0 heads 0-2 (all local heads of layer 0)"] = measure(without((0, 0), (0, 1), (0, 2)))
    # Sanity: the model gives the same answer on exactly the first `length` tokens (as ONNX runs it).
    with torch.no_grad():
        for r in list(range(0, 800, 97)):
            full = model(torch.from_numpy(ids[r:r + 1, : lengths[r]])).argmax(1).item()
            padded = model(torch.from_numpy(ids[r:r + 1]), torch.from_numpy(lengths[r:r + 1])).argmax(1).item()
            assert full == padded, (r, full, padded)

    path = os.path.join(fc.MODELS, "longrange_transformer_op17.onnx")
    ex = torch.from_numpy(ids[400:402, :50])
    m = fc.export(model, (ex,), path, 17, ["input_ids"], ["logits"],
                  {"input_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch"}})
    np.savez_compressed(os.path.join(fc.DATA, "longrange_eval.npz"), input_ids=ids, input_ids_lengths=lengths,
                        labels=labels, slice_short=short, slice_long=~short)
    layout = {
        f"layers.{li}": {f"head{h}": ("global" if w is None else f"local(window={w})") for h, w in enumerate(ws)}
        for li, ws in enumerate(HEAD_LAYOUT)}
    res = {
        "task": f"label = (first token - 1) % {N_CLASSES}; first token in 1..{N_KEYS}, the rest is noise "
                f"in {NOISE_LO}..{VOCAB - 1}; pad id {PAD}. Short length {SHORT[0]}-{SHORT[1]}, long "
                f"{LONG[0]}-{LONG[1]}; classify from the last token; run on exactly the first `length` tokens.",
        "head_layout": layout, "global_heads": ["layers.0.head3"], "head_dim": D // HEADS, "heads": HEADS,
        "d_model": D, "max_len": MAX_LEN, "vocab": VOCAB, "pad_id": PAD, "classes": N_CLASSES,
        "layer_names": {f"layers.{li}": {
            "q": f"layers.{li}.attn.q", "k": f"layers.{li}.attn.k", "v": f"layers.{li}.attn.v",
            "o": f"layers.{li}.attn.o", "head_bias": f"layers.{li}.attn.head_bias [1,{HEADS},{MAX_LEN},{MAX_LEN}]",
            "mlp": [f"layers.{li}.mlp.0", f"layers.{li}.mlp.2"],
            "norms": [f"layers.{li}.ln1", f"layers.{li}.ln2"]} for li in range(LAYERS)},
        "head_removal": "zeroing a head's attention output (equivalently removing its q/k/v columns, its "
                        "o input rows and its slice of head_bias along axis 1)",
        "accuracy": abl,
    }
    entry = fc.manifest_entry(
        m, "longrange_transformer_op17.onnx", "transformer-longrange", 17,
        [{"input_ids": [1, 8]}, {"input_ids": [1, 64]}],
        "Trained 2-layer pre-norm causal transformer (d 32, 4 heads, separate q/k/v). Per-head additive "
        "attention bias constant [1,4,64,64] sliced to [:, :, :T, :T]: layers.0 heads 0-2 local (window 8), "
        "head 3 global; layers.1 all local. Classifies from the last token; run each example on its first "
        "`input_ids_lengths` tokens. Eval: fixtures/data/longrange_eval.npz.", vocab=VOCAB)
    entry["data"] = "fixtures/data/longrange_eval.npz"
    entry["expectations"] = "fixtures/data/longrange_expectations.json"
    return entry, res


def write_json(name, doc):
    doc = {"note": "measured in torch by scripts/train_fixtures.py; documentation only", **doc}
    with open(os.path.join(fc.DATA, name), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True, default=lambda v: round(v, 4))
        f.write("\n")


def round_floats(o):
    if isinstance(o, float):
        return round(o, 4)
    if isinstance(o, dict):
        return {k: round_floats(v) for k, v in o.items()}
    if isinstance(o, list):
        return [round_floats(v) for v in o]
    return o


def main():
    os.makedirs(fc.DATA, exist_ok=True)
    t0 = time.time()
    e1, r1 = train_digits()
    print(f"digits ({time.time() - t0:.0f}s):", json.dumps(round_floats(r1["dense"])))
    write_json("digits_expectations.json", round_floats(r1))
    t1 = time.time()
    e2, r2 = train_longrange()
    print(f"longrange ({time.time() - t1:.0f}s):")
    for k, v in r2["accuracy"].items():
        print(f"  {k:60s} {json.dumps(round_floats(v))}")
    write_json("longrange_expectations.json", round_floats(r2))
    fc.update_manifest([e1, e2])


if __name__ == "__main__":
    main()
