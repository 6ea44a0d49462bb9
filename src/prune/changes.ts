/** What structured removal did to each value: per value name, per axis, the change (shared by apply and freeze). */
import type { AxisChange } from '../ops/channel-rule.js';

/** Per value name, per axis, the channels kept (see AxisChange). */
export type Changes = Map<string, Map<number, AxisChange>>;
