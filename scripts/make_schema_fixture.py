"""Writes fixtures/schema/fields_since_1_10.onnx: a small model that carries fields added to
onnx.proto after ONNX 1.10 (node overload, metadata_props on nodes, value infos, graphs and
tensors, node device_configurations, model configuration, a function with overload and
value_info), so the loader's round trip can be checked against every one of them.

Debian's onnx is 1.12, whose Python classes lack these fields; they are appended in wire format
(protobuf keeps unknown fields when it parses and serializes, so the file carries them exactly).
    /usr/bin/python3 scripts/make_schema_fixture.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fixtures", "schema", "fields_since_1_10.onnx")


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field_bytes(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def entry(key, value):
    return field_bytes(1, key.encode()) + field_bytes(2, value.encode())


def with_fields(message, *fields):
    """message (a protobuf object) with extra length-delimited fields appended."""
    parsed = type(message)()
    parsed.ParseFromString(message.SerializeToString() + b"".join(fields))
    return parsed


def main():
    w = numpy_helper.from_array(np.arange(6, dtype=np.float32).reshape(2, 3), "w")
    w = with_fields(w, field_bytes(16, entry("quantized_by", "hand")))  # TensorProto.metadata_props
    const = helper.make_node("Constant", [], ["c"], name="c", value=numpy_helper.from_array(np.array([0.5, 2, -1], dtype=np.float32), "c_value"))
    matmul = helper.make_node("MatMul", ["x", "w"], ["m"], name="mm")
    matmul = with_fields(
        matmul,
        field_bytes(8, b"fast"),                                  # NodeProto.overload (1.15)
        field_bytes(9, entry("source", "layer1.dense")),          # NodeProto.metadata_props (1.16)
        field_bytes(10, field_bytes(1, b"cfg0")),                 # NodeProto.device_configurations (1.18)
    )
    add = helper.make_node("Add", ["m", "c"], ["y"], name="add")
    x = with_fields(helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 2]), field_bytes(4, entry("unit", "cm")))  # ValueInfoProto.metadata_props
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])
    graph = helper.make_graph([const, matmul, add], "fields", [x], [y], [w])
    graph = with_fields(graph, field_bytes(16, entry("stage", "encoder")))  # GraphProto.metadata_props
    function = onnx.FunctionProto(name="Twice", domain="local", input=["a"], output=["b"], opset_import=[helper.make_opsetid("", 17)],
                                  node=[helper.make_node("Add", ["a", "a"], ["b"])])
    function = with_fields(function, field_bytes(13, b"v2"),      # FunctionProto.overload (1.15)
                           field_bytes(12, helper.make_tensor_value_info("a", TensorProto.FLOAT, [3]).SerializeToString()),  # value_info (1.15)
                           field_bytes(14, entry("author", "hand")))  # metadata_props (1.16)
    # The default opset without an explicit empty domain, as PyTorch writes it: pruneguard writes an
    # empty domain as absent (same meaning), which would make the bytes differ for a reason unrelated to this test.
    model = helper.make_model(graph, opset_imports=[onnx.OperatorSetIdProto(version=17), helper.make_opsetid("local", 1)], producer_name="make_schema_fixture")
    model.ir_version = 8
    model.functions.append(function)
    model.metadata_props.append(onnx.StringStringEntryProto(key="owner", value="tests"))
    model = with_fields(model, field_bytes(26, field_bytes(1, b"cfg0") + varint(2 << 3) + varint(2)))  # ModelProto.configuration (1.18)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "wb") as f:
        f.write(model.SerializeToString())
    print(OUT, os.path.getsize(OUT))


if __name__ == "__main__":
    main()
