// Password requirements from `is.user-registration.password-requirements.*`.
// Every rule that fails is named, so a user fixes them all at once.
import { createRequire } from "node:module";
import type { dictionary } from "@zxcvbn-ts/language-common";
import { errPasswordStrength } from "../errors/index.js";

export interface PasswordRequirements {
  minLength: number;
  maxLength: number;
  minUppercase: number;
  minDigits: number;
  minSpecial: number;
  rejectUserId: boolean;
  rejectCommon: boolean;
}

// ~49,000 passwords seen most often in breaches, from a maintained package.
// Loaded (synchronously: the package is CommonJS) by the first password checked
// against it, as most servers never reject common passwords: ~50 ms once, and
// ~10 MiB that a server without the rule does not hold.
let common: ReadonlySet<string> | undefined;
export function isCommonPassword(password: string): boolean {
  common ??= new Set(commonPasswords().map((p) => p.toLowerCase()));
  return common.has(password.toLowerCase());
}

function commonPasswords(): string[] {
  const language = createRequire(import.meta.url)("@zxcvbn-ts/language-common") as { dictionary: typeof dictionary };
  return language.dictionary.passwords;
}

export function passwordViolations(password: string, userId: string, req: PasswordRequirements): string[] {
  const chars = [...password];
  const count = (re: RegExp) => chars.filter((c) => re.test(c)).length;
  const out: string[] = [];
  if (chars.length < req.minLength) out.push(`at least ${req.minLength} characters`);
  if (chars.length > req.maxLength) out.push(`at most ${req.maxLength} characters`);
  if (count(/\p{Lu}/u) < req.minUppercase) out.push(`at least ${req.minUppercase} uppercase letter(s)`);
  if (count(/\p{Nd}/u) < req.minDigits) out.push(`at least ${req.minDigits} digit(s)`);
  if (count(/[^\p{L}\p{Nd}]/u) < req.minSpecial) out.push(`at least ${req.minSpecial} special character(s)`);
  if (req.rejectUserId && userId && password.toLowerCase().includes(userId.toLowerCase())) out.push("must not contain the user ID");
  if (req.rejectCommon && isCommonPassword(password)) out.push("must not be a commonly used password");
  return out;
}

export function assertPasswordStrength(password: string, userId: string, req: PasswordRequirements): void {
  const violations = passwordViolations(password, userId, req);
  if (violations.length > 0) throw errPasswordStrength({ rules: violations });
}
