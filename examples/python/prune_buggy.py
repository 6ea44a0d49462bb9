#!/usr/bin/env python3
"""prune.py with the classic residual bug (Torch-Pruning's and the seed's Core ML incident): when
the pruned channels reach an Add, only the path they came from is sliced; the residual partner
(the skip branch or its 1x1 projection) keeps every channel, so the Add meets two widths.

  python3 prune_buggy.py MODEL PLAN OUT      (same protocol as prune.py)
"""
import sys

import prune


def residual_forgetting_the_partner(self, add, value):
    self.forward(add.output[0])


prune.Pruner.residual = residual_forgetting_the_partner

if __name__ == '__main__':
    try:
        prune.main(sys.argv[1:])
    except prune.Declined as e:
        print(f'declined: {e}', file=sys.stderr)
        sys.exit(prune.DECLINE)
