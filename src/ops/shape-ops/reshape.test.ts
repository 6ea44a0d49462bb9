/** reshapeLink: which axis on the other side of a reshape carries a port's channels. */
import { describe, expect, it } from 'vitest';
import { reshapeLink } from './reshape.js';

describe('reshapeLink', () => {
  it('a bias [C] reshaped to [1, C, 1, 1] meets axis 1', () => {
    expect(reshapeLink([64], [1, 64, 1, 1], { io: 'in', slot: 0, axis: 0 })).toMatchObject({ axis: 1 });
    expect(reshapeLink([64], [1, 64, 1, 1], { io: 'out', slot: 0, axis: 1 })).toMatchObject({ axis: 0 });
  });

  it('a size-1 axis holds none of the channels beside it (a block map would unite all 64)', () => {
    // A static batch axis reaching the reshaped bias of a 64-channel conv (imgly's U²-Net) did this.
    expect(reshapeLink([64], [1, 64, 1, 1], { io: 'out', slot: 0, axis: 0 })).toMatch(
      /axis 0 has size 1: it holds none of the 64 channels of axis 0/,
    );
    expect(reshapeLink([1], [1, 1, 1, 1], { io: 'out', slot: 0, axis: 1 })).toMatchObject({ axis: 0 });
  });
});
