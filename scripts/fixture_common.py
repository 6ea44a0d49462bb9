"""Shared helpers for the fixture scripts: export, checks, op inventory, manifest.

Run only with Debian's /usr/bin/python3 (torch 1.13, onnx 1.12). The generated files are
committed so that the TypeScript tests never need Python.
"""
import collections
import json
import os

import numpy as np
import onnx
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = os.path.join(ROOT, "fixtures", "models")
DATA = os.path.join(ROOT, "fixtures", "data")
MANIFEST = os.path.join(MODELS, "manifest.json")

DTYPES = {onnx.TensorProto.FLOAT: "float32", onnx.TensorProto.FLOAT16: "float16", onnx.TensorProto.INT64: "int64"}


def seed_everything(seed):
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.use_deterministic_algorithms(True)
    # One thread: on a shared 2-core machine, 2 torch threads spin-wait and run ~10x slower.
    torch.set_num_threads(1)


def export(model, args, path, opset, input_names, output_names, dynamic_axes):
    """Exports in eval mode but with TrainingMode.PRESERVE so that BatchNormalization
    stays a node (TrainingMode.EVAL would fold it into the preceding Conv).

    Grad stays enabled on purpose: under no_grad, nn.TransformerEncoderLayer takes its
    fused fast path (aten::_transformer_encoder_layer_fwd), which cannot be exported."""
    model.eval()
    with torch.enable_grad():
        torch.onnx.export(
            model, args, path, opset_version=opset, input_names=input_names,
            output_names=output_names, dynamic_axes=dynamic_axes,
            do_constant_folding=True, training=torch.onnx.TrainingMode.PRESERVE)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    return m


def save_checked(m, path):
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, path)


def value_info(v):
    t = v.type.tensor_type
    dims = [d.dim_param if d.dim_param else d.dim_value for d in t.shape.dim]
    return {"name": v.name, "dtype": DTYPES[t.elem_type], "shape": dims}


def op_counts(m):
    return collections.Counter(n.op_type for n in m.graph.node)


def _producers(m):
    return {o: n for n in m.graph.node for o in n.output}


def detect_quirks(m):
    """Exporter quirks actually present in the graph (checked, not assumed)."""
    prod = _producers(m)
    inits = {i.name for i in m.graph.initializer}
    ops = op_counts(m)
    q = []
    aliases = [n for n in m.graph.node if n.op_type == "Identity" and n.input[0] in inits]
    if aliases:
        q.append(f"identity-alias: {len(aliases)} Identity node(s) re-expose an initializer under another name")
    weights = [n for n in m.graph.node if n.op_type == "Constant"
               and n.attribute[0].name == "value" and n.attribute[0].t.data_type == onnx.TensorProto.FLOAT
               and len(n.attribute[0].t.dims) >= 1 and int(np.prod(n.attribute[0].t.dims)) > 1]
    if weights:
        q.append(f"constant-weights: {len(weights)} float tensors stored as Constant nodes")
    concat_reshape = [n for n in m.graph.node if n.op_type == "Reshape"
                      and n.input[1] in prod and prod[n.input[1]].op_type == "Concat"]
    if concat_reshape:
        q.append(f"concat-built-reshape: {len(concat_reshape)} Reshape(s) take a shape built by Concat (from Shape/Gather)")
    for op, label in [("Split", "split"), ("Clip", "clip (ReLU6)"), ("LayerNormalization", "LayerNormalization op"),
                      ("Erf", "Erf-based GELU"), ("Where", "Where (masked_fill)"), ("Range", "Range (arange)"),
                      ("BatchNormalization", "BatchNormalization kept as node"), ("Flatten", "Flatten"),
                      ("GlobalAveragePool", "GlobalAveragePool")]:
        if ops.get(op):
            q.append(f"{label}: {ops[op]}")
    grouped = [n for n in m.graph.node if n.op_type == "Conv"
               and any(a.name == "group" and a.i > 1 for a in n.attribute)]
    if grouped:
        q.append(f"depthwise/grouped Conv: {len(grouped)}")
    dyn_slice = [n for n in m.graph.node if n.op_type == "Slice" and len(n.input) > 2
                 and n.input[2] in prod and prod[n.input[2]].op_type != "Constant"]
    if dyn_slice:
        q.append(f"shape-computed Slice: {len(dyn_slice)} Slice(s) whose ends are computed from Shape")
    per_head = [i for i in m.graph.initializer if len(i.dims) == 4 and i.dims[0] == 1 and i.dims[1] > 1
                and i.dims[2] == i.dims[3] and i.data_type == onnx.TensorProto.FLOAT]
    if per_head:
        q.append("per-head constant: " + ", ".join(f"{i.name} {list(i.dims)}" for i in per_head)
                 + " (sliced to [:, :, :T, :T] and added to the attention scores)")
    if ops.get("ReduceMean") and ops.get("Pow") and ops.get("Sqrt"):
        q.append("decomposed LayerNorm (ReduceMean/Sub/Pow/Sqrt/Div)")
    return q


def update_manifest(entries):
    """Merges entries (keyed by file) into fixtures/models/manifest.json, sorted keys."""
    current = {}
    if os.path.exists(MANIFEST):
        with open(MANIFEST) as f:
            current = {e["file"]: e for e in json.load(f)["models"]}
    for e in entries:
        current[e["file"]] = e
    doc = {
        "generated_by": "scripts/make_fixtures.py + scripts/train_fixtures.py",
        "versions": {"torch": torch.__version__, "onnx": onnx.__version__},
        "models": [current[k] for k in sorted(current)],
    }
    with open(MANIFEST, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")


def manifest_entry(m, file, family, opset, sizes, notes, vocab=None, reference=None):
    e = {
        "file": file, "family": family, "opset": opset,
        "inputs": [value_info(v) for v in m.graph.input],
        "outputs": [value_info(v) for v in m.graph.output],
        "sizes": sizes, "notes": notes, "quirks": detect_quirks(m),
    }
    if vocab is not None:
        e["vocab"] = vocab
    if reference is not None:
        e["reference"] = reference
    return e
