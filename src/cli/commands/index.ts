/** The command table: one line per command, one file per command. */
import type { Command } from '../command.js';
import { checkCommand } from './check.js';
import { inspect } from './inspect.js';
import { pruneCommand } from './prune.js';
import { selftest } from './selftest.js';

export const COMMANDS: readonly Command[] = [inspect, pruneCommand, checkCommand, selftest];
