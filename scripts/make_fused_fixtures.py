"""Writes small Llama/BERT-shaped decoders and encoders built from fused attention and norm ops
(no exporter writes these from a hand-written torch module, so they are built with onnx.helper):

- fused_attention23_3d_op23: RMSNormalization, RotaryEmbedding (3-D, num_heads), ONNX Attention
  3-D with q_num_heads 4 / kv_num_heads 2 (grouped-query), SwiGLU MLP.
- fused_attention23_4d_cache_op23: the same with Reshape/Transpose to 4-D, 4-D RotaryEmbedding and
  Attention reading past_key/past_value graph inputs and writing present_* outputs.
- fused_ms_attention_bert_op17: com.microsoft Attention (packed QKV weight and bias) and
  SkipLayerNormalization, a BERT-shaped encoder.
- fused_ms_mha_rope_cache_op17: SimplifiedLayerNormalization, com.microsoft RotaryEmbedding
  (interleaved), MultiHeadAttention with a KV cache, SkipSimplifiedLayerNormalization.
- fused_ms_gqa_cache_op17: GroupQueryAttention (do_rotary, cos/sin caches, past/present, seqlens_k
  and total_sequence_length computed in the graph from the input shapes), head size 16 (onnxruntime's
  rotary kernel needs a multiple of 16).

Position ids, seqlens_k and total_sequence_length are computed from Shape() so random inputs are
valid. Run with /usr/bin/python3 (onnx 1.12); onnxruntime checks are in src/ops/attention/*.test.ts.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_common as fc  # noqa: E402

VOCAB, HIDDEN, FFN, LAYERS, MAX_POS = 32, 32, 48, 2, 64
rng = np.random.default_rng(7)


class G:
    """A tiny graph writer: unique node names, initializers, int constants."""

    def __init__(self):
        self.nodes, self.inits, self.count = [], [], {}

    def name(self, base):
        self.count[base] = self.count.get(base, 0) + 1
        return base if self.count[base] == 1 else f"{base}_{self.count[base] - 1}"

    def op(self, op, inputs, base, n_out=1, domain=None, **attrs):
        name = self.name(base)
        outs = [name] if n_out == 1 else [f"{name}:{i}" if i else name for i in range(n_out)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=name, domain=domain, **attrs))
        return outs[0] if n_out == 1 else outs

    def weight(self, name, *shape, scale=0.3):
        self.inits.append(numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name))
        return name

    def const(self, name, a):
        self.inits.append(numpy_helper.from_array(np.asarray(a), name))
        return name

    def ones(self, name, n):
        return self.const(name, (1 + 0.1 * rng.standard_normal(n)).astype(np.float32))

    def linear(self, x, prefix, n_in, n_out, bias=False):
        y = self.op("MatMul", [x, self.weight(f"{prefix}.weight", n_in, n_out)], f"{prefix}.matmul")
        return self.op("Add", [y, self.weight(f"{prefix}.bias", n_out, scale=0.1)], f"{prefix}.add") if bias else y

    def swiglu(self, x, prefix):
        gate = self.linear(x, f"{prefix}.gate_proj", HIDDEN, FFN)
        silu = self.op("Mul", [gate, self.op("Sigmoid", [gate], f"{prefix}.sigmoid")], f"{prefix}.silu")
        up = self.linear(x, f"{prefix}.up_proj", HIDDEN, FFN)
        return self.linear(self.op("Mul", [silu, up], f"{prefix}.mul"), f"{prefix}.down_proj", FFN, HIDDEN)

    def dim(self, x, axis, base):
        """Shape(x)[axis] as a [1] int64 vector."""
        return self.op("Gather", [self.op("Shape", [x], f"{base}.shape"), self.const(f"{base}.axis", np.array([axis]))],
                       f"{base}.gather", axis=0)

    def positions(self, ids, past=None):
        """[B, S] position ids past_len .. past_len + S - 1."""
        seq = self.dim(ids, 1, "seq_len")
        start = self.dim(past, 2, "past_len") if past else self.const("zero", np.array([0]))
        end = self.op("Add", [start, seq], "end")
        sq = self.const("squeeze0", np.array([0]))
        rng_ = self.op("Range", [self.op("Squeeze", [start, sq], "start_scalar"),
                                 self.op("Squeeze", [end, sq], "end_scalar"),
                                 self.const("one", np.array(1))], "range")
        row = self.op("Unsqueeze", [rng_, sq], "positions_row")
        return self.op("Expand", [row, self.op("Shape", [ids], "ids_shape")], "position_ids")

    def rope_caches(self, half):
        inv = 1.0 / (10000 ** (np.arange(half) / half))
        ang = np.outer(np.arange(MAX_POS), inv)
        cos = self.const("cos_cache", np.cos(ang).astype(np.float32))
        return cos, self.const("sin_cache", np.sin(ang).astype(np.float32))

    def model(self, name, inputs, outputs, opset, contrib):
        g = helper.make_graph(self.nodes, name, inputs, outputs, self.inits)
        imports = [default_opset(opset)] + ([helper.make_opsetid("com.microsoft", 1)] if contrib else [])
        m = helper.make_model(g, opset_imports=imports, producer_name="pruneguard-fixtures")
        m.ir_version = 10 if opset >= 21 else 8
        return m


def default_opset(version):
    """The default domain left unset (not ""): pruneguard writes it so, and fixtures round-trip byte-identically."""
    o = onnx.OperatorSetIdProto()
    o.version = version
    return o


def ids_input(batch="batch"):
    return helper.make_tensor_value_info("input_ids", TensorProto.INT64, [batch, "seq"])


def cache_io(kv_heads, head_size, batch="batch"):
    ins = [helper.make_tensor_value_info(f"{n}_{i}", TensorProto.FLOAT, [batch, kv_heads, "past", head_size])
           for i in range(LAYERS) for n in ("past_key", "past_value")]
    outputs = [helper.make_tensor_value_info(f"{n}_{i}", TensorProto.FLOAT, [batch, kv_heads, "past+seq", head_size])
               for i in range(LAYERS) for n in ("present_key", "present_value")]
    return ins, outputs


def logits_output(batch="batch"):
    return helper.make_tensor_value_info("logits", TensorProto.FLOAT, [batch, "seq", VOCAB])


def attention23(cache):
    """Opset-23 decoder: 3-D Attention + RoPE (prefill), or 4-D with a KV cache."""
    H, KV, HD = 4, 2, 8
    g = G()
    x = g.op("Gather", [g.weight("embed_tokens.weight", VOCAB, HIDDEN), "input_ids"], "embed_tokens", axis=0)
    pos = g.positions("input_ids", "past_key_0" if cache else None)
    cos, sin = g.rope_caches(HD // 2)
    for i in range(LAYERS):
        p = f"layers.{i}"
        h = g.op("RMSNormalization", [x, g.ones(f"{p}.input_layernorm.weight", HIDDEN)], f"{p}.input_layernorm",
                 epsilon=1e-5)
        q = g.linear(h, f"{p}.self_attn.q_proj", HIDDEN, H * HD)
        k = g.linear(h, f"{p}.self_attn.k_proj", HIDDEN, KV * HD)
        v = g.linear(h, f"{p}.self_attn.v_proj", HIDDEN, KV * HD)
        if cache:
            def heads(t, n, what):
                r = g.op("Reshape", [t, g.const(f"{p}.self_attn.{what}_shape", np.array([0, 0, n, HD]))],
                         f"{p}.self_attn.{what}_reshape")
                return g.op("Transpose", [r], f"{p}.self_attn.{what}_transpose", perm=[0, 2, 1, 3])
            q, k, v = heads(q, H, "q"), heads(k, KV, "k"), heads(v, KV, "v")
            q = g.op("RotaryEmbedding", [q, cos, sin, pos], f"{p}.self_attn.q_rotary")
            k = g.op("RotaryEmbedding", [k, cos, sin, pos], f"{p}.self_attn.k_rotary")
            y, _, _ = g.op("Attention", [q, k, v, "", f"past_key_{i}", f"past_value_{i}"], f"{p}.self_attn.attention",
                           n_out=3, is_causal=1)
            g.nodes[-1].output[1:] = [f"present_key_{i}", f"present_value_{i}"]
            y = g.op("Transpose", [y], f"{p}.self_attn.o_transpose", perm=[0, 2, 1, 3])
            y = g.op("Reshape", [y, g.const(f"{p}.self_attn.o_shape", np.array([0, 0, H * HD]))],
                     f"{p}.self_attn.o_reshape")
        else:
            q = g.op("RotaryEmbedding", [q, cos, sin, pos], f"{p}.self_attn.q_rotary", num_heads=H)
            k = g.op("RotaryEmbedding", [k, cos, sin, pos], f"{p}.self_attn.k_rotary", num_heads=KV)
            y = g.op("Attention", [q, k, v], f"{p}.self_attn.attention", q_num_heads=H, kv_num_heads=KV, is_causal=1)
        x = g.op("Add", [x, g.linear(y, f"{p}.self_attn.o_proj", H * HD, HIDDEN)], f"{p}.residual_attn")
        h = g.op("RMSNormalization", [x, g.ones(f"{p}.post_attention_layernorm.weight", HIDDEN)],
                 f"{p}.post_attention_layernorm", epsilon=1e-5)
        x = g.op("Add", [x, g.swiglu(h, f"{p}.mlp")], f"{p}.residual_mlp")
    x = g.op("RMSNormalization", [x, g.ones("norm.weight", HIDDEN)], "norm", epsilon=1e-5)
    g.linear(x, "lm_head", HIDDEN, VOCAB)
    g.nodes[-1].output[0] = "logits"
    ins, outs = cache_io(KV, HD) if cache else ([], [])
    name = "fused_attention23_4d_cache" if cache else "fused_attention23_3d"
    return g.model(name, [ids_input(), *ins], [logits_output(), *outs], 23, False)


def ms_attention_bert():
    """BERT-shaped encoder: com.microsoft Attention (packed QKV) + SkipLayerNormalization."""
    H = 4
    g = G()
    x = g.op("Gather", [g.weight("embeddings.word.weight", VOCAB, HIDDEN), "input_ids"], "embeddings.word", axis=0)
    x = g.op("LayerNormalization", [x, g.ones("embeddings.ln.weight", HIDDEN), g.weight("embeddings.ln.bias", HIDDEN)],
             "embeddings.ln", epsilon=1e-5)
    for i in range(LAYERS):
        p = f"encoder.layer.{i}"
        a = g.op("Attention", [x, g.weight(f"{p}.attention.qkv.weight", HIDDEN, 3 * HIDDEN),
                               g.weight(f"{p}.attention.qkv.bias", 3 * HIDDEN, scale=0.1)],
                 f"{p}.attention.self", domain="com.microsoft", num_heads=H)
        a = g.linear(a, f"{p}.attention.output.dense", HIDDEN, HIDDEN, bias=True)
        x = g.op("SkipLayerNormalization", [a, x, g.ones(f"{p}.attention.output.ln.weight", HIDDEN),
                                            g.weight(f"{p}.attention.output.ln.bias", HIDDEN, scale=0.1)],
                 f"{p}.attention.output.ln", domain="com.microsoft", epsilon=1e-5)
        f = g.op("Relu", [g.linear(x, f"{p}.intermediate.dense", HIDDEN, FFN, bias=True)], f"{p}.intermediate.act")
        f = g.linear(f, f"{p}.output.dense", FFN, HIDDEN, bias=True)
        x = g.op("SkipLayerNormalization", [f, x, g.ones(f"{p}.output.ln.weight", HIDDEN),
                                            g.weight(f"{p}.output.ln.bias", HIDDEN, scale=0.1)],
                 f"{p}.output.ln", domain="com.microsoft", epsilon=1e-5)
    g.linear(x, "classifier", HIDDEN, VOCAB, bias=True)
    g.nodes[-1].output[0] = "logits"
    return g.model("fused_ms_attention_bert", [ids_input()], [logits_output()], 17, True)


def ms_decoder(kind):
    """Llama-shaped decoder with a KV cache: 'mha' (contrib RotaryEmbedding interleaved + MultiHeadAttention)
    or 'gqa' (GroupQueryAttention with do_rotary). Norms: SimplifiedLayerNormalization, then
    SkipSimplifiedLayerNormalization fusing each residual add."""
    H, KV, HD = (4, 4, 8) if kind == "mha" else (4, 2, 16)
    g = G()
    x = g.op("Gather", [g.weight("embed_tokens.weight", VOCAB, HIDDEN), "input_ids"], "embed_tokens", axis=0)
    h = g.op("SimplifiedLayerNormalization", [x, g.ones("layers.0.input_layernorm.weight", HIDDEN)],
             "layers.0.input_layernorm", epsilon=1e-5)
    cos, sin = g.rope_caches(HD // 2)
    if kind == "mha":
        pos = g.positions("input_ids", "past_key_0")
    else:
        # total_sequence_length = past + S (int32 scalar); seqlens_k = total - 1 for every sequence.
        total = g.op("Add", [g.dim("past_key_0", 2, "past_len"), g.dim("input_ids", 1, "seq_len")], "total_len")
        total32 = g.op("Cast", [total], "total_len_int32", to=TensorProto.INT32)
        seqlens = g.op("Sub", [total32, g.const("one_int32", np.array([1], dtype=np.int32))], "seqlens_minus_one")
        seqlens = g.op("Expand", [seqlens, g.dim("input_ids", 0, "batch_size")], "seqlens_k")
        total_scalar = g.op("Squeeze", [total32, g.const("squeeze0", np.array([0]))], "total_sequence_length")
    for i in range(LAYERS):
        p = f"layers.{i}"
        q = g.linear(h, f"{p}.self_attn.q_proj", HIDDEN, H * HD)
        k = g.linear(h, f"{p}.self_attn.k_proj", HIDDEN, KV * HD)
        v = g.linear(h, f"{p}.self_attn.v_proj", HIDDEN, KV * HD)
        caches = [f"past_key_{i}", f"past_value_{i}"]
        if kind == "mha":
            q = g.op("RotaryEmbedding", [q, pos, cos, sin], f"{p}.self_attn.q_rotary", domain="com.microsoft",
                     interleaved=1, num_heads=H)
            k = g.op("RotaryEmbedding", [k, pos, cos, sin], f"{p}.self_attn.k_rotary", domain="com.microsoft",
                     interleaved=1, num_heads=KV)
            y, _, _ = g.op("MultiHeadAttention", [q, k, v, "", "", "", *caches], f"{p}.self_attn.attention", n_out=3,
                           domain="com.microsoft", num_heads=H, unidirectional=1)
        else:
            y, _, _ = g.op("GroupQueryAttention", [q, k, v, *caches, seqlens, total_scalar, cos, sin],
                           f"{p}.self_attn.attention", n_out=3, domain="com.microsoft", num_heads=H, kv_num_heads=KV,
                           do_rotary=1)
        g.nodes[-1].output[1:] = [f"present_key_{i}", f"present_value_{i}"]
        o = g.linear(y, f"{p}.self_attn.o_proj", H * HD, HIDDEN)
        h, _, _, x = g.op("SkipSimplifiedLayerNormalization", [o, x, g.ones(f"{p}.post_attention_layernorm.weight",
                                                                             HIDDEN)],
                          f"{p}.post_attention_layernorm", n_out=4, domain="com.microsoft", epsilon=1e-5)
        g.nodes[-1].output[1:3] = ["", ""]
        f = g.swiglu(h, f"{p}.mlp")
        nxt = f"layers.{i + 1}.input_layernorm" if i + 1 < LAYERS else "norm"
        h, _, _, x = g.op("SkipSimplifiedLayerNormalization", [f, x, g.ones(f"{nxt}.weight", HIDDEN)], nxt, n_out=4,
                          domain="com.microsoft", epsilon=1e-5)
        g.nodes[-1].output[1:3] = ["", ""]
        if i + 1 == LAYERS:
            g.nodes[-1].output[3] = ""
    g.linear(h, "lm_head", HIDDEN, VOCAB)
    g.nodes[-1].output[0] = "logits"
    # onnxruntime's GroupQueryAttention takes a batch of 1 when it reads a past and S > 1: the batch is fixed.
    batch = "batch" if kind == "mha" else 1
    ins, outs = cache_io(KV, HD, batch)
    return g.model(f"fused_ms_{kind}_cache", [ids_input(batch), *ins], [logits_output(batch), *outs], 17, True)


def main():
    entries = []
    builds = [
        ("fused_attention23_3d_op23.onnx", 23, attention23(False),
         "3-D Attention (GQA 4/2), RotaryEmbedding, RMSNormalization"),
        ("fused_attention23_4d_cache_op23.onnx", 23, attention23(True),
         "4-D Attention with past/present, 4-D RotaryEmbedding"),
        ("fused_ms_attention_bert_op17.onnx", 17, ms_attention_bert(),
         "com.microsoft Attention + SkipLayerNormalization"),
        ("fused_ms_mha_cache_op17.onnx", 17, ms_decoder("mha"),
         "MultiHeadAttention + contrib RotaryEmbedding (interleaved) + Skip/SimplifiedLayerNormalization, KV cache"),
        ("fused_ms_gqa_cache_op17.onnx", 17, ms_decoder("gqa"),
         "GroupQueryAttention (do_rotary, 4/2 heads of 16) + SkipSimplifiedLayerNormalization, KV cache"),
    ]
    for file, opset, m, notes in builds:
        onnx.save(m, os.path.join(fc.MODELS, file))
        cached = any(i.name.startswith("past") for i in m.graph.input)
        if cached:
            batch = m.graph.input[0].type.tensor_type.shape.dim[0].dim_value or 2
            sizes = [{"input_ids": [1, 1]}, {"input_ids": [batch, 3]}]
            for s, past in zip(sizes, (4, 2)):
                for inp in m.graph.input[1:]:
                    dims = [d.dim_value or None for d in inp.type.tensor_type.shape.dim]
                    s[inp.name] = [s["input_ids"][0], dims[1], past, dims[3]]
        else:
            sizes = [{"input_ids": [1, 5]}, {"input_ids": [2, 3]}]
        entries.append(fc.manifest_entry(m, file, "fused-attention", opset, sizes, notes, vocab=VOCAB))
        print(file, os.path.getsize(os.path.join(fc.MODELS, file)), "bytes")
    fc.update_manifest(entries)


if __name__ == "__main__":
    main()
