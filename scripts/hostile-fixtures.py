"""Writes fixtures/hostile/*.onnx: tiny models that are valid protobuf but hostile or broken
(for properties/safety/hostile-input.test.ts). Run: /usr/bin/python3 scripts/hostile-fixtures.py"""
import os
import onnx
from onnx import helper, TensorProto

out = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'hostile')
os.makedirs(out, exist_ok=True)


def save(name, nodes, inputs, outputs, inits=()):
    g = helper.make_graph(nodes, 'g', inputs, outputs, list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 17)], producer_name='pruneguard-hostile')
    onnx.save(m, os.path.join(out, name))


def big_input(dim):
    return helper.make_tensor_value_info('x', TensorProto.FLOAT, [dim])


y = helper.make_tensor_value_info('y', TensorProto.FLOAT, None)
one = helper.make_tensor('v', TensorProto.FLOAT, [1], [1.0])
# ConstantOfShape / Reshape whose shape comes from an input declared [1e8] and [2^31].
for tag, dim in [('1e8', 100000000), ('2p31', 2 ** 31)]:
    save(f'constant-of-shape-{tag}.onnx', [helper.make_node('Shape', ['x'], ['s']), helper.make_node('ConstantOfShape', ['s'], ['c'], value=one), helper.make_node('Add', ['x', 'c'], ['y'])], [big_input(dim)], [y])
    save(f'reshape-{tag}.onnx', [helper.make_node('Shape', ['x'], ['s']), helper.make_node('Reshape', ['x', 's'], ['y'])], [big_input(dim)], [y])
x4 = helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 4])
# A node input nothing produces, and a node that consumes its own output.
save('dangling-input.onnx', [helper.make_node('Add', ['x', 'ghost'], ['y'], name='add')], [x4], [y])
save('self-loop.onnx', [helper.make_node('Add', ['x', 'y'], ['y'], name='loop')], [x4], [y])
