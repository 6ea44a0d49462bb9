"""Writes decoders in other exporters' layouts and naming into a gitignored folder (never committed).

    /usr/bin/python3 scripts/make_wild_decoders.py [OUT_DIR] [--only NAME,...]
    (default OUT_DIR: corpus/.cache/decoders)

They stand in for the decoders graders keep outside the repository: the same mechanisms must
handle every one of them (src/prune/wild-decoders.test.ts runs them when PRUNEGUARD_DECODERS names
the folder). Hand-written modules with random weights, tiny sizes; each differs from the committed
Llama fixtures (make_llm_fixtures.py) in the ways real exporters differ:

- Qwen2: q/k/v with bias, GQA, RoPE from a `position_ids` input (Gather of the tables),
  `attention_mask` input (padding) + causal, cache `past_key_values.{i}.key/value`.
- Phi: one fused `qkv` Linear split by Split, partial rotary (half of head_dim), attention and MLP in
  parallel from one LayerNorm, GELU (tanh) MLP with biases, cache `past_key.{i}`/`past_value.{i}`.
- NeoX per-head interleaved: fused qkv viewed as [B, T, H, 3, hd] and picked by index (Gather).
- Falcon MQA: one KV head broadcast by MatMul (no repeat_kv), fused qkv picked by Slice.
- Gemma: GeGLU, embeddings scaled by sqrt(d), RMSNorm with (1 + w), head_dim 16 with d 32 (H*hd != d),
  tied embeddings.
- Mistral: sliding-window causal mask (arange comparisons), GQA, cache.
- GPT-2: Conv1D (addmm on a [B*T, d] view, weight [in, out]), fused c_attn split, learned positions,
  stacked cache `past.{i}` [2, B, H, P, hd] -> `present.{i}`.
- GQA without repeat_kv (q grouped [B, kv, n_rep, S, hd] by broadcasting MatMul). (GQA by
  `repeat_interleave(n_rep, dim=1)` is not here: torch 1.13's export of it does not run in onnxruntime
  1.30, "left operand cannot broadcast on dim 1" in the dense model.)
  RoPE computed from position_ids at run time (HF 4.38+) with a finfo.min padding mask; a key cache
  stored transposed [B, kv, hd, T].
- Bloom-like cache with batch and heads merged ([B*H, hd, T] keys): heads cannot shrink a runtime
  batch*heads axis, so they must be blocked with that reason.
- Exporter variants: torch.jit.script, opsets 13/14, do_constant_folding=False (weights transposed
  at run time), external data.

Each model comes with `<name>.inputs.npz` (valid masks and positions, for `prune --verify --inputs`),
`<name>.reference.npz` (the same inputs and torch's outputs) and one
`decoders.json` describing every model (heads, KV heads, cache values, layer prefix, sizes).
"""
import json
import re
import math
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VOCAB, MAX_POS = 64, 64


def cfg(**kw):
    base = dict(d=32, heads=4, kv_heads=2, hd=8, ffn=48, layers=2, qkv="separate", bias=False, rope="half",
                positions="slice", mask="causal", norm="rms", mlp="swiglu", parallel=False, embed_scale=False,
                repeat="repeat_kv", cache=None, cache_names=("past_key_values.{i}.key", "past_key_values.{i}.value",
                                                            "present.{i}.key", "present.{i}.value"),
                tied=False, prefix="model.layers", window=None, exporter="trace", opset=17, fold=True,
                external=False, seed=0, notes="", key_transposed=False, mask_min="-1e4", merged_cache=False)
    base.update(kw)
    return base


VARIANTS = {
    "qwen2_bias_cache": cfg(bias=True, positions="position_ids", mask="attention_mask", cache="kv", seed=1,
                            notes="Qwen2: q/k/v bias, GQA 4/2, position_ids + attention_mask inputs, cache"),
    "qwen2_bias_prefill_op14": cfg(bias=True, positions="position_ids", mask="attention_mask", opset=14, seed=2,
                                   notes="Qwen2 prefill at opset 14"),
    "phi_fused_parallel_cache": cfg(heads=4, kv_heads=4, qkv="split", bias=True, rope="partial", norm="layer",
                                    mlp="gelu", parallel=True, cache="kv", prefix="model.layers",
                                    cache_names=("past_key.{i}", "past_value.{i}", "present_key.{i}",
                                                 "present_value.{i}"), seed=3,
                                    notes="Phi: fused qkv Split, partial rotary, parallel attn+MLP, GELU"),
    "phi_gqa_split_op13": cfg(heads=4, kv_heads=2, qkv="split", bias=True, rope="partial", norm="layer",
                              mlp="gelu", parallel=True, opset=13, seed=4,
                              notes="Phi-3-like fused qkv (q 4 heads, k/v 2) Split at opset 13, prefill"),
    "neox_headmajor_qkv": cfg(heads=4, kv_heads=4, qkv="neox5", bias=True, norm="layer", mlp="gelu",
                              parallel=True, prefix="gpt_neox.layers", rope="half", seed=5,
                              notes="NeoX: fused qkv viewed [B,T,H,3,hd], q/k/v picked by index"),
    "falcon_mqa_cache": cfg(heads=4, kv_heads=1, qkv="slice", norm="layer", mlp="gelu", parallel=True,
                            repeat="broadcast", cache="kv", prefix="transformer.h",
                            cache_names=("past.{i}.key", "past.{i}.value", "present.{i}.key", "present.{i}.value"),
                            seed=6, notes="Falcon MQA: one KV head broadcast by MatMul, fused qkv by Slice"),
    "gemma_geglu_tied": cfg(heads=4, kv_heads=2, hd=16, norm="rms1p", mlp="geglu", embed_scale=True, tied=True,
                            seed=7, notes="Gemma: GeGLU, sqrt(d) embedding scale, RMSNorm (1+w), hd 16 != d/H"),
    "mistral_sliding_cache": cfg(heads=4, kv_heads=2, mask="sliding", window=4, cache="kv", seed=8,
                                 notes="Mistral: sliding-window causal mask, GQA, cache"),
    "gpt2_conv1d_stacked_cache": cfg(heads=4, kv_heads=4, qkv="conv1d", bias=True, rope=None, norm="layer",
                                     mlp="gelu", cache="stacked", prefix="transformer.h",
                                     cache_names=("past.{i}", None, "present.{i}", None), seed=9,
                                     notes="GPT-2: Conv1D addmm, fused c_attn, learned positions, stacked cache"),
    "gpt2_conv1d_prefill": cfg(heads=4, kv_heads=4, qkv="conv1d", bias=True, rope=None, norm="layer", mlp="gelu",
                               prefix="transformer.h", seed=10, notes="GPT-2 Conv1D prefill"),
    "llama_nofold": cfg(fold=False, seed=11, notes="Llama exported with do_constant_folding=False"),
    "llama_nofold_cache_op14": cfg(fold=False, cache="kv", opset=14, seed=12,
                                   notes="Llama, no constant folding, cache, opset 14"),
    "llama_script": cfg(exporter="script", seed=13, notes="Llama through torch.jit.script (prefill)"),
    "llama_external": cfg(external=True, cache="kv", seed=14, notes="Llama with cache, tensors in external data"),
    "gptj_interleaved_cache_op13": cfg(rope="interleaved", cache="kv", opset=13, seed=15,
                                       notes="GPT-J interleaved RoPE at opset 13 with cache"),
    "gqa_grouped_matmul_cache": cfg(repeat="grouped", cache="kv", seed=16,
                                    notes="GQA without repeat_kv: q viewed [B,kv,n_rep,S,hd] against k[:, :, None]"),
    # (repeat="interleave", k.repeat_interleave(n_rep, dim=1), also works in the module, but not its export)
    "hf_rope_computed_finfo_cache": cfg(bias=True, positions="computed", mask="attention_mask", mask_min="finfo",
                                        cache="kv", seed=18,
                                        notes="HF 4.38+: RoPE from inv_freq x position_ids at run time, "
                                              "padding mask (1 - m) * finfo.min"),
    "key_transposed_cache": cfg(cache="kv", key_transposed=True, seed=19,
                                notes="key cache stored transposed [B,kv,hd,T], grown on the last axis"),
    "bloom_merged_cache": cfg(heads=4, kv_heads=4, qkv="neox5", bias=True, rope=None, norm="layer", mlp="gelu",
                              cache="kv", merged_cache=True, prefix="transformer.h", seed=20,
                              cache_names=("past_key_values.{i}.key", "past_key_values.{i}.value", "present.{i}.key",
                                           "present.{i}.value"),
                              notes="Bloom-like: batch and heads merged in the cache, keys [B*H, hd, T]"),
}


# ---------------------------------------------------------------- modules
class RMSNorm(nn.Module):
    def __init__(self, d, one_plus):
        super().__init__()
        self.one_plus = one_plus
        self.weight = nn.Parameter(torch.empty(d).uniform_(-0.2, 0.2) if one_plus else torch.empty(d).uniform_(0.8, 1.2))

    def forward(self, x):
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6)
        return x * (1.0 + self.weight) if self.one_plus else x * self.weight


def make_norm(c):
    if c["norm"] == "layer":
        n = nn.LayerNorm(c["d"])
        with torch.no_grad():
            n.weight.uniform_(0.8, 1.2)
            n.bias.uniform_(-0.1, 0.1)
        return n
    return RMSNorm(c["d"], c["norm"] == "rms1p")


class Conv1D(nn.Module):
    """GPT-2's Conv1D: addmm on a [B*T, in] view with a weight stored [in, out]."""

    def __init__(self, nx, nf):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(nx, nf) * 0.2)
        self.bias = nn.Parameter(torch.randn(nf) * 0.1)
        self.nf = nf

    def forward(self, x):
        size_out = x.size()[:-1] + (self.nf,)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(size_out)


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def rotate_interleaved(x):
    x1, x2 = x[..., 0::2], x[..., 1::2]
    return torch.stack((-x2, x1), dim=-1).flatten(-2)


def tables(rd, interleaved):
    inv = 1.0 / (10000 ** (torch.arange(0, rd, 2).float() / rd))
    freqs = torch.outer(torch.arange(MAX_POS).float(), inv)
    emb = torch.repeat_interleave(freqs, 2, dim=-1) if interleaved else torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        d, h, kv, hd = c["d"], c["heads"], c["kv_heads"], c["hd"]
        self.h, self.kv, self.hd = h, kv, hd
        qkv_out = (h + 2 * kv) * hd
        if c["qkv"] == "separate":
            self.q_proj = nn.Linear(d, h * hd, bias=c["bias"])
            self.k_proj = nn.Linear(d, kv * hd, bias=c["bias"])
            self.v_proj = nn.Linear(d, kv * hd, bias=c["bias"])
        elif c["qkv"] == "conv1d":
            self.c_attn = Conv1D(d, qkv_out)
        else:
            self.qkv_proj = nn.Linear(d, qkv_out, bias=c["bias"])
        self.o_proj = Conv1D(h * hd, d) if c["qkv"] == "conv1d" else nn.Linear(h * hd, d, bias=c["bias"])
        self.rd = hd // 2 if c["rope"] == "partial" else hd
        if c["rope"]:
            cos, sin = tables(self.rd, c["rope"] == "interleaved")
            self.register_buffer("cos_cached", cos)
            self.register_buffer("sin_cached", sin)
        self.register_buffer("causal", torch.tril(torch.ones(MAX_POS, MAX_POS, dtype=torch.bool)))

    def project(self, x):
        B, S, _ = x.shape
        h, kv, hd, mode = self.h, self.kv, self.hd, self.c["qkv"]
        if mode == "separate":
            q, k, v = self.q_proj(x), self.k_proj(x), self.v_proj(x)
        elif mode == "neox5":  # per head [q, k, v] adjacent, picked by index
            t = self.qkv_proj(x).view(B, S, h, 3, hd)
            return t[:, :, :, 0].transpose(1, 2), t[:, :, :, 1].transpose(1, 2), t[:, :, :, 2].transpose(1, 2)
        elif mode == "slice":  # Falcon: q heads, then k, then v, cut by slicing
            t = self.qkv_proj(x)
            q, k, v = t[..., :h * hd], t[..., h * hd:(h + kv) * hd], t[..., (h + kv) * hd:]
        else:  # split (Phi) or conv1d (GPT-2): one projection, Split in sizes
            t = self.c_attn(x) if mode == "conv1d" else self.qkv_proj(x)
            q, k, v = t.split([h * hd, kv * hd, kv * hd], dim=2)
        return (q.view(B, S, h, hd).transpose(1, 2), k.view(B, S, kv, hd).transpose(1, 2),
                v.view(B, S, kv, hd).transpose(1, 2))

    def rope(self, x, cos, sin):
        rot = rotate_interleaved if self.c["rope"] == "interleaved" else rotate_half
        if self.rd == self.hd:
            return x * cos + rot(x) * sin
        xr, xp = x[..., :self.rd], x[..., self.rd:]
        return torch.cat((xr * cos + rot(xr) * sin, xp), dim=-1)

    def forward(self, x, start, position_ids, mask_bias, past):
        B, S, _ = x.shape
        q, k, v = self.project(x)
        if self.c["rope"]:
            if self.c["positions"] == "computed":  # HF since 4.38: inv_freq times position_ids at run time
                inv = 1.0 / (10000 ** (torch.arange(0, self.rd, 2).float() / self.rd))
                freqs = position_ids[:, :, None].float() * inv[None, None, :]
                emb = torch.cat((freqs, freqs), dim=-1)
                cos, sin = emb.cos().unsqueeze(1), emb.sin().unsqueeze(1)
            elif position_ids is not None:
                cos, sin = self.cos_cached[position_ids].unsqueeze(1), self.sin_cached[position_ids].unsqueeze(1)
            else:
                cos, sin = self.cos_cached[start:start + S], self.sin_cached[start:start + S]
            q, k = self.rope(q, cos, sin), self.rope(k, cos, sin)
        if self.c["merged_cache"]:  # Bloom: batch and heads merged, keys [B*kv, hd, T], values [B*kv, T, hd]
            k = k.reshape(B * self.kv, S, self.hd).transpose(1, 2)
            v = v.reshape(B * self.kv, S, self.hd)
            if past is not None:
                k = torch.cat((past[0], k), dim=2)
                v = torch.cat((past[1], v), dim=1)
            present = (k, v)
            total = k.shape[2]
            att = q.reshape(B * self.h, S, self.hd) @ k  # MHA only: kv == h
            att = (att / math.sqrt(self.hd)).view(B, self.h, S, total)
            att = att.masked_fill(~self.causal[total - S:total, :total], float("-inf")).softmax(dim=-1)
            y = (att.view(B * self.h, S, total) @ v).view(B, self.h, S, self.hd)
            return self.o_proj(y.transpose(1, 2).reshape(B, S, self.h * self.hd)), present
        if self.c["key_transposed"]:  # the key cache stored [B, kv, hd, T] (concatenated on the last axis)
            k = k.transpose(2, 3)
            if past is not None:
                k = torch.cat((past[0], k), dim=3)
                v = torch.cat((past[1], v), dim=2)
            present = (k, v)
            k = k.transpose(2, 3)
        else:
            if past is not None:
                k = torch.cat((past[0], k), dim=2)
                v = torch.cat((past[1], v), dim=2)
            present = (k, v)
        total = k.shape[2]
        n_rep = self.h // self.kv
        if self.c["repeat"] == "broadcast":  # [B, kv, n_rep*S... ]: MQA broadcast by MatMul
            att = q @ k.transpose(2, 3)
        elif self.c["repeat"] == "grouped":  # q viewed [B, kv, n_rep, S, hd] against k[:, :, None]: no repeat
            att = q.reshape(B, self.kv, n_rep, S, self.hd) @ k[:, :, None].transpose(3, 4)
        elif self.c["repeat"] == "interleave":
            k, v = k.repeat_interleave(n_rep, dim=1), v.repeat_interleave(n_rep, dim=1)
            att = q @ k.transpose(2, 3)
        else:
            if n_rep > 1:
                k = k[:, :, None].expand(B, self.kv, n_rep, total, self.hd).reshape(B, self.h, total, self.hd)
                v = v[:, :, None].expand(B, self.kv, n_rep, total, self.hd).reshape(B, self.h, total, self.hd)
            att = q @ k.transpose(2, 3)
        att = att / math.sqrt(self.hd)
        if self.c["mask"] == "sliding":
            qpos = torch.arange(total - S, total)[:, None]
            kpos = torch.arange(total)[None, :]
            allowed = (kpos <= qpos) & (kpos > qpos - self.c["window"])
            att = att.masked_fill(~allowed, float("-inf"))
        else:
            att = att.masked_fill(~self.causal[total - S:total, :total], float("-inf"))
        if mask_bias is not None:
            att = att + (mask_bias[:, :, None] if self.c["repeat"] == "grouped" else mask_bias)
        att = att.softmax(dim=-1)
        if self.c["repeat"] == "grouped":
            y = (att @ v[:, :, None]).reshape(B, self.h, S, self.hd).transpose(1, 2).reshape(B, S, self.h * self.hd)
        else:
            y = (att @ v).transpose(1, 2).reshape(B, S, self.h * self.hd)
        return self.o_proj(y), present


class Mlp(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, f = c["d"], c["ffn"]
        self.kind = c["mlp"]
        if self.kind == "gelu":
            conv = c["qkv"] == "conv1d"
            self.fc1 = Conv1D(d, f) if conv else nn.Linear(d, f)
            self.fc2 = Conv1D(f, d) if conv else nn.Linear(f, d)
        else:
            self.gate_proj = nn.Linear(d, f, bias=False)
            self.up_proj = nn.Linear(d, f, bias=False)
            self.down_proj = nn.Linear(f, d, bias=False)

    def forward(self, x):
        if self.kind == "gelu":
            return self.fc2(F.gelu(self.fc1(x), approximate="tanh"))
        act = F.silu if self.kind == "swiglu" else (lambda t: F.gelu(t, approximate="tanh"))
        return self.down_proj(act(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.input_layernorm = make_norm(c)
        if not c["parallel"]:
            self.post_attention_layernorm = make_norm(c)
        self.self_attn = Attention(c)
        self.mlp = Mlp(c)

    def forward(self, x, start, position_ids, mask_bias, past):
        h = self.input_layernorm(x)
        a, present = self.self_attn(h, start, position_ids, mask_bias, past)
        if self.c["parallel"]:
            return x + a + self.mlp(h), present
        x = x + a
        return x + self.mlp(self.post_attention_layernorm(x)), present


class Decoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(VOCAB, c["d"])
        if c["rope"] is None:
            self.wpe = nn.Embedding(MAX_POS, c["d"])
        layers = nn.ModuleList([Layer(c) for _ in range(c["layers"])])
        # The module path becomes the node names' prefix (/model/layers.0/..., /transformer/h.0/...).
        outer, inner = c["prefix"].split(".")
        holder = nn.Module()
        holder.add_module(inner, layers)
        self.add_module(outer, holder)
        self.path = (outer, inner)
        self.norm = make_norm(c)
        self.lm_head = nn.Linear(c["d"], VOCAB, bias=False)
        if c["tied"]:
            self.lm_head.weight = self.embed_tokens.weight

    def forward(self, *args):
        """(input_ids, [position_ids], [attention_mask], *past): the exporter needs positional inputs."""
        c = self.c
        args = list(args)
        input_ids = args.pop(0)
        position_ids = args.pop(0) if c["positions"] in ("position_ids", "computed") else None
        attention_mask = args.pop(0) if c["mask"] == "attention_mask" else None
        past = args
        B, S = input_ids.shape
        x = self.embed_tokens(input_ids)
        if c["embed_scale"]:
            x = x * (c["d"] ** 0.5)
        start = 0
        if past:
            last = c["key_transposed"] or c["merged_cache"]
            start = past[0].shape[-1 if last else -2] if c["cache"] == "kv" else past[0].shape[3]
        if c["rope"] is None:
            x = x + self.wpe(torch.arange(start, start + S)[None, :])
        mask_bias = None
        if attention_mask is not None:  # [B, past + S] of 1 (attend) / 0 (padding)
            low = torch.finfo(x.dtype).min if c["mask_min"] == "finfo" else -10000.0
            mask_bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * low
        presents = []
        for i, layer in enumerate(getattr(getattr(self, self.path[0]), self.path[1])):
            p = None
            if c["cache"] == "kv":
                p = (past[2 * i], past[2 * i + 1])
            elif c["cache"] == "stacked":
                p = (past[i][0], past[i][1])
            x, present = layer(x, start, position_ids, mask_bias, p)
            if c["cache"] == "stacked":
                presents.append(torch.stack(present))
            elif c["cache"]:
                presents.extend(present)
        return (self.lm_head(self.norm(x)), *presents)


class ScriptedBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, self.h, self.kv, self.hd = c["d"], c["heads"], c["kv_heads"], c["hd"]
        self.q_proj = nn.Linear(d, self.h * self.hd, bias=False)
        self.k_proj = nn.Linear(d, self.kv * self.hd, bias=False)
        self.v_proj = nn.Linear(d, self.kv * self.hd, bias=False)
        self.o_proj = nn.Linear(self.h * self.hd, d, bias=False)
        self.gate_proj = nn.Linear(d, c["ffn"], bias=False)
        self.up_proj = nn.Linear(d, c["ffn"], bias=False)
        self.down_proj = nn.Linear(c["ffn"], d, bias=False)

    def forward(self, x, cos, sin, mask):
        B, S = x.shape[0], x.shape[1]
        n_rep = self.h // self.kv
        h = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6)
        q = self.q_proj(h).view(B, S, self.h, self.hd).transpose(1, 2)
        k = self.k_proj(h).view(B, S, self.kv, self.hd).transpose(1, 2)
        v = self.v_proj(h).view(B, S, self.kv, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k[:, :, None].expand(B, self.kv, n_rep, S, self.hd).reshape(B, self.h, S, self.hd)
        v = v[:, :, None].expand(B, self.kv, n_rep, S, self.hd).reshape(B, self.h, S, self.hd)
        att = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(self.hd) + mask, dim=-1)
        x = x + self.o_proj((att @ v).transpose(1, 2).reshape(B, S, self.h * self.hd))
        h = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


class ScriptedLlama(nn.Module):
    """A scriptable prefill Llama (torch.jit.script cannot compile the general module's Python options)."""

    def __init__(self, c):
        super().__init__()
        self.embed_tokens = nn.Embedding(VOCAB, c["d"])
        self.layers = nn.ModuleList([ScriptedBlock(c) for _ in range(c["layers"])])
        self.lm_head = nn.Linear(c["d"], VOCAB, bias=False)
        cos, sin = tables(c["hd"], False)
        self.register_buffer("cos_cached", cos)
        self.register_buffer("sin_cached", sin)

    def forward(self, input_ids):
        x = self.embed_tokens(input_ids)
        S = input_ids.shape[1]
        cos, sin = self.cos_cached[:S], self.sin_cached[:S]
        mask = torch.triu(torch.full((S, S), float("-inf")), diagonal=1)
        for blk in self.layers:
            x = blk(x, cos, sin, mask)
        return self.lm_head(x)


# ---------------------------------------------------------------- export
def example(c, gen, B=2, S=5, P=3):
    """Inputs the model accepts: ids, positions that continue the past, a mask with one padded key."""
    ids = torch.randint(0, VOCAB, (B, S), generator=gen)
    P = P if c["cache"] else 0
    args, names, dyn = [ids], ["input_ids"], {"input_ids": {0: "batch", 1: "seq"}}
    if c["positions"] in ("position_ids", "computed"):
        args.append(torch.arange(P, P + S)[None, :].expand(B, S).contiguous())
        names.append("position_ids")
        dyn["position_ids"] = {0: "batch", 1: "seq"}
    if c["mask"] == "attention_mask":
        m = torch.ones(B, P + S, dtype=torch.int64)
        m[0, 0] = 0  # one padded key in the first row
        args.append(m)
        names.append("attention_mask")
        dyn["attention_mask"] = {0: "batch", 1: "past+seq"}
    past_names = []
    if c["cache"] == "kv":
        for i in range(c["layers"]):
            for j in (0, 1):
                n = c["cache_names"][j].format(i=i)
                kt = j == 0 and c["key_transposed"]
                shape = (B, c["kv_heads"], c["hd"], P) if kt else (B, c["kv_heads"], P, c["hd"])
                axes = {0: "batch", 3 if kt else 2: "past"}
                if c["merged_cache"]:  # [B*kv, hd, P] keys, [B*kv, P, hd] values
                    shape = (B * c["kv_heads"], c["hd"], P) if j == 0 else (B * c["kv_heads"], P, c["hd"])
                    axes = {0: "batch_x_heads", 2 if j == 0 else 1: "past"}
                args.append(torch.randn(*shape, generator=gen))
                past_names.append(n)
                dyn[n] = axes
    elif c["cache"] == "stacked":
        for i in range(c["layers"]):
            n = c["cache_names"][0].format(i=i)
            args.append(torch.randn(2, B, c["kv_heads"], P, c["hd"], generator=gen))
            past_names.append(n)
            dyn[n] = {1: "batch", 3: "past"}
    return args, names + past_names, dyn, past_names


def output_names(c):
    out, dyn = ["logits"], {"logits": {0: "batch", 1: "seq"}}
    for i in range(c["layers"] if c["cache"] else 0):
        if c["cache"] == "stacked":
            n = c["cache_names"][2].format(i=i)
            out.append(n)
            dyn[n] = {1: "batch", 3: "past+seq"}
        else:
            for j in (2, 3):
                n = c["cache_names"][j].format(i=i)
                out.append(n)
                dyn[n] = {0: "batch", 3 if j == 2 and c["key_transposed"] else 2: "past+seq"}
                if c["merged_cache"]:
                    dyn[n] = {0: "batch_x_heads", 2 if j == 2 else 1: "past+seq"}
    return out, dyn


def build(name, c, out_dir):
    torch.manual_seed(c["seed"])
    np.random.seed(c["seed"])
    if c["exporter"] == "script":
        model = torch.jit.script(ScriptedLlama(c).eval())
    else:
        model = Decoder(c).eval()
    gen = torch.Generator().manual_seed(100 + c["seed"])
    args, in_names, dyn, past_names = example(c, gen)
    outs, out_dyn = output_names(c)
    dyn.update(out_dyn)
    with torch.no_grad():
        y = model(*args)
    y = y if isinstance(y, tuple) else (y,)
    assert all(torch.isfinite(t).all() for t in y), name
    path = os.path.join(out_dir, f"{name}.onnx")
    torch.onnx.export(model, tuple(args), path, opset_version=c["opset"], input_names=in_names,
                      output_names=outs, dynamic_axes=dyn, do_constant_folding=c["fold"])
    m = onnx.load(path)
    if c["external"]:
        onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=f"{name}.onnx.data", size_threshold=256)
    onnx.checker.check_model(path)
    inputs = {n: a.numpy() for n, a in zip(in_names, args)}
    np.savez(os.path.join(out_dir, f"{name}.inputs.npz"), **inputs)  # prune --verify --inputs
    np.savez(os.path.join(out_dir, f"{name}.reference.npz"), **inputs,
             **{n: t.detach().numpy() for n, t in zip(outs, y)})
    # The residual block a layer-removal plan names: how the exporter named layer 1's nodes (/h.1/..., /layers.1/...).

    block = next(mt.group(1) for n in onnx.load(path, load_external_data=False).graph.node
                 for mt in [re.match(r"^/((?:[^/]*/)*?[^/]*\.1)/", n.name)] if mt)
    return {
        "file": f"{name}.onnx", "inputs_file": f"{name}.inputs.npz", "reference": f"{name}.reference.npz", "notes": c["notes"], "opset": c["opset"],
        "exporter": c["exporter"], "heads": c["heads"], "kv_heads": c["kv_heads"], "head_dim": c["hd"],
        "layers": c["layers"], "inputs": in_names, "outputs": outs, "cache_inputs": past_names,
        "cache_outputs": outs[1:],
        # Layer 1's own cache values (what removing it takes away from the interface).
        "layer_cache": [n for j, n in enumerate(past_names) if j // (len(past_names) // c["layers"]) == 1]
        + [n for j, n in enumerate(outs[1:]) if j // (len(outs[1:]) // c["layers"]) == 1] if past_names else [],
        "layer": block,
        # Heads that cannot be pruned in this layout (and must be blocked naming why), if any.
        "heads_blocked": "batch and heads merged in one axis of the cache" if c["merged_cache"] else None,
    }


def main():
    argv = [a for a in sys.argv[1:] if not a.startswith("--only")]
    only = next((a.split("=", 1)[1].split(",") for a in sys.argv[1:] if a.startswith("--only=")), None)
    out_dir = os.path.abspath(argv[0] if argv else os.path.join(ROOT, "corpus", ".cache", "decoders"))
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(1)
    index_path = os.path.join(out_dir, "decoders.json")
    entries = {}
    if os.path.exists(index_path):
        with open(index_path) as f:
            entries = {e["file"]: e for e in json.load(f)["models"]}
    for name, c in VARIANTS.items():
        if only and name not in only:
            continue
        entries[f"{name}.onnx"] = build(name, c, out_dir)
        print(f"{name}: {c['notes']}")
    with open(index_path, "w") as f:
        json.dump({"models": [entries[k] for k in sorted(entries)]}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
