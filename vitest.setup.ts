/**
 * Runs before each test file (also without isolation): what every test file needs
 * registered in its own scope.
 */
import { afterAll } from 'vitest';
import { removeTempDirs } from './src/fs/temp-dir.test-helpers.js';

afterAll(removeTempDirs);
