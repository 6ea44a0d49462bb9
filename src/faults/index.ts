/** The catalogue of fault injectors: deliberately wrong pruners reproducing real bugs. */
import { branchToOneChannel, groupedConvIndivisible } from './dependency-unaware.js';
import {
  batchNormNotSliced,
  layerNormNotSliced,
  reshapeHeadsNotUpdated,
  skipProjectionNotUpdated,
} from './forgotten-updates.js';
import { nmWrongAxis, structuredBreaksNm } from './nm-faults.js';
import { biasNotSliced, consumerNotSliced, depthwiseGroupNotUpdated } from './forgotten-slices.js';
import {
  gqaHeadRatioNotMultiple,
  gqaKvHeadsNotPruned,
  kvCacheNotUpdated,
  repeatKvNotUpdated,
  repeatKvNRepNotUpdated,
} from './attention-faults.js';
import { attentionBiasHeadsNotSliced, fusedNumHeadsNotUpdated, ropeTablesNotSliced } from './fused-faults.js';
import { ropeHalvesNotPaired } from './rope-faults.js';
import { inputRenamed, outputFeaturesPruned } from './interface-faults.js';
import { batchNormShiftLeaks, consumerSliceOffByOne } from './leaks.js';
import { overRemoval, planNotApplied, underRemoval } from './plan-faults.js';
import { ifBranchWeightDeleted, quantScalesNotSliced, tiedWeightOneConsumer } from './storage-faults.js';
import type { Fault } from './types.js';
import { concatOffsetWrong, flattenGemmChannelsLast, headSliceOffByOne } from './wrong-indices.js';

export type { Fault } from './types.js';

/** Every fault injector: a deliberately wrong pruner and the invariants that must catch it. */
export const FAULTS: readonly Fault[] = [
  skipProjectionNotUpdated,
  batchNormNotSliced,
  layerNormNotSliced,
  branchToOneChannel,
  headSliceOffByOne,
  reshapeHeadsNotUpdated,
  concatOffsetWrong,
  flattenGemmChannelsLast,
  nmWrongAxis,
  structuredBreaksNm,
  groupedConvIndivisible,
  biasNotSliced,
  consumerNotSliced,
  depthwiseGroupNotUpdated,
  gqaKvHeadsNotPruned,
  batchNormShiftLeaks,
  consumerSliceOffByOne,
  planNotApplied,
  underRemoval,
  overRemoval,
  outputFeaturesPruned,
  inputRenamed,
  quantScalesNotSliced,
  ifBranchWeightDeleted,
  gqaHeadRatioNotMultiple,
  repeatKvNotUpdated,
  tiedWeightOneConsumer,
  kvCacheNotUpdated,
  fusedNumHeadsNotUpdated,
  repeatKvNRepNotUpdated,
  attentionBiasHeadsNotSliced,
  ropeTablesNotSliced,
  ropeHalvesNotPaired,
];

/** The fault injector with this id, if any. */
export function faultById(id: string): Fault | undefined {
  return FAULTS.find((f) => f.id === id);
}
