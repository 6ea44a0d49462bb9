"""Writes small integer-op fixtures with onnx.helper (opset 17, random weights, nonzero zero points).

    /usr/bin/python3 scripts/make_integer_fixtures.py

onnxruntime's quantizer is not installed, so the graphs are written the way its QOperator and
integer formats are laid out. Every weight zero point that may be nonzero is nonzero here, so a
mask oracle that zeroes an integer weight instead of setting it to its zero point is caught.
- qlinear_conv: QuantizeLinear (uint8, per tensor) -> QLinearConv (uint8 weight, per-channel scale
  and zero point, int32 bias) -> depthwise QLinearConv (per-channel) -> QLinearConv (int8 weight, per
  tensor) -> DequantizeLinear -> fp32 Conv head.
- conv_integer: QuantizeLinear -> ConvInteger (uint8 weight quantized per channel, one nonzero zero
  point: onnxruntime's ConvInteger refuses a per-channel one) -> Cast -> Mul (per-channel scale) -> Add
  (bias) -> Relu -> QuantizeLinear -> ConvInteger (uint8, per tensor) -> Cast -> Mul -> fp32 Conv head.
- matmul_integer: [batch, tokens, 16] -> QuantizeLinear -> MatMulInteger (uint8 weight, per-column
  zero point) -> DequantizeLinear (int32, per-column scale, axis 2) -> Relu -> QuantizeLinear ->
  QLinearMatMul (uint8 weight, per-column scale and zero point) -> DequantizeLinear ->
  MatMulInteger (per-tensor zero point) -> Cast -> Mul -> fp32 MatMul head.
- qdq_zero_point: fp32 Convs whose weights are DequantizeLinear(uint8) with nonzero zero points, per
  channel and per tensor (the mask oracle writes the zero point, so these groups are mask-exact).
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

import fixture_common as fc

rng = np.random.default_rng(23)


def w(*shape, scale=0.3):
    return (rng.normal(size=shape) * scale).astype(np.float32)


def tensor(name, a):
    return numpy_helper.from_array(a, name)


def quantize(a, axis, dtype, per_channel, zero_point=None):
    """Asymmetric quantization of `a` (per channel along `axis`, or per tensor) to uint8 or int8:
    (q, scale, zero_point), the zero point nonzero wherever the range is not symmetric, or the one
    `zero_point` for every channel (onnxruntime's ConvInteger takes one zero point per tensor only)."""
    lo, hi = (0, 255) if dtype == np.uint8 else (-128, 127)
    red = tuple(i for i in range(a.ndim) if i != axis) if per_channel else None
    mn = np.minimum(a.min(axis=red), 0)
    mx = np.maximum(a.max(axis=red), 0)
    scale = np.maximum(mx - mn, 1e-6) / (hi - lo)
    zp = np.clip(np.round(lo - mn / scale), lo, hi)
    if zero_point is not None:
        scale = np.maximum(np.maximum(mx / (hi - zero_point), -mn / (zero_point - lo)), 1e-6)
        zp = np.full_like(scale, zero_point)
    shape = [1] * a.ndim
    if per_channel:
        shape[axis] = -1
    q = np.clip(np.round(a / scale.reshape(shape)) + zp.reshape(shape), lo, hi).astype(dtype)
    return q, np.asarray(scale, np.float32), np.asarray(zp, dtype)


def model(nodes, inits, inputs, outputs, name):
    g = helper.make_graph(nodes, name, inputs, outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="pruneguard-fixtures")
    m.ir_version = 8
    m.opset_import[0].ClearField("domain")  # the default domain unset, as exporters write it
    return m


def qlinear_conv():
    x_s, x_zp = np.float32(0.02), np.uint8(128)
    a_s, a_zp = np.float32(0.05), np.uint8(10)
    b_s, b_zp = np.float32(0.04), np.uint8(20)
    c_s, c_zp = np.float32(0.03), np.uint8(30)
    q1, s1, z1 = quantize(w(8, 3, 3, 3), 0, np.uint8, True)
    qd, sd, zd = quantize(w(8, 1, 3, 3), 0, np.uint8, True)
    q3, s3, z3 = quantize(w(6, 8, 3, 3), 0, np.int8, False)
    inits = [
        tensor("x.scale", np.array(x_s)), tensor("x.zp", np.array(x_zp)),
        tensor("c1.weight", q1), tensor("c1.w_scale", s1), tensor("c1.w_zp", z1),
        tensor("a.scale", np.array(a_s)), tensor("a.zp", np.array(a_zp)),
        tensor("c1.bias", (w(8, scale=0.1) / (x_s * s1)).round().astype(np.int32)),
        tensor("dw.weight", qd), tensor("dw.w_scale", sd), tensor("dw.w_zp", zd),
        tensor("b.scale", np.array(b_s)), tensor("b.zp", np.array(b_zp)),
        tensor("c3.weight", q3), tensor("c3.w_scale", s3), tensor("c3.w_zp", z3),
        tensor("c.scale", np.array(c_s)), tensor("c.zp", np.array(c_zp)),
        tensor("head.weight", w(4, 6, 1, 1)), tensor("head.bias", w(4, scale=0.1)),
    ]
    nodes = [
        helper.make_node("QuantizeLinear", ["input", "x.scale", "x.zp"], ["xq"], name="xq"),
        helper.make_node("QLinearConv", ["xq", "x.scale", "x.zp", "c1.weight", "c1.w_scale", "c1.w_zp",
                                         "a.scale", "a.zp", "c1.bias"], ["a"], pads=[1, 1, 1, 1], name="c1"),
        helper.make_node("QLinearConv", ["a", "a.scale", "a.zp", "dw.weight", "dw.w_scale", "dw.w_zp",
                                         "b.scale", "b.zp"], ["b"], pads=[1, 1, 1, 1], group=8, name="dw"),
        helper.make_node("QLinearConv", ["b", "b.scale", "b.zp", "c3.weight", "c3.w_scale", "c3.w_zp",
                                         "c.scale", "c.zp"], ["c"], pads=[1, 1, 1, 1], name="c3"),
        helper.make_node("DequantizeLinear", ["c", "c.scale", "c.zp"], ["c_f"], name="c_dq"),
        helper.make_node("Conv", ["c_f", "head.weight", "head.bias"], ["logits"], name="head"),
    ]
    return model(nodes, inits, [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3, 8, 8])],
                 [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 4, 8, 8])], "qlinear_conv")


def conv_integer():
    x_s, x_zp = np.float32(0.02), np.uint8(128)
    a_s, a_zp = np.float32(0.03), np.uint8(5)
    q1, s1, _ = quantize(w(8, 3, 3, 3), 0, np.uint8, True, zero_point=7)
    z1 = np.uint8(7)
    q2, s2, z2 = quantize(w(6, 8, 3, 3), 0, np.uint8, False)
    inits = [
        tensor("x.scale", np.array(x_s)), tensor("x.zp", np.array(x_zp)),
        tensor("c1.weight", q1), tensor("c1.w_zp", z1),
        tensor("c1.scale", (s1 * x_s).reshape(1, 8, 1, 1)), tensor("c1.bias", w(1, 8, 1, 1, scale=0.1)),
        tensor("a.scale", np.array(a_s)), tensor("a.zp", np.array(a_zp)),
        tensor("c2.weight", q2), tensor("c2.w_zp", z2),
        tensor("c2.scale", np.array(s2 * a_s, np.float32)),
        tensor("head.weight", w(4, 6, 1, 1)), tensor("head.bias", w(4, scale=0.1)),
    ]
    f = TensorProto.FLOAT
    nodes = [
        helper.make_node("QuantizeLinear", ["input", "x.scale", "x.zp"], ["xq"], name="xq"),
        helper.make_node("ConvInteger", ["xq", "c1.weight", "x.zp", "c1.w_zp"], ["c1"], pads=[1, 1, 1, 1], name="c1"),
        helper.make_node("Cast", ["c1"], ["c1_f"], to=f, name="c1_cast"),
        helper.make_node("Mul", ["c1_f", "c1.scale"], ["c1_s"], name="c1_scale"),
        helper.make_node("Add", ["c1_s", "c1.bias"], ["c1_b"], name="c1_bias"),
        helper.make_node("Relu", ["c1_b"], ["r1"], name="r1"),
        helper.make_node("QuantizeLinear", ["r1", "a.scale", "a.zp"], ["aq"], name="aq"),
        helper.make_node("ConvInteger", ["aq", "c2.weight", "a.zp", "c2.w_zp"], ["c2"], pads=[1, 1, 1, 1], name="c2"),
        helper.make_node("Cast", ["c2"], ["c2_f"], to=f, name="c2_cast"),
        helper.make_node("Mul", ["c2_f", "c2.scale"], ["c2_s"], name="c2_scale"),
        helper.make_node("Conv", ["c2_s", "head.weight", "head.bias"], ["logits"], name="head"),
    ]
    return model(nodes, inits, [helper.make_tensor_value_info("input", f, ["batch", 3, 8, 8])],
                 [helper.make_tensor_value_info("logits", f, ["batch", 4, 8, 8])], "conv_integer")


def matmul_integer():
    x_s, x_zp = np.float32(0.02), np.uint8(128)
    a_s, a_zp = np.float32(0.04), np.uint8(3)
    b_s, b_zp = np.float32(0.05), np.uint8(100)
    q1, s1, z1 = quantize(w(16, 12), 1, np.uint8, True)
    q2, s2, z2 = quantize(w(12, 10), 1, np.uint8, True)
    q3, s3, z3 = quantize(w(10, 8), 1, np.uint8, False)
    inits = [
        tensor("x.scale", np.array(x_s)), tensor("x.zp", np.array(x_zp)),
        tensor("m1.weight", q1), tensor("m1.w_zp", z1), tensor("m1.scale", s1 * x_s),
        tensor("a.scale", np.array(a_s)), tensor("a.zp", np.array(a_zp)),
        tensor("m2.weight", q2), tensor("m2.w_scale", s2), tensor("m2.w_zp", z2),
        tensor("b.scale", np.array(b_s)), tensor("b.zp", np.array(b_zp)),
        tensor("m3.weight", q3), tensor("m3.w_zp", z3), tensor("m3.scale", np.array(s3 * b_s, np.float32)),
        tensor("head.weight", w(8, 4)),
    ]
    nodes = [
        helper.make_node("QuantizeLinear", ["input", "x.scale", "x.zp"], ["xq"], name="xq"),
        helper.make_node("MatMulInteger", ["xq", "m1.weight", "x.zp", "m1.w_zp"], ["m1"], name="m1"),
        helper.make_node("DequantizeLinear", ["m1", "m1.scale"], ["m1_f"], axis=2, name="m1_dq"),
        helper.make_node("Relu", ["m1_f"], ["r1"], name="r1"),
        helper.make_node("QuantizeLinear", ["r1", "a.scale", "a.zp"], ["aq"], name="aq"),
        helper.make_node("QLinearMatMul", ["aq", "a.scale", "a.zp", "m2.weight", "m2.w_scale", "m2.w_zp",
                                           "b.scale", "b.zp"], ["m2"], name="m2"),
        helper.make_node("MatMulInteger", ["m2", "m3.weight", "b.zp", "m3.w_zp"], ["m3"], name="m3"),
        helper.make_node("Cast", ["m3"], ["m3_f"], to=TensorProto.FLOAT, name="m3_cast"),
        helper.make_node("Mul", ["m3_f", "m3.scale"], ["m3_s"], name="m3_scale"),
        helper.make_node("MatMul", ["m3_s", "head.weight"], ["logits"], name="head"),
    ]
    f = TensorProto.FLOAT
    return model(nodes, inits, [helper.make_tensor_value_info("input", f, ["batch", "tokens", 16])],
                 [helper.make_tensor_value_info("logits", f, ["batch", "tokens", 4])], "matmul_integer")


def qdq_zero_point():
    """fp32 Conv -> Relu -> Conv whose weight is DequantizeLinear(uint8, per-channel scale and nonzero zero
    point, axis 0) -> Relu -> Conv whose weight is DequantizeLinear(uint8, one nonzero zero point) -> head."""
    q2, s2, z2 = quantize(w(8, 6, 3, 3), 0, np.uint8, True)
    q3, s3, z3 = quantize(w(6, 8, 3, 3), 0, np.uint8, False)
    inits = [tensor("c1.weight", w(6, 3, 3, 3)), tensor("c1.bias", w(6, scale=0.1)),
             tensor("c2.weight_q", q2), tensor("c2.weight_scale", s2), tensor("c2.weight_zp", z2),
             tensor("c2.bias", w(8, scale=0.1)),
             tensor("c3.weight_q", q3), tensor("c3.weight_scale", s3), tensor("c3.weight_zp", z3),
             tensor("c3.bias", w(6, scale=0.1)),
             tensor("head.weight", w(4, 6, 1, 1)), tensor("head.bias", w(4, scale=0.1))]
    nodes = [
        helper.make_node("Conv", ["input", "c1.weight", "c1.bias"], ["c1"], pads=[1, 1, 1, 1], name="c1"),
        helper.make_node("Relu", ["c1"], ["r1"], name="r1"),
        helper.make_node("DequantizeLinear", ["c2.weight_q", "c2.weight_scale", "c2.weight_zp"], ["c2.weight"],
                         axis=0, name="c2.weight_dq"),
        helper.make_node("Conv", ["r1", "c2.weight", "c2.bias"], ["c2"], pads=[1, 1, 1, 1], name="c2"),
        helper.make_node("Relu", ["c2"], ["r2"], name="r2"),
        helper.make_node("DequantizeLinear", ["c3.weight_q", "c3.weight_scale", "c3.weight_zp"], ["c3.weight"],
                         name="c3.weight_dq"),
        helper.make_node("Conv", ["r2", "c3.weight", "c3.bias"], ["c3"], pads=[1, 1, 1, 1], name="c3"),
        helper.make_node("Relu", ["c3"], ["r3"], name="r3"),
        helper.make_node("Conv", ["r3", "head.weight", "head.bias"], ["logits"], name="head"),
    ]
    f = TensorProto.FLOAT
    return model(nodes, inits, [helper.make_tensor_value_info("input", f, ["batch", 3, 8, 8])],
                 [helper.make_tensor_value_info("logits", f, ["batch", 4, 8, 8])], "qdq_zero_point")


CNN_SIZES = [{"input": [1, 3, 8, 8]}, {"input": [2, 3, 8, 8]}]
SPECS = {
    "qlinear_conv": (qlinear_conv, "cnn-integer", CNN_SIZES,
                     "QLinearConv: uint8 per-channel (nonzero zero points, int32 bias), depthwise per-channel, "
                     "int8 per-tensor; DequantizeLinear; fp32 Conv head."),
    "conv_integer": (conv_integer, "cnn-integer", CNN_SIZES,
                     "ConvInteger: uint8 per-channel scales, one nonzero zero point (Cast, per-channel Mul, "
                     "Add bias, Relu), then "
                     "per-tensor; fp32 Conv head."),
    "matmul_integer": (matmul_integer, "mlp-integer", [{"input": [1, 3, 16]}, {"input": [2, 5, 16]}],
                       "MatMulInteger (per-column zero point) -> int32 DequantizeLinear (per-column, axis 2) -> "
                       "QLinearMatMul (per-column) -> MatMulInteger (per-tensor) -> fp32 MatMul head."),
    "qdq_zero_point": (qdq_zero_point, "cnn-qdq", CNN_SIZES,
                       "QDQ weights with nonzero zero points: uint8 per-channel (axis 0) and per-tensor "
                       "DequantizeLinear weights between fp32 convs."),
}


def main():
    entries = []
    for name, (make, family, sizes, notes) in SPECS.items():
        m = make()
        file = f"{name}_op17.onnx"
        fc.save_checked(m, os.path.join(fc.MODELS, file))
        entries.append(fc.manifest_entry(m, file, family, 17, sizes, notes))
        print(f"{name}: ok")
    fc.update_manifest(entries)


if __name__ == "__main__":
    main()
