"""Writes small quantized and low-precision fixtures with onnx.helper (opset 17, random weights).

    /usr/bin/python3 scripts/make_quant_fixtures.py

onnxruntime's quantizer is not installed, so the graphs are written the way it writes them:
- qdq_cnn: fp32 Conv -> Relu -> QDQ block (QuantizeLinear/DequantizeLinear of the activation, uint8
  per-tensor; weight DequantizeLinear(int8, per-channel scale on axis 0, zero point 0)) Conv -> Relu
  -> fp32 Conv.
- integer_ops: fp32 Conv -> Conv -> DynamicQuantizeLinear -> ConvInteger(int8 weight) -> Cast -> Mul(scales)
  -> Relu -> QuantizeLinear -> QLinearConv -> QLinearMatMul-free tail: DequantizeLinear -> Conv (fp32);
  and a MatMulInteger + QLinearMatMul head on the pooled features.
- fp16_cnn / bf16_cnn: the fp32 CNN (Conv, BatchNorm, Relu, Conv, Gemm) with every weight and
  activation in float16 (bf16: weights stored bfloat16, cast to float for compute).
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import fixture_common as fc

rng = np.random.default_rng(17)


def w(*shape, scale=0.3):
    return (rng.normal(size=shape) * scale).astype(np.float32)


def tensor(name, a):
    return numpy_helper.from_array(a, name)


def qint8(a, axis=0):
    """Symmetric per-channel int8 quantization along `axis`: (q, scale)."""
    red = tuple(i for i in range(a.ndim) if i != axis)
    scale = np.maximum(np.abs(a).max(axis=red), 1e-6) / 127
    shape = [1] * a.ndim
    shape[axis] = -1
    q = np.clip(np.round(a / scale.reshape(shape)), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def model(nodes, inits, inputs, outputs, name):
    g = helper.make_graph(nodes, name, inputs, outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="pruneguard-fixtures")
    m.ir_version = 8
    m.opset_import[0].ClearField("domain")  # the default domain unset, as exporters write it
    return m


def qdq_cnn():
    q2, s2 = qint8(w(8, 6, 3, 3))
    inits = [tensor("c1.weight", w(6, 3, 3, 3)), tensor("c1.bias", w(6, scale=0.1)),
             tensor("c2.weight_q", q2), tensor("c2.weight_scale", s2), tensor("c2.weight_zp", np.zeros(8, np.int8)),
             tensor("c2.bias", w(8, scale=0.1)),
             tensor("act_scale", np.array(0.05, np.float32)), tensor("act_zp", np.array(128, np.uint8)),
             tensor("c3.weight", w(4, 8, 1, 1)), tensor("c3.bias", w(4, scale=0.1))]
    nodes = [
        helper.make_node("Conv", ["input", "c1.weight", "c1.bias"], ["c1"], pads=[1, 1, 1, 1], name="c1"),
        helper.make_node("Relu", ["c1"], ["r1"], name="r1"),
        helper.make_node("QuantizeLinear", ["r1", "act_scale", "act_zp"], ["r1_q"], name="r1_q"),
        helper.make_node("DequantizeLinear", ["r1_q", "act_scale", "act_zp"], ["r1_dq"], name="r1_dq"),
        helper.make_node("DequantizeLinear", ["c2.weight_q", "c2.weight_scale", "c2.weight_zp"], ["c2.weight"], axis=0, name="c2.weight_dq"),
        helper.make_node("Conv", ["r1_dq", "c2.weight", "c2.bias"], ["c2"], pads=[1, 1, 1, 1], name="c2"),
        helper.make_node("Relu", ["c2"], ["r2"], name="r2"),
        helper.make_node("Conv", ["r2", "c3.weight", "c3.bias"], ["logits"], name="c3"),
    ]
    return model(nodes, inits, [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3, 8, 8])],
                 [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 4, 8, 8])], "qdq_cnn")


def integer_ops():
    qi, si = qint8(w(8, 6, 3, 3))
    ql, sl = qint8(w(8, 8, 3, 3))
    qm, sm = qint8(w(8, 5), axis=1)
    inits = [tensor("c0.weight", w(6, 3, 3, 3)), tensor("c0.bias", w(6, scale=0.1)),
             tensor("c1.weight", w(6, 6, 3, 3)), tensor("c1.bias", w(6, scale=0.1)),
             tensor("ci.weight", qi), tensor("ci.weight_zp", np.array(0, np.int8)),
             tensor("ci.scale", si.reshape(1, 8, 1, 1)),
             tensor("q.scale", np.array(0.05, np.float32)), tensor("q.zp", np.array(0, np.uint8)),
             tensor("ql.weight", ql), tensor("ql.weight_scale", sl), tensor("ql.weight_zp", np.zeros(8, np.int8)),
             tensor("y.scale", np.array(0.1, np.float32)), tensor("y.zp", np.array(0, np.uint8)),
             tensor("mm.weight", qm), tensor("mm.weight_zp", np.array(0, np.int8)),
             tensor("mm.scale", (sm * 0.05).astype(np.float32)),
             ]
    nodes = [
        helper.make_node("Conv", ["input", "c0.weight", "c0.bias"], ["c0"], pads=[1, 1, 1, 1], name="c0"),
        helper.make_node("Relu", ["c0"], ["r0"], name="r0"),
        helper.make_node("Conv", ["r0", "c1.weight", "c1.bias"], ["c1"], pads=[1, 1, 1, 1], name="c1"),
        helper.make_node("Relu", ["c1"], ["r1"], name="r1"),
        helper.make_node("DynamicQuantizeLinear", ["r1"], ["r1_q", "r1_scale", "r1_zp"], name="dql"),
        helper.make_node("ConvInteger", ["r1_q", "ci.weight", "r1_zp", "ci.weight_zp"], ["ci"], pads=[1, 1, 1, 1], name="ci"),
        helper.make_node("Cast", ["ci"], ["ci_f"], to=TensorProto.FLOAT, name="ci_f"),
        helper.make_node("Mul", ["ci_f", "ci.scale"], ["ci_s"], name="ci_s"),
        helper.make_node("Mul", ["ci_s", "r1_scale"], ["ci_y"], name="ci_y"),
        helper.make_node("Relu", ["ci_y"], ["r2"], name="r2"),
        helper.make_node("QuantizeLinear", ["r2", "q.scale", "q.zp"], ["r2_q"], name="r2_q"),
        helper.make_node("QLinearConv", ["r2_q", "q.scale", "q.zp", "ql.weight", "ql.weight_scale", "ql.weight_zp", "y.scale", "y.zp"],
                         ["ql"], pads=[1, 1, 1, 1], name="ql"),
        helper.make_node("DequantizeLinear", ["ql", "y.scale", "y.zp"], ["ql_f"], name="ql_f"),
        helper.make_node("ReduceMean", ["ql_f"], ["pooled"], axes=[2, 3], keepdims=0, name="pool"),
        helper.make_node("QuantizeLinear", ["pooled", "q.scale", "q.zp"], ["pooled_q"], name="pooled_q"),
        helper.make_node("MatMulInteger", ["pooled_q", "mm.weight", "q.zp", "mm.weight_zp"], ["mm"], name="mm"),
        helper.make_node("Cast", ["mm"], ["mm_f"], to=TensorProto.FLOAT, name="mm_f"),
        helper.make_node("Mul", ["mm_f", "mm.scale"], ["logits"], name="mm_s"),
    ]
    return model(nodes, inits, [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3, 8, 8])],
                 [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 5])], "integer_ops")


def low_precision_cnn(dtype):
    """Conv -> BN -> Relu -> Conv -> Relu -> GAP -> Flatten -> Gemm, weights in `dtype` (fp16 or bf16)."""
    fp16 = dtype == TensorProto.FLOAT16
    def cast_w(name, a):
        if fp16:
            return tensor(name, a.astype(np.float16))
        t = helper.make_tensor(name, TensorProto.BFLOAT16, a.shape, vals=[0] * a.size)
        bits = (a.astype(np.float32).view(np.uint32) + 0x8000) >> 16  # round to nearest bf16
        t.ClearField("int32_data")
        t.raw_data = bits.astype(np.uint16).tobytes()
        return t
    params = {"c1.weight": w(8, 3, 3, 3), "c1.bias": w(8, scale=0.1),
              "bn.scale": (rng.random(8) + 0.5).astype(np.float32), "bn.bias": w(8, scale=0.1),
              "bn.mean": w(8, scale=0.1), "bn.var": (rng.random(8) + 0.5).astype(np.float32),
              "c2.weight": w(8, 8, 3, 3), "c2.bias": w(8, scale=0.1), "fc.weight": w(5, 8), "fc.bias": w(5, scale=0.1)}
    inits = [cast_w(k, v) for k, v in params.items()]
    if fp16:
        pre, src, out_t = [], "input", TensorProto.FLOAT16
        name = lambda k: k
    else:  # bf16 storage, float compute: a Cast after every weight, as bf16 checkpoints are often served on CPU
        pre = [helper.make_node("Cast", [k], [k + "_f"], to=TensorProto.FLOAT, name="cast_" + k) for k in params]
        src, out_t = "input", TensorProto.FLOAT
        name = lambda k: k + "_f"
    nodes = pre + [
        helper.make_node("Conv", [src, name("c1.weight"), name("c1.bias")], ["c1"], pads=[1, 1, 1, 1], name="c1"),
        helper.make_node("BatchNormalization", ["c1", name("bn.scale"), name("bn.bias"), name("bn.mean"), name("bn.var")], ["bn"], name="bn"),
        helper.make_node("Relu", ["bn"], ["r1"], name="r1"),
        helper.make_node("Conv", ["r1", name("c2.weight"), name("c2.bias")], ["c2"], pads=[1, 1, 1, 1], name="c2"),
        helper.make_node("Relu", ["c2"], ["r2"], name="r2"),
        helper.make_node("GlobalAveragePool", ["r2"], ["gap"], name="gap"),
        helper.make_node("Flatten", ["gap"], ["flat"], name="flat"),
        helper.make_node("Gemm", ["flat", name("fc.weight"), name("fc.bias")], ["logits"], transB=1, name="fc"),
    ]
    tag = "fp16" if fp16 else "bf16"
    return model(nodes, inits, [helper.make_tensor_value_info("input", out_t, ["batch", 3, 8, 8])],
                 [helper.make_tensor_value_info("logits", out_t, ["batch", 5])], f"{tag}_cnn")


SPECS = {
    "qdq_cnn": (qdq_cnn, "cnn-qdq", "QDQ: uint8 per-tensor activation QDQ and an int8 per-channel (axis 0, zero point 0) "
                "weight DequantizeLinear on the middle Conv (6->8), between fp32 convs."),
    "integer_ops": (integer_ops, "cnn-integer", "two fp32 Convs, then DynamicQuantizeLinear + ConvInteger (int8), QuantizeLinear + "
                    "QLinearConv (int8 per-channel), DequantizeLinear, ReduceMean, MatMulInteger head (8->5)."),
    "fp16_cnn": (lambda: low_precision_cnn(TensorProto.FLOAT16), "cnn-fp16", "Conv/BN/Relu/Conv/GAP/Gemm entirely in float16."),
    "bf16_cnn": (lambda: low_precision_cnn(TensorProto.BFLOAT16), "cnn-bf16", "The same CNN with bfloat16 weights cast to float32 for compute."),
}


def main():
    entries = []
    for name, (make, family, notes) in SPECS.items():
        m = make()
        file = f"{name}_op17.onnx"
        fc.save_checked(m, os.path.join(fc.MODELS, file))
        sizes = [{"input": [1, 3, 8, 8]}, {"input": [2, 3, 8, 8]}]
        entries.append(fc.manifest_entry(m, file, family, 17, sizes, notes))
        print(f"{name}: ok")
    fc.update_manifest(entries)


if __name__ == "__main__":
    main()
