/** Quantize/Dequantize: data axes pass; per-axis scales and zero points slice with the channels. */
import { blockedRule, family } from '../def.js';
import { quantRule } from './channels.js';
import { quantRules } from './shape.js';

export const quantOps = family(quantRules, {
  QuantizeLinear: { channels: quantRule },
  DequantizeLinear: { channels: quantRule },
  DynamicQuantizeLinear: {
    channels: blockedRule(
      'DynamicQuantizeLinear computes one scale from every channel: removing some requantizes the rest',
    ),
  },
});
