/**
 * Quantize/Dequantize: data axes pass; per-axis scales and zero points slice with the channels.
 * DynamicQuantizeLinear passes channels too, inexactly (its scale is a statistic over them).
 */
import { family } from '../def.js';
import { dynamicQuantRule, quantRule } from './channels.js';
import { quantRules } from './shape.js';

export const quantOps = family(quantRules, {
  QuantizeLinear: { channels: quantRule, params: 'all' },
  DequantizeLinear: { channels: quantRule, params: 'all' },
  DynamicQuantizeLinear: { channels: dynamicQuantRule },
});
