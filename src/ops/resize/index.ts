/** Resize / Upsample: channels pass on axes that are not resized. */
import { family } from '../def.js';
import { resizeRule } from '../pool/channels.js';
import { resizeRules } from './shape.js';

export const resizeOps = family(resizeRules, {
  Resize: { channels: resizeRule, params: 'all' },
  Upsample: { channels: resizeRule },
});
