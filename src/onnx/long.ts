/** protobufjs yields int64 fields as number or Long depending on the environment. */
export type LongLike = number | { toNumber(): number; toString(): string };

export function toNum(v: LongLike | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

export function toBig(v: LongLike): bigint {
  return typeof v === 'number' ? BigInt(v) : BigInt(v.toString());
}
