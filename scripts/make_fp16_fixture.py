"""fp16 copy of a committed fixture: every float32 tensor (initializers, Constant values,
graph inputs and outputs, Cast targets) becomes float16, as a whole-model fp16 conversion
(onnxconverter-common's convert_float_to_float16 without keep_io_types) writes it.

Reads the committed fixtures/models/mobilenetv2_tiny_op17.onnx (so the fp16 file has exactly its
channels) and writes mobilenetv2_tiny_fp16_op17.onnx plus its manifest entry. Run:
    /usr/bin/python3 scripts/make_fp16_fixture.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

import fixture_common as fc

SOURCE = "mobilenetv2_tiny_op17.onnx"
TARGET = "mobilenetv2_tiny_fp16_op17.onnx"


def to_fp16_tensor(t):
    if t.data_type != TensorProto.FLOAT:
        return t
    h = numpy_helper.from_array(numpy_helper.to_array(t).astype(np.float16), t.name)
    return h


def convert(m):
    g = m.graph
    for i, t in enumerate(list(g.initializer)):
        g.initializer[i].CopyFrom(to_fp16_tensor(t))
    for n in g.node:
        for a in n.attribute:
            if a.type == onnx.AttributeProto.TENSOR:
                a.t.CopyFrom(to_fp16_tensor(a.t))
            if n.op_type == "Cast" and a.name == "to" and a.i == TensorProto.FLOAT:
                a.i = TensorProto.FLOAT16
    for v in list(g.input) + list(g.output) + list(g.value_info):
        if v.type.tensor_type.elem_type == TensorProto.FLOAT:
            v.type.tensor_type.elem_type = TensorProto.FLOAT16
    return m


def main():
    src = onnx.load(os.path.join(fc.MODELS, SOURCE))
    m = convert(src)
    fc.save_checked(m, os.path.join(fc.MODELS, TARGET))
    sizes = [{"input": [1, 3, 32, 32]}, {"input": [2, 3, 32, 32]}]
    fc.update_manifest([fc.manifest_entry(
        m, TARGET, "cnn-mobilenetv2", 17, sizes,
        f"{SOURCE} with every float32 tensor (weights, Constant values, inputs, outputs) converted to "
        "float16, as a whole-model fp16 conversion writes it (scripts/make_fp16_fixture.py).")])
    print(f"{TARGET}: ok")


if __name__ == "__main__":
    main()
