#!/usr/bin/env python3
"""A small structured pruner for ONNX CNNs, written the way pruning scripts are: it traces, from
the layer a plan names, every tensor coupled to those output channels (the layer's bias, its
BatchNorm, activations and pools on the way, the next convs' input channels, the classifier's
input features, and the residual partners an Add couples to them) and slices them all.

The pruneguard file protocol:  python3 prune.py MODEL PLAN OUT
  MODEL  the dense ONNX model; PLAN  a pruneguard plan whose groups give channel indices
  ({"channels": [{"group": "conv1.weight#0", "indices": [1, 3]}]}); OUT  where to write the result.
Exit 0: pruned; exit 10: declined (a plan part or an op this pruner does not support); other: a bug.

Needs only Debian's python3-onnx (1.12) and numpy. See examples/README.md for the fuzz runs.
"""
import json
import sys

import numpy as np
import onnx
from onnx import numpy_helper

DECLINE = 10
PASS_THROUGH = {'Relu', 'Clip', 'HardSwish', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Identity'}


class Declined(Exception):
    pass


class Model:
    """Initializers and Constant-node weights behind one get/set, plus who produces and reads what."""

    def __init__(self, model):
        self.model = model
        self.graph = model.graph
        self.inits = {t.name: t for t in self.graph.initializer}
        self.constants = {n.output[0]: n for n in self.graph.node if n.op_type == 'Constant'}
        self.producer = {o: n for n in self.graph.node for o in n.output}
        self.consumers = {}
        for n in self.graph.node:
            for i in n.input:
                self.consumers.setdefault(i, []).append(n)
        self.outputs = {o.name for o in self.graph.output}

    def get(self, name):
        if name in self.inits:
            return numpy_helper.to_array(self.inits[name])
        node = self.constants.get(name)
        if node is None:
            raise Declined(f'{name} is not a stored tensor')
        return numpy_helper.to_array(node.attribute[0].t)

    def set(self, name, value):
        if len(self.consumers.get(name, [])) > 1:
            raise Declined(f'{name} is shared by several nodes')
        tensor = numpy_helper.from_array(np.ascontiguousarray(value), name)
        if name in self.inits:
            self.inits[name].CopyFrom(tensor)
            # Old IR lists initializers as graph inputs too: their declared shape must follow
            # (pruneguard fuzz found this one once its generators listed initializers as inputs).
            for i in self.graph.input:
                if i.name == name:
                    for dim, n in zip(i.type.tensor_type.shape.dim, value.shape):
                        dim.dim_value = int(n)
        else:
            self.constants[name].attribute[0].t.CopyFrom(tensor)


class Pruner:
    def __init__(self, m, remove):
        self.m = m
        self.remove = sorted(remove)
        self.sliced = set()    # (tensor, axis) already done
        self.seen = set()      # values already walked

    def slice(self, name, axis, positions=None):
        if (name, axis) in self.sliced:
            return
        self.sliced.add((name, axis))
        value = self.m.get(name)
        self.m.set(name, np.delete(value, positions if positions is not None else self.remove, axis=axis))

    def conv_outputs(self, conv):
        """A conv (or Gemm) whose output channels are removed: its weight rows and bias."""
        if conv.op_type != 'Conv' or any(a.name == 'group' and a.i != 1 for a in conv.attribute):
            raise Declined(f'{conv.op_type} {conv.name} as a producer')
        self.slice(conv.input[1], 0)
        if len(conv.input) > 2 and conv.input[2]:
            self.slice(conv.input[2], 0)
        self.forward(conv.output[0])

    def batchnorm(self, node):
        for name in node.input[1:5]:
            self.slice(name, 0)

    def forward(self, value):
        """Every reader of a value carrying the removed channels."""
        if value in self.seen:
            return
        self.seen.add(value)
        if value in self.m.outputs:
            raise Declined(f'{value} is a graph output')
        for node in self.m.consumers.get(value, []):
            op = node.op_type
            if op == 'Conv':
                if node.input[0] != value or any(a.name == 'group' and a.i != 1 for a in node.attribute):
                    raise Declined(f'Conv {node.name} reads the channels as a weight or is grouped')
                self.slice(node.input[1], 1)
            elif op == 'BatchNormalization':
                self.batchnorm(node)
                self.forward(node.output[0])
            elif op in PASS_THROUGH:
                self.forward(node.output[0])
            elif op == 'Add':
                self.residual(node, value)
            elif op == 'Flatten':
                self.flatten(node)
            else:
                raise Declined(f'{op} {node.name} reads pruned channels')

    def residual(self, add, value):
        """An Add couples its inputs channel by channel: every partner loses the same channels."""
        for other in add.input:
            if other != value:
                self.backward(other)
        self.forward(add.output[0])

    def backward(self, value):
        """Up a residual partner to the conv that makes its channels."""
        if value in self.seen:
            return
        self.seen.add(value)
        node = self.m.producer.get(value)
        if node is None:
            raise Declined(f'{value} comes from a graph input')
        if node.op_type == 'Conv':
            self.conv_outputs(node)
        elif node.op_type == 'BatchNormalization':
            self.batchnorm(node)
            self.backward(node.input[0])
            self.forward(value)
        elif node.op_type in PASS_THROUGH:
            self.backward(node.input[0])
            self.forward(value)
        elif node.op_type == 'Add':
            for i in node.input:
                self.backward(i)
            self.forward(value)
        else:
            raise Declined(f'{node.op_type} {node.name} makes a residual partner')

    def flatten(self, node):
        shape = self.shape_of(node.input[0])
        block = int(np.prod(shape[2:])) if len(shape) > 2 else 1
        positions = [c * block + k for c in self.remove for k in range(block)]
        for gemm in self.m.consumers.get(node.output[0], []):
            if gemm.op_type != 'Gemm':
                raise Declined(f'{gemm.op_type} after Flatten')
            trans_b = any(a.name == 'transB' and a.i == 1 for a in gemm.attribute)
            self.slice(gemm.input[1], 1 if trans_b else 0, positions)

    def shape_of(self, value):
        inferred = onnx.shape_inference.infer_shapes(self.m.model)
        for v in list(inferred.graph.value_info) + list(inferred.graph.input):
            if v.name == value:
                # An unknown rank infers as no dims at all: not a 2-D input (fuzz found that one).
                dims = [d.dim_value for d in v.type.tensor_type.shape.dim]
                if len(dims) >= 2 and all(d > 0 for d in dims[1:]):
                    return dims
        raise Declined(f'the shape of {value} is unknown')


def root_conv(m, group):
    """The conv whose output channels a group id ('tensor#axis') names."""
    tensor, axis = group.split('@')[0].rsplit('#', 1)
    for node in m.consumers.get(tensor, []):
        if node.op_type == 'Conv' and (tensor in node.input[1:3]) and int(axis) == 0:
            return node
        if node.op_type == 'BatchNormalization' and tensor in node.input[1:5]:
            producer = m.producer.get(node.input[0])
            if producer is not None and producer.op_type == 'Conv':
                return producer
    raise Declined(f'group {group} is not the output channels of a Conv')


def main(argv):
    model_path, plan_path, out_path = argv
    plan = json.load(open(plan_path))
    for part in ('heads', 'unstructured', 'nm'):
        if plan.get(part):
            raise Declined(f'plan part {part}')
    model = onnx.load(model_path)
    m = Model(model)
    for spec in plan.get('channels', []):
        if 'indices' not in spec:
            raise Declined('ratios (this pruner takes indices)')
        Pruner(m, spec['indices']).conv_outputs(root_conv(m, spec['group']))
    del model.graph.value_info[:]  # stale intermediate shapes; runtimes re-infer them
    onnx.save(model, out_path)


if __name__ == '__main__':
    try:
        main(sys.argv[1:])
    except Declined as e:
        print(f'declined: {e}', file=sys.stderr)
        sys.exit(DECLINE)
