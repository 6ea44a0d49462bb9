/** Recurrent layers: input features prunable (they enter the input weights only); hidden size blocks. */
import { family, same } from '../def.js';
import { recurrentRule } from './channels.js';
import { recurrentRules } from './shape.js';

export const recurrentOps = family(recurrentRules, same(['LSTM', 'GRU', 'RNN'], { channels: recurrentRule }));
