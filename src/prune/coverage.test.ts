/** Coverage reasons: a weight the pruner does not reach says which op stops it, through the moves on its way. */
import { describe, expect, it } from 'vitest';
import { BuilderCore } from '../ir/builder/core.js';
import { fromNumbers } from '../ir/tensor.js';
import { coverage } from './coverage.js';
import { analyzeGroups } from './groups.js';

describe('coverage reasons', () => {
  it("names the op without a rule a weight reaches through Slice → Unsqueeze (a custom op's reordered weight)", () => {
    const b = new BuilderCore({ opset: 17, seed: 1 });
    const x = b.input('x', 'float32', [5, 1, 3]);
    const w = b.weight('rnn', 'weight_ih', [8, 3], { uniform: [-1, 1] });
    const start = b.constant('start', fromNumbers('int64', [1], [0]));
    const end = b.constant('end', fromNumbers('int64', [1], [8]));
    const sliced = b.node('Slice', [w, start, end], {
      name: 'gates',
      outputs: [{ dtype: 'float32', shape: [8, 3] }],
    })[0];
    const axes = b.constant('axes', fromNumbers('int64', [1], [0]));
    const W = b.node('Unsqueeze', [sliced, axes], {
      name: 'dirs',
      outputs: [{ dtype: 'float32', shape: [1, 8, 3] }],
    })[0];
    const R = b.weight('rnn', 'weight_hh', [1, 8, 2], { uniform: [-1, 1] });
    const [y] = b.node('LSTMish', [x, W, R], {
      name: 'lstm',
      domain: 'example.custom',
      outputs: [{ dtype: 'float32', shape: [5, 1, 1, 2] }],
      attrs: { hidden_size: 2 },
    });
    b.output(y, 'y');
    const model = b.build();
    const c = coverage(analyzeGroups(model), model);
    expect(c.notAnalysedReasons.map((r) => r.reason)).toContain(
      'read through Slice → Unsqueeze by LSTMish lstm: no pruning rule for LSTMish',
    );
  });
});
