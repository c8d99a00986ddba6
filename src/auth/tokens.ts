// The public token format `<TYPE>.<ID>.<SECRET>` of The Things Stack: TYPE is the
// unpadded base32 of a three-letter word, ID the base32 of 24 random bytes and
// SECRET the base32 of 32 random bytes.
import { randomBytes } from "node:crypto";
import { errInvalidToken } from "../errors/index.js";

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

export const TokenType = {
  APIKey: base32(Buffer.from("key")), // NNSXS
  AccessToken: base32(Buffer.from("acc")), // MFRWG
  RefreshToken: base32(Buffer.from("ref")), // OJSWM
  AuthorizationCode: base32(Buffer.from("aut")), // MF2XI
  SessionToken: base32(Buffer.from("ssn")), // ONZW4
} as const;
export type TokenType = (typeof TokenType)[keyof typeof TokenType];

const knownTypes = new Set<string>(Object.values(TokenType));
const tokenPart = /^[A-Z2-7]+$/;

export interface Token {
  type: TokenType;
  id: string;
  secret: string;
}

export function generateToken(type: TokenType, id = base32(randomBytes(24))): Token & { value: string } {
  const secret = base32(randomBytes(32));
  return { type, id, secret, value: `${type}.${id}.${secret}` };
}

/** Splits a bearer value into its three parts; anything else is `pkg/auth:token`. */
export function parseToken(value: string): Token {
  const parts = value.split(".");
  if (parts.length !== 3 || !knownTypes.has(parts[0]!) || !parts.every((p) => p.length > 0 && p.length <= 128 && tokenPart.test(p))) {
    throw errInvalidToken();
  }
  return { type: parts[0] as TokenType, id: parts[1]!, secret: parts[2]! };
}
