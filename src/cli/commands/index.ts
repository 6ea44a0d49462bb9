/** The command table: one line per command, one file per command. */
import type { Command } from '../command.js';
import { breakeven } from './breakeven.js';
import { checkCommand } from './check.js';
import { inspect } from './inspect.js';
import { pruneCommand } from './prune.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { scenarioCommand } from './scenario.js';
import { scenariosCommand } from './scenarios.js';
import { selftest } from './selftest.js';
import { sensitivityCommand } from './sensitivity.js';

export const COMMANDS: readonly Command[] = [inspect, pruneCommand, checkCommand, sensitivityCommand, selftest, runCommand, scenariosCommand, scenarioCommand, reportCommand, breakeven];
