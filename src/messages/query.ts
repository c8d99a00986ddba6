// Query strings decoded strictly. URLSearchParams turns a malformed escape
// (`%ff`, `%E0%A4`, an encoded surrogate `%ED%A0%80`) into U+FFFD without a
// word, so a request could be answered with a value the client never sent
// (an OAuth `state` echoed back changed, say). Here such a parameter is
// refused with `invalid_argument` naming it, as Go's url.ParseQuery refuses it.
import { errValidation } from "../errors/index.js";

/** `raw` (without the `?`) as URLSearchParams, or errValidation for the first parameter that does not decode as UTF-8. */
export function strictQuery(raw: string): URLSearchParams {
  if (raw.includes("%")) {
    for (const piece of raw.split("&")) {
      const eq = piece.indexOf("=");
      const name = eq < 0 ? piece : piece.slice(0, eq);
      for (const part of eq < 0 ? [name] : [name, piece.slice(eq + 1)]) {
        try {
          decodeURIComponent(part.replace(/\+/g, " "));
        } catch {
          const field = safeName(name);
          throw errValidation({ field, reason: "malformed percent-encoding (not UTF-8)" });
        }
      }
    }
  }
  return new URLSearchParams(raw);
}

/** The parameter's name for the error message, itself decoded leniently. */
function safeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, " ")) || "query";
  } catch {
    return new URLSearchParams(`${name}=`).keys().next().value || "query";
  }
}
