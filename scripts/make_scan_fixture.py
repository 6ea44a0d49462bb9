"""Scan fixture (issue 10): a recurrent net whose cell lives in a Scan body with weights of its own.

Run with Debian's /usr/bin/python3 (onnx 1.12, numpy):
    /usr/bin/python3 scripts/make_scan_fixture.py
torch 1.13 exports no Scan (scripted loops become Loop), so the graph is written with onnx.helper.
What it exercises: channels that cross the Scan boundary both ways (a scan input sliced along its
time axis, a carried state, a scan output stacked along axis 1), weights stored inside the body as
initializers and as a Constant node, and a body-local Reshape whose target holds a channel count.
Random weights; the file is a few KB.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import fixture_common as fc

SEED = 24
T = 6  # time steps
F = 4  # input features
H = 16  # state / stream channels
K = 12  # hidden channels inside the body


def weight(rng, name, shape, scale=0.4):
    return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)


def body(rng):
    """s [B,H], x_t [B,H] -> s' = tanh(s W_s + x_t W_x + b) + s, y_t = relu(s' W_k) reshaped there and back, W_o."""
    s = helper.make_tensor_value_info("s_in", TensorProto.FLOAT, ["batch", H])
    x = helper.make_tensor_value_info("x_t", TensorProto.FLOAT, ["batch", H])
    s_out = helper.make_tensor_value_info("s_out", TensorProto.FLOAT, ["batch", H])
    y = helper.make_tensor_value_info("y_t", TensorProto.FLOAT, ["batch", H])
    inits = [
        weight(rng, "cell.w_s", [H, H]),
        weight(rng, "cell.w_x", [H, H]),
        weight(rng, "cell.w_k", [H, K]),
        weight(rng, "cell.w_o", [K, H]),
        numpy_helper.from_array(np.array([0, K, 1], dtype=np.int64), "cell.unflat"),
        numpy_helper.from_array(np.array([0, K], dtype=np.int64), "cell.flat"),
    ]
    bias = weight(rng, "cell.b", [H], 0.1)
    nodes = [
        helper.make_node("Constant", [], ["cell.b_value"], value=bias, name="cell/b"),
        helper.make_node("MatMul", ["s_in", "cell.w_s"], ["ss"], name="cell/MatMul_s"),
        helper.make_node("MatMul", ["x_t", "cell.w_x"], ["xs"], name="cell/MatMul_x"),
        helper.make_node("Add", ["ss", "xs"], ["pre0"], name="cell/Add_0"),
        helper.make_node("Add", ["pre0", "cell.b_value"], ["pre"], name="cell/Add_b"),
        helper.make_node("Tanh", ["pre"], ["act"], name="cell/Tanh"),
        helper.make_node("Add", ["act", "s_in"], ["s_out"], name="cell/Residual"),
        helper.make_node("MatMul", ["s_out", "cell.w_k"], ["k"], name="cell/MatMul_k"),
        helper.make_node("Relu", ["k"], ["k_act"], name="cell/Relu"),
        helper.make_node("Reshape", ["k_act", "cell.unflat"], ["k_3d"], name="cell/Unflatten"),
        helper.make_node("Reshape", ["k_3d", "cell.flat"], ["k_2d"], name="cell/Flatten"),
        helper.make_node("MatMul", ["k_2d", "cell.w_o"], ["y_t"], name="cell/MatMul_o"),
    ]
    return helper.make_graph(nodes, "scan_body", [s, x], [s_out, y], inits)


def build():
    rng = np.random.default_rng(SEED)
    x = helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", T, F])
    logits = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3])
    inits = [
        weight(rng, "embed.weight", [F, H]),
        weight(rng, "embed.bias", [H], 0.1),
        weight(rng, "head.weight", [H, 3]),
        weight(rng, "head.bias", [3], 0.1),
    ]
    scan = helper.make_node(
        "Scan", ["state0", "stream"], ["state", "ys"], name="rnn/Scan", body=body(rng),
        num_scan_inputs=1, scan_input_axes=[1], scan_output_axes=[1])
    nodes = [
        helper.make_node("MatMul", ["input", "embed.weight"], ["e0"], name="embed/MatMul"),
        helper.make_node("Add", ["e0", "embed.bias"], ["e1"], name="embed/Add"),
        helper.make_node("Relu", ["e1"], ["stream"], name="embed/Relu"),
        helper.make_node("ReduceMean", ["stream"], ["state0"], name="state0/ReduceMean", axes=[1], keepdims=0),
        scan,
        helper.make_node("ReduceMean", ["ys"], ["pooled"], name="pool/ReduceMean", axes=[1], keepdims=0),
        helper.make_node("Add", ["pooled", "state"], ["summary"], name="summary/Add"),
        helper.make_node("MatMul", ["summary", "head.weight"], ["h0"], name="head/MatMul"),
        helper.make_node("Add", ["h0", "head.bias"], ["logits"], name="head/Add"),
    ]
    g = helper.make_graph(nodes, "scan_net", [x], [logits], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)], producer_name="pruneguard-fixtures")
    m.ir_version = 7
    m.opset_import[0].ClearField("domain")  # the default domain unset, as exporters write it
    return m


def main():
    m = build()
    file = "scan_net_op14.onnx"
    path = os.path.join(fc.MODELS, file)
    fc.save_checked(m, path)
    notes = ("onnx.helper: MatMul+Relu embedding (4 -> 16) of [batch, 6, 4], a Scan over axis 1 carrying a "
             "[batch, 16] state (initial: mean over time) whose body holds its own weights (initializers "
             "w_s, w_x, w_k 16->12, w_o 12->16 and a Constant-node bias) and reshapes its 12 hidden channels "
             "to [0,12,1] and back; scan outputs stacked on axis 1, mean-pooled, added to the final state, "
             "MatMul head (3). Random weights.")
    sizes = [{"input": [1, T, F]}, {"input": [2, T, F]}]
    fc.update_manifest([fc.manifest_entry(m, file, "control-flow-scan", 14, sizes, notes)])
    print(f"scan_net: ok, {os.path.getsize(path)} bytes, ops {dict(fc.op_counts(m))}")


if __name__ == "__main__":
    main()
