/**
 * Missing projection update. The seed's Apple Core ML incident: structured
 * pruning removed channels of a residual block but forgot to update the 1x1
 * projection on the skip path; the framework broadcast silently, validation
 * passed, the device runtime failed with a dimension mismatch. Here: the
 * `skip-projection-not-updated` fault injector (a pruner with exactly that
 * bug) against pruneguard's dependency-aware pruner, on a ResNet-style
 * fixture whose layer2 and layer4 have projection shortcuts.
 */
import { checkStructure, GUARDS } from '../src/check/structure.js';
import { faultById } from '../src/faults/index.js';
import type { Plan } from '../src/prune/plan.js';
import { defineScenario } from '../src/scenarios/define.js';

const fault = faultById('skip-projection-not-updated')!;
// 30% of the channels each residual block carries (main path and skip path are one group).
const plan: Plan = {
  channels: [
    { group: 'layer2.conv2.weight#0', ratio: 0.3 },
    { group: 'layer4.conv2.weight#0', ratio: 0.3 },
  ],
};

export default defineScenario({
  id: 'missing-projection-update',
  title: 'Missing projection update: the skip path keeps its old width',
  incident: {
    source: 'Apple Core ML deployment (seed: production-pruning-failure-modes)',
    date: '2023',
    summary:
      'Structured pruning removed skip-connection channels but not the matching projection layer; ' +
      'a silent broadcast passed validation and the on-device runtime failed with a dimension mismatch.',
  },
  failureMode: 'shape-mismatch',
  model: 'fixtures/models/resnet_tiny_op17.onnx',
  variants: {
    faulty: { summary: `${fault.id}: ${fault.bug}`, plan, prune: fault.prune },
    fixed: {
      summary: "pruneguard's dependency-aware pruner (projection, BatchNorm and main path pruned as one group)",
      plan,
    },
  },
  mustCatch: ['shape-consistency', 'no-silent-broadcast', 'mask-equivalence'],
  async check(c) {
    const findings = await checkStructure(c, { only: GUARDS['shape-mismatch'] });
    c.record('findings', findings.length);
    return findings;
  },
});
