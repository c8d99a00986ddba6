// The password requirements of is.user-registration.password-requirements.*
// as a list under a new-password field; account.js ticks them off while typing.
import type { Config } from "../../../config/index.js";
import { html, type Html } from "../html.js";

export function passwordRulesList(config: Config, inputId: string): Html {
  const r = config.is.userRegistration.passwordRequirements;
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const items: Html[] = [html`<li data-rule="min-length" data-n="${r.minLength}">At least ${plural(r.minLength, "character", "characters")}</li>`];
  if (r.minUppercase > 0) items.push(html`<li data-rule="uppercase" data-n="${r.minUppercase}">At least ${plural(r.minUppercase, "uppercase letter", "uppercase letters")}</li>`);
  if (r.minDigits > 0) items.push(html`<li data-rule="digits" data-n="${r.minDigits}">At least ${plural(r.minDigits, "digit", "digits")}</li>`);
  if (r.minSpecial > 0) items.push(html`<li data-rule="special" data-n="${r.minSpecial}">At least ${plural(r.minSpecial, "special character", "special characters")}</li>`);
  items.push(html`<li>At most ${r.maxLength} characters</li>`);
  if (r.rejectUserId) items.push(html`<li>Must not contain your user ID</li>`);
  if (r.rejectCommon) items.push(html`<li>Must not be a commonly used password</li>`);
  return html`<ul class="rules hint" id="${inputId}-rules" data-password-rules="${inputId}">${items}</ul>`;
}
