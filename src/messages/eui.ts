// EUI-64 values: upper-case hex as the stack prints them, and EUI prefixes
// (`70B3D57ED0000000/36`) as the DevEUI block option writes them.

/** Upper-case hex, as EUIs appear in JSON and error attributes. */
export function euiHex(eui: Uint8Array | undefined): string {
  return Buffer.from(eui ?? []).toString("hex").toUpperCase();
}

export interface EUIPrefix {
  /** The prefix as an EUI, bits after `length` cleared. */
  start: bigint;
  /** Number of leading bits that are fixed, 0 (the documented default, the whole space) to 64. */
  length: number;
}

/** Parses `<16 hex digits>/<length>`; throws an Error saying what is wrong. */
export function parseEUIPrefix(text: string): EUIPrefix {
  const m = /^([0-9a-fA-F]{16})\/([0-9]{1,2})$/.exec(text.trim());
  if (!m) throw new Error("must be 16 hex digits, a slash and a prefix length (e.g. 70B3D57ED0000000/36)");
  const length = Number(m[2]);
  if (length > 64) throw new Error("prefix length must be 0 to 64");
  const hostBits = 64n - BigInt(length);
  const start = (BigInt(`0x${m[1]}`) >> hostBits) << hostBits;
  return { start, length };
}

/** The largest counter a block with this prefix can issue: 2^(64-length) - 1, capped to a signed 64-bit value. */
export function prefixEndCounter(prefix: EUIPrefix): bigint {
  const end = (1n << (64n - BigInt(prefix.length))) - 1n;
  const max = (1n << 63n) - 1n;
  return end > max ? max : end;
}

export function euiFromBigInt(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, value));
  return out;
}

export function euiToBigInt(eui: Uint8Array): bigint {
  return new DataView(eui.buffer, eui.byteOffset, 8).getBigUint64(0);
}
