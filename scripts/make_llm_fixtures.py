"""Writes the Llama-style decoder fixtures to fixtures/models (opset 17, random weights).

    /usr/bin/python3 scripts/make_llm_fixtures.py            # every variant
    /usr/bin/python3 scripts/make_llm_fixtures.py llama_gqa  # only the named variants

A hand-written Llama-style decoder (no hub weights): RMSNorm written as torch users write it
(Pow/ReduceMean/Add/Sqrt/Div), RoPE on cos/sin tables sliced by position (rotate_half, or the
GPT-J interleaved form), grouped-query attention through the usual `repeat_kv`
(`k[:, :, None].expand(B, Hkv, n_rep, S, hd).reshape(B, Hq, S, hd)`), SwiGLU MLP, tied or untied
embeddings, and optionally a KV cache (`past_key_values.{i}.key/value` inputs,
`present.{i}.key/value` outputs, the causal mask offset by the past length).
Deterministic (fixed seeds, one torch thread).
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn

import fixture_common as fc

VOCAB, D, HD, FFN, LAYERS, MAX_POS = 64, 32, 8, 64, 2, 64


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return self.weight * (x / torch.sqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def rotate_interleaved(x):
    """GPT-J: channel 2i pairs with 2i+1."""
    x1, x2 = x[..., 0::2], x[..., 1::2]
    return torch.stack((-x2, x1), dim=-1).flatten(-2)


class Rotary(nn.Module):
    """cos/sin tables [MAX_POS, hd] (rotate_half: halves repeated; interleaved: each frequency twice)."""

    def __init__(self, hd, interleaved):
        super().__init__()
        inv = 1.0 / (10000 ** (torch.arange(0, hd, 2).float() / hd))
        freqs = torch.outer(torch.arange(MAX_POS).float(), inv)
        emb = torch.repeat_interleave(freqs, 2, dim=-1) if interleaved else torch.cat((freqs, freqs), dim=-1)
        self.interleaved = interleaved
        self.register_buffer("cos_cached", emb.cos())
        self.register_buffer("sin_cached", emb.sin())

    def forward(self, q, k, start, length):
        cos = self.cos_cached[start:start + length]  # [S, hd], broadcast over [B, H, S, hd]
        sin = self.sin_cached[start:start + length]
        rot = rotate_interleaved if self.interleaved else rotate_half
        return q * cos + rot(q) * sin, k * cos + rot(k) * sin


class PartialRotary(nn.Module):
    """Partial rotary (Phi/NeoX: the first `rd` of hd rotate, the rest pass) with cos/sin computed at run
    time from `inv_freq` (newer Hugging Face: inv_freq @ positions, then cat(freqs, freqs), cos, sin)."""

    def __init__(self, hd, rd):
        super().__init__()
        self.rd = rd
        self.register_buffer("inv_freq", 1.0 / (10000 ** (torch.arange(0, rd, 2).float() / rd)))

    def forward(self, q, k, start, length):
        pos = torch.arange(length).float() + start
        freqs = (self.inv_freq[:, None] @ pos[None, :]).transpose(0, 1)  # [S, rd/2]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()

        def rope(x):
            rot, rest = x[..., :self.rd], x[..., self.rd:]
            return torch.cat((rot * cos + rotate_half(rot) * sin, rest), dim=-1)

        return rope(q), rope(k)


def repeat_kv(x, n_rep):
    b, hkv, s, hd = x.shape
    if n_rep == 1:
        return x
    return x[:, :, None, :, :].expand(b, hkv, n_rep, s, hd).reshape(b, hkv * n_rep, s, hd)


def alibi_slopes(heads):
    """ALiBi's per-head slopes 2^(-8(h+1)/H): equal in every layer, so the exporter keeps one copy."""
    return torch.tensor([2.0 ** (-8.0 * (h + 1) / heads) for h in range(heads)]).view(heads, 1, 1)


class Attention(nn.Module):
    def __init__(self, heads, kv_heads, rotary, alibi=False):
        super().__init__()
        self.heads, self.kv_heads, self.rotary = heads, kv_heads, rotary
        if alibi:
            self.register_buffer("slopes", alibi_slopes(heads))
        self.alibi = alibi
        self.q_proj = nn.Linear(D, heads * HD, bias=False)
        self.k_proj = nn.Linear(D, kv_heads * HD, bias=False)
        self.v_proj = nn.Linear(D, kv_heads * HD, bias=False)
        self.o_proj = nn.Linear(heads * HD, D, bias=False)
        self.register_buffer("causal", torch.tril(torch.ones(MAX_POS, MAX_POS, dtype=torch.bool)))

    def forward(self, x, past=None):
        B, S, _ = x.shape
        q = self.q_proj(x).view(B, S, self.heads, HD).transpose(1, 2)
        k = self.k_proj(x).view(B, S, self.kv_heads, HD).transpose(1, 2)
        v = self.v_proj(x).view(B, S, self.kv_heads, HD).transpose(1, 2)
        start = 0 if past is None else past[0].shape[2]
        if self.rotary is not None:
            q, k = self.rotary(q, k, start, S)
        if past is not None:
            k = torch.cat((past[0], k), dim=2)
            v = torch.cat((past[1], v), dim=2)
        present = (k, v)
        total = k.shape[2]
        rep = self.heads // self.kv_heads
        k, v = repeat_kv(k, rep), repeat_kv(v, rep)
        att = (q @ k.transpose(2, 3)) / math.sqrt(HD)
        if self.alibi:  # a bias per head growing with the distance to the key: slopes [H, 1, 1] x [S, total]
            pos = torch.arange(total, device=x.device)
            att = att + self.slopes * (pos[None, :] - pos[total - S:, None]).float()
        mask = self.causal[total - S:total, :total]
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, S, self.heads * HD)
        return self.o_proj(y), present


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.gate_proj = nn.Linear(D, FFN, bias=False)
        self.up_proj = nn.Linear(D, FFN, bias=False)
        self.down_proj = nn.Linear(FFN, D, bias=False)

    def forward(self, x):
        return self.down_proj(nn.functional.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, heads, kv_heads, rotary, alibi=False):
        super().__init__()
        self.input_layernorm, self.post_attention_layernorm = RMSNorm(D), RMSNorm(D)
        self.self_attn = Attention(heads, kv_heads, rotary, alibi)
        self.mlp = Mlp()

    def forward(self, x, past=None):
        a, present = self.self_attn(self.input_layernorm(x), past)
        x = x + a
        return x + self.mlp(self.post_attention_layernorm(x)), present


class Llama(nn.Module):
    def __init__(self, heads, kv_heads, interleaved, tied, cache):
        super().__init__()
        self.cache = cache
        self.embed_tokens = nn.Embedding(VOCAB, D)
        alibi = interleaved == "alibi"
        self.rotary = None if alibi else PartialRotary(HD, HD // 2) if interleaved == "partial" \
            else Rotary(HD, interleaved)
        self.layers = nn.ModuleList([Layer(heads, kv_heads, self.rotary, alibi) for _ in range(LAYERS)])
        self.norm = RMSNorm(D)
        self.lm_head = nn.Linear(D, VOCAB, bias=False)
        if tied:
            self.lm_head.weight = self.embed_tokens.weight
        with torch.no_grad():  # non-trivial norm weights: a forgotten norm update must show
            for mod in self.modules():
                if isinstance(mod, RMSNorm):
                    mod.weight.uniform_(0.8, 1.2)

    def forward(self, input_ids, *past):
        x = self.embed_tokens(input_ids)
        presents = []
        for i, layer in enumerate(self.layers):
            x, present = layer(x, (past[2 * i], past[2 * i + 1]) if self.cache else None)
            presents.extend(present)
        logits = self.lm_head(self.norm(x))
        return (logits, *presents) if self.cache else logits


# name: (heads, kv_heads, interleaved RoPE (or "alibi": no RoPE, ALiBi slopes), tied embeddings, KV cache, seed)
VARIANTS = {
    "llama_gqa": (8, 2, False, True, False, 21),
    "llama_gqa_cache": (8, 2, False, True, True, 22),
    "llama_mha_untied": (4, 4, False, False, False, 23),
    "gptj_gqa_cache": (8, 2, True, False, True, 24),
    "alibi_gqa": (4, 2, "alibi", False, False, 25),
    "phi_partial_rope": (8, 2, "partial", False, False, 26),
}


def describe(heads, kv_heads, interleaved, tied, cache):
    rope = "interleaved (GPT-J) RoPE" if interleaved else "rotate_half RoPE"
    if interleaved == "partial":
        rope = (f"partial rotary (Phi/NeoX: the first {HD // 2} of head_dim {HD} rotate, rotate_half) with cos/sin "
                "computed at run time from inv_freq (MatMul with the positions, Concat, Cos/Sin)")
    if interleaved == "alibi":
        rope = ("no RoPE: ALiBi slopes [H,1,1] (a buffer per layer, equal values: the exporter keeps one "
                "initializer for both layers) times the key distance, added to the scores")
    attn = f"{heads} query heads sharing {kv_heads} KV heads (repeat_kv: Unsqueeze/Expand/Reshape)" \
        if kv_heads != heads else f"{heads} heads (MHA, no repeat_kv)"
    io = ("KV cache: inputs past_key_values.{i}.key/value [batch, kv_heads, past, hd], outputs "
          "present.{i}.key/value [batch, kv_heads, past+seq, hd]; causal mask offset by the past length"
          if cache else "prefill only")
    return (f"Llama-style decoder, {LAYERS} layers, d_model {D}, head_dim {HD}, {attn}; RMSNorm decomposed "
            f"(Pow/ReduceMean/Add/Sqrt/Div); {rope}{'' if interleaved in ('alibi', 'partial') else f' on cos/sin tables [{MAX_POS}, {HD}] sliced by position'}; "
            f"SwiGLU MLP ({FFN}); {'tied' if tied else 'untied'} embeddings; {io}. Random weights.")


def main():
    only = set(sys.argv[1:])
    entries = []
    for name, (heads, kv_heads, interleaved, tied, cache, seed) in VARIANTS.items():
        if only and name not in only:
            continue
        fc.seed_everything(seed)
        model = Llama(heads, kv_heads, interleaved, tied, cache).eval()
        g = torch.Generator().manual_seed(11)
        B, S, P = 2, 5, 3
        ids = torch.randint(0, VOCAB, (B, S), generator=g)
        past = [torch.randn(B, kv_heads, P, HD, generator=g) for _ in range(2 * LAYERS)] if cache else []
        with torch.no_grad():
            y = model(ids, *past)
        outs = y if cache else (y,)
        assert all(torch.isfinite(t).all() for t in outs)
        past_names = [f"past_key_values.{i}.{kv}" for i in range(LAYERS) for kv in ("key", "value")]
        present_names = [f"present.{i}.{kv}" for i in range(LAYERS) for kv in ("key", "value")]
        in_names = ["input_ids"] + (past_names if cache else [])
        out_names = ["logits"] + (present_names if cache else [])
        dyn = {"input_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}}
        for n in past_names if cache else []:
            dyn[n] = {0: "batch", 2: "past"}
        for n in present_names if cache else []:
            dyn[n] = {0: "batch", 2: "past+seq"}  # what shape inference derives from the Concat
        ref = f"fixtures/data/reference_{name}.npz"
        arrays = {"input_ids": ids.numpy(), **{n: t.numpy() for n, t in zip(past_names, past)},
                  **{n: t.numpy() for n, t in zip(out_names, outs)}}
        np.savez_compressed(os.path.join(fc.ROOT, ref), **arrays)
        file = f"{name}_op17.onnx"
        m = fc.export(model, (ids, *past), os.path.join(fc.MODELS, file), 17, in_names, out_names, dyn)
        sizes = [{"input_ids": [1, 4]}, {"input_ids": [2, 7]}]
        if cache:
            sizes = [{"input_ids": [1, 4], **{n: [1, kv_heads, 3, HD] for n in past_names}},
                     {"input_ids": [2, 1], **{n: [2, kv_heads, 6, HD] for n in past_names}}]
        entries.append(fc.manifest_entry(m, file, "decoder-llama", 17, sizes,
                                         describe(heads, kv_heads, interleaved, tied, cache),
                                         vocab=VOCAB, reference=ref))
        print(f"{name}: ok, {os.path.getsize(os.path.join(fc.MODELS, file))} bytes")
    fc.update_manifest(entries)


if __name__ == "__main__":
    main()
