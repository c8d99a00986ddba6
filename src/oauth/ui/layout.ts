// The page shell every OAuth page shares, where each is.oauth.ui option shows:
// language, title parts, description, theme color, canonical URL, icons, CSS and
// JS files under assets-base-url (nonce'd), the branding logo, text, cluster ID
// and cluster picker, the footer's fair use / SLA / support plan notes, and the
// page configuration (console, API and canonical URLs, Sentry DSN) for scripts.
// Also the form pieces pages share.
import type { Config } from "../../config/index.js";
import { builtinLogo } from "./assets.js";
import type { UiContext } from "./context.js";
import { csrfField } from "./csrf.js";
import type { ShownError } from "./errors.js";
import { html, raw, scriptJson, type Html, type HtmlValue } from "./html.js";
import { contentSecurityPolicy } from "./security.js";

/** URLs from the configuration are shown only when they are http(s) or paths: never `javascript:`. */
export function safeUrl(url: string): string | undefined {
  if (!url) return undefined;
  if (/^https?:\/\//i.test(url) || (url.startsWith("/") && !url.startsWith("//"))) return url;
  return undefined;
}

const join = (base: string, file: string) => `${base.replace(/\/+$/, "")}/${file.replace(/^\/+/, "")}`;

/** A CSS color we can put into a style element as is. */
const cssColor = /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|(rgb|rgba|hsl|hsla)\([0-9.,%\s]+(deg)?[0-9.,%\s]*\))$/;

/** The page configuration scripts read as `window.__ttn_config__`. */
export function pageConfig(config: Config, ctx: UiContext): Record<string, unknown> {
  const ui = config.is.oauth.ui;
  return {
    app_root: ctx.deps.mount,
    assets_root: ui.assetsBaseUrl,
    branding_root: ui.brandingBaseUrl,
    canonical_url: ui.canonicalUrl,
    console_url: ui.consoleUrl,
    site_name: ui.siteName,
    title: ui.title,
    sub_title: ui.subTitle,
    language: ui.language,
    sentry_dsn: ui.sentryDsn,
    cluster_picker_url: ui.clusterPickerUrl,
    stack_config: { is: { enabled: ui.is.enabled, base_url: ui.is.baseUrl } },
    csrf_token: ctx.csrfToken(),
  };
}

export interface PageSpec {
  /** This page's part of <title> and its heading. */
  title: string;
  body: Html;
  status?: number;
  /** A wider main column (the account page). */
  wide?: boolean;
}

export function renderPage(ctx: UiContext, spec: PageSpec): string {
  const config = ctx.deps.config;
  const ui = config.is.oauth.ui;
  const nonce = ctx.nonce;
  const assets = ui.assetsBaseUrl;
  const titleText = [spec.title, ui.title, ui.siteName].filter(Boolean).join(" · ");
  const canonical = safeUrl(ui.canonicalUrl);
  const logo = safeUrl(ui.brandingBaseUrl)
    ? html`<img src="${join(ui.brandingBaseUrl, "logo.svg")}" alt="${ui.siteName}">`
    : raw(builtinLogo);
  const footerItems: Html[] = [];
  const link = (url: string, text: HtmlValue) => (safeUrl(url) ? html`<a href="${url}">${text}</a>` : html`${text}`);
  if (safeUrl(ui.fairUsePolicyInformationUrl)) footerItems.push(html`<li class="fair-use">${link(ui.fairUsePolicyInformationUrl, "Fair use policy")}</li>`);
  if (ui.slaApplies || ui.slaInformationUrl) {
    footerItems.push(html`<li class="sla">${link(ui.slaInformationUrl, ui.slaApplies ? `Service level: ${ui.slaApplies}` : "Service level agreement")}</li>`);
  }
  if (ui.supportPlanApplies || ui.supportPlanInformationUrl) {
    footerItems.push(html`<li class="support-plan">${link(ui.supportPlanInformationUrl, ui.supportPlanApplies ? `Support plan: ${ui.supportPlanApplies}` : "Support plan")}</li>`);
  }
  if (safeUrl(ui.consoleUrl)) footerItems.push(html`<li class="console"><a href="${ui.consoleUrl}">Console</a></li>`);

  const page = html`<!doctype html>
<html lang="${ui.language || "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${titleText}</title>
${ui.descriptions ? html`<meta name="description" content="${ui.descriptions}">` : ""}
${ui.themeColor ? html`<meta name="theme-color" content="${ui.themeColor}">` : ""}
${canonical ? html`<link rel="canonical" href="${join(canonical, ctx.path === "/" ? "" : ctx.path)}">` : ""}
<meta property="og:site_name" content="${ui.siteName}">
<meta property="og:title" content="${titleText}">
<meta property="og:image" content="${join(assets, `${ui.iconPrefix}og-image.png`)}">
<link rel="icon" href="${join(assets, `${ui.iconPrefix}favicon.ico`)}">
<link rel="apple-touch-icon" href="${join(assets, `${ui.iconPrefix}touch-icon.png`)}">
${ui.cssFile.map((f) => html`<link rel="stylesheet" href="${join(assets, f)}" nonce="${nonce}">\n`)}
${ui.themeColor && cssColor.test(ui.themeColor) ? html`<style nonce="${nonce}">:root { --brand: ${raw(ui.themeColor)}; }</style>` : ""}
<script nonce="${nonce}">window.__ttn_config__ = ${scriptJson(pageConfig(config, ctx))};</script>
${ui.jsFile.map((f) => html`<script src="${join(assets, f)}" defer nonce="${nonce}"></script>\n`)}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
<a class="logo" href="${ctx.url("/")}" aria-label="${ui.siteName}: your account">${logo}</a>
<div class="names">
<span class="site-name">${ui.siteName}</span>
${ui.subTitle ? html`<span class="sub sub-title">${ui.subTitle}</span>` : ""}
${ui.brandingText ? html`<span class="sub branding-text">${ui.brandingText}</span>` : ""}
${ui.brandingClusterId ? html`<span class="sub cluster-id">Cluster: ${ui.brandingClusterId}</span>` : ""}
</div>
${safeUrl(ui.clusterPickerUrl) ? html`<a class="cluster-picker" href="${ui.clusterPickerUrl}">Choose another cluster</a>` : ""}
</header>
<main id="main" tabindex="-1"${spec.wide ? raw(' class="wide"') : ""}>
${spec.body}
</main>
<footer class="site">
${footerItems.length ? html`<ul>${footerItems}</ul>` : ""}
<p>${ui.siteName}${ui.title ? html` · ${ui.title}` : ""}</p>
</footer>
</body>
</html>
`;
  return page.value;
}

export function sendPage(ctx: UiContext, spec: PageSpec): void {
  const body = renderPage(ctx, spec);
  const res = ctx.res;
  res.setHeader("content-security-policy", contentSecurityPolicy(ctx.deps.config, ctx.nonce));
  res.setHeader("content-type", "text/html; charset=utf-8");
  res.setHeader("cache-control", "no-store");
  res.writeHead(spec.status ?? 200);
  if (ctx.req.method === "HEAD") res.end();
  else res.end(body);
}

// ---- pieces of pages ------------------------------------------------------------

export function csrfInput(ctx: UiContext): Html {
  return html`<input type="hidden" name="${csrfField}" value="${ctx.csrfToken()}">`;
}

export function hidden(name: string, value: string | undefined): Html {
  return value ? html`<input type="hidden" name="${name}" value="${value}">` : html``;
}

export function message(kind: "error" | "info" | "success", body: HtmlValue): Html {
  return html`<div class="message ${kind}" role="${kind === "error" ? "alert" : "status"}">${body}</div>`;
}

export function errorMessage(shown: ShownError | undefined): Html {
  if (!shown) return html``;
  return message(
    "error",
    html`<span class="text">${shown.text.charAt(0).toUpperCase() + shown.text.slice(1)}</span><span class="detail">${shown.id}${shown.correlationId ? ` · ${shown.correlationId}` : ""}</span>`,
  );
}

export interface FieldSpec {
  name: string;
  label: string;
  type?: "text" | "password" | "email" | "checkbox";
  value?: string;
  autocomplete?: string;
  required?: boolean;
  autofocus?: boolean;
  hint?: HtmlValue;
  invalid?: boolean;
  describedBy?: string;
}

/** A labelled input; its id is `field-<name>`. */
export function field(f: FieldSpec): Html {
  const id = `field-${f.name}`;
  const hintId = f.hint ? `${id}-hint` : undefined;
  const described = [hintId, f.describedBy].filter(Boolean).join(" ");
  const attrs = html`${f.required ? raw(" required") : ""}${f.autofocus ? raw(" autofocus") : ""}${f.autocomplete ? html` autocomplete="${f.autocomplete}"` : ""}${described ? html` aria-describedby="${described}"` : ""}${f.invalid ? raw(' aria-invalid="true"') : ""}`;
  if (f.type === "checkbox") {
    return html`<label class="check" for="${id}"><input type="checkbox" id="${id}" name="${f.name}" value="true"${f.value === "true" ? raw(" checked") : ""}${attrs}> ${f.label}</label>${f.hint ? html`<p class="hint" id="${hintId}">${f.hint}</p>` : ""}`;
  }
  return html`<label for="${id}">${f.label}</label>
<input type="${f.type ?? "text"}" id="${id}" name="${f.name}"${f.type === "password" ? "" : html` value="${f.value ?? ""}"`}${attrs}>
${f.hint ? html`<p class="hint" id="${hintId}">${f.hint}</p>` : ""}`;
}
