/** Pruners that get the layers right but not how their weights are stored or where they are read. */
import { constantValue } from '../ir/constants.js';
import { indexGraph } from '../ir/graph-index.js';
import type { Fault } from './types.js';
import { restoringFault, undoingFault } from './restoring.js';

export const quantScalesNotSliced: Fault = restoringFault(
  {
    id: 'quant-scales-not-sliced',
    bug:
      "A QDQ model's int8 weight loses output channels, but its per-channel scale and zero point keep " +
      'the old length (the pruner slices the weights it knows and treats DequantizeLinear as opaque: ' +
      'Neural Compressor, NNCF on pre-quantized models).',
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency'],
    families: ['residual'],
    plans: { parts: ['channels'], everyGroup: true },
  },
  () => (node, tensor) => node.opType === 'DequantizeLinear' && node.inputs.indexOf(tensor) > 0,
);

export const ifBranchWeightDeleted: Fault = undoingFault(
  {
    id: 'if-branch-weight-deleted',
    bug:
      'After slicing, dead-code elimination deletes every weight no main-graph node reads, so a weight ' +
      'read only inside an `If` branch (torch.jit.script exports) is gone and the model no longer loads ' +
      '(onnxsim and optimizer passes that do not look into subgraphs).',
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency'],
    families: ['control-flow'],
    plans: { parts: ['channels'], everyGroup: true },
  },
  ({ pruned }) => {
    const graph = pruned.graph;
    const index = indexGraph(graph);
    const readHere = (name: string) => (index.consumers.get(name) ?? []).length > 0;
    const onlyInBranches = [...index.implicitUses.keys()].filter((name) => !readHere(name));
    for (const name of onlyInBranches) graph.initializers.delete(name);
    // A weight kept as a main-graph Constant node goes the same way: the node "has no consumer".
    graph.nodes = graph.nodes.filter(
      (n) => !(n.opType === 'Constant' && n.outputs.some((o) => onlyInBranches.includes(o))),
    );
  },
);

export const tiedWeightOneConsumer: Fault = undoingFault(
  {
    id: 'tied-weight-one-consumer',
    bug:
      'A weight shared by two layers (tied embeddings and LM head, weight-shared blocks) is sliced for ' +
      'the layer the pruner is visiting, and the other layer is handed the untouched dense tensor ' +
      "(Torch-Pruning's tied-parameter issues; LLM-Pruner on tied embeddings).",
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency', 'no-silent-broadcast'],
    families: ['residual'],
    plans: { parts: ['channels'], everyGroup: true },
  },
  ({ pruned, analysis }) => {
    const graph = pruned.graph;
    const index = indexGraph(graph);
    for (const [name, value] of [...graph.initializers]) {
      const readers = index.consumers.get(name) ?? [];
      const before = constantValue(analysis.model.graph, name);
      if (readers.length < 2 || !before || before.dims.join() === value.dims.join()) continue;
      // The last reader gets its own copy of the dense tensor; the first keeps the sliced one.
      const last = readers[readers.length - 1];
      graph.initializers.set(`${name}__untied`, before);
      last.node.inputs[last.slot] = `${name}__untied`;
    }
  },
);
