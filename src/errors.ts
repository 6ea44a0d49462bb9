/**
 * Misuse and bad-input errors. Every error carries a stable `code` so callers
 * (and the CLI's exit-code mapping) never parse messages. Findings are *not*
 * errors: invariants return them as data.
 */
export type ErrorCode =
  | 'E_FILE_NOT_FOUND'
  | 'E_NOT_ONNX'
  | 'E_CORRUPT_MODEL'
  | 'E_UNSAFE_EXTERNAL_DATA'
  | 'E_EXTERNAL_DATA'
  | 'E_UNSUPPORTED_DTYPE'
  | 'E_BAD_ARGUMENT'
  | 'E_BAD_PLAN'
  | 'E_UNKNOWN_TENSOR'
  | 'E_PRUNE_BLOCKED'
  | 'E_RUNTIME'
  | 'E_BAD_DATA'
  | 'E_OUTPUT_EXISTS'
  | 'E_UNSAFE_OUTPUT'
  | 'E_WRITE_FAILED'
  | 'E_NOT_A_FILE'
  | 'E_TOO_LARGE'
  | 'E_INFEASIBLE';

/** A misuse or bad-input error with a stable code (exit 2 in the CLI); anything else is a bug (exit 3). */
export class PruneguardError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PruneguardError';
    this.code = code;
  }
}

/** Whether an error is a PruneguardError (bad input or misuse, not a bug in pruneguard). */
export function isPruneguardError(e: unknown): e is PruneguardError {
  return e instanceof PruneguardError;
}
