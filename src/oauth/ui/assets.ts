// The pages' own assets (stylesheet, script, icons), served under the path of
// is.oauth.ui.assets-base-url when it is a path on this server (default
// /assets). Operators who point assets-base-url elsewhere (a CDN) host these
// files, or their own, there. Icons are drawn at start: no binary files in the
// repository.
import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";
import type { Request, Response } from "../api.js";

const css = `/* OAuth pages: small, readable, keyboard-friendly. */
:root { --brand: #0d83d0; --fg: #1f2328; --muted: #59636e; --bg: #f6f8fa; --card: #fff; --error: #b42318; --ok: #067647; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--brand); }
a:focus-visible, button:focus-visible, input:focus-visible, summary:focus-visible { outline: 3px solid var(--brand); outline-offset: 2px; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--card); padding: .5rem; z-index: 1; }
header.site { display: flex; align-items: center; gap: 1rem; padding: 1rem 1.5rem; background: var(--card); border-bottom: 4px solid var(--brand); flex-wrap: wrap; }
header.site .logo img, header.site .logo svg { height: 40px; width: auto; display: block; }
header.site .names { display: flex; flex-direction: column; }
header.site .site-name { font-weight: 600; }
header.site .sub { color: var(--muted); font-size: .875rem; }
header.site .cluster-picker { margin-left: auto; }
main { max-width: 34rem; margin: 2rem auto; padding: 0 1rem; }
main.wide { max-width: 52rem; }
.card { background: var(--card); border: 1px solid #d0d7de; border-radius: 8px; padding: 1.5rem; margin-bottom: 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
h2 { font-size: 1.15rem; margin: 0 0 .75rem; }
h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
label { display: block; font-weight: 600; margin: 1rem 0 .25rem; }
input[type=text], input[type=password], input[type=email] { width: 100%; padding: .6rem .7rem; font: inherit; border: 1px solid #8c959f; border-radius: 6px; }
input[aria-invalid=true] { border-color: var(--error); }
.check { display: flex; gap: .5rem; align-items: center; font-weight: normal; }
.hint { color: var(--muted); font-size: .875rem; margin: .25rem 0 0; }
.actions { display: flex; gap: .75rem; margin-top: 1.5rem; flex-wrap: wrap; align-items: center; }
button { font: inherit; padding: .6rem 1.2rem; border-radius: 6px; border: 1px solid var(--brand); background: var(--brand); color: #fff; cursor: pointer; }
button.secondary { background: var(--card); color: var(--brand); }
button.link { background: none; border: none; color: var(--brand); padding: 0; text-decoration: underline; }
.sso { display: flex; flex-direction: column; gap: .75rem; margin-bottom: 1.5rem; }
.sso a.button { display: block; text-align: center; padding: .6rem 1.2rem; border-radius: 6px; border: 1px solid var(--brand); background: var(--card); color: var(--brand); text-decoration: none; }
.sso a.button:hover { background: var(--brand); color: #fff; }
.or { text-align: center; color: var(--muted); margin: 0 0 1rem; }
.message { padding: .75rem 1rem; border-radius: 6px; margin-bottom: 1rem; border: 1px solid; }
.message.error { color: var(--error); border-color: var(--error); background: #fef3f2; }
.message.info { color: var(--fg); border-color: #8c959f; background: #f6f8fa; }
.message.success { color: var(--ok); border-color: var(--ok); background: #ecfdf3; }
.message .detail { display: block; font-size: .8rem; color: var(--muted); margin-top: .25rem; word-break: break-all; }
ul.rights { padding-left: 1.25rem; }
ul.rules li.met { color: var(--ok); }
ul.rules li.met::after { content: " ✓"; }
.client-name { font-weight: 600; }
.badge { display: inline-block; font-size: .75rem; padding: 0 .4rem; border-radius: 4px; background: var(--ok); color: #fff; vertical-align: middle; }
code.auth-code { display: block; padding: .75rem; background: var(--bg); border-radius: 6px; word-break: break-all; font-size: 1.1rem; }
table.sessions { width: 100%; border-collapse: collapse; }
table.sessions th, table.sessions td { text-align: left; padding: .5rem; border-bottom: 1px solid #d0d7de; }
footer.site { max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: var(--muted); font-size: .875rem; text-align: center; }
footer.site ul { list-style: none; padding: 0; display: flex; gap: 1rem; justify-content: center; flex-wrap: wrap; }
`;

// Progressive enhancement only: every page works without it.
const js = `"use strict";
(function () {
  // Password rules: tick each rule as the new password meets it.
  document.querySelectorAll("[data-password-rules]").forEach(function (list) {
    var input = document.getElementById(list.getAttribute("data-password-rules"));
    if (!input) return;
    var check = function () {
      // The server's rules (src/auth/password-rules.ts): characters are code points.
      var chars = Array.from(input.value);
      var count = function (re) { return chars.filter(function (c) { return re.test(c); }).length; };
      list.querySelectorAll("li[data-rule]").forEach(function (li) {
        var n = Number(li.getAttribute("data-n"));
        var rule = li.getAttribute("data-rule");
        var met =
          rule === "min-length" ? chars.length >= n :
          rule === "uppercase" ? count(/\\p{Lu}/u) >= n :
          rule === "digits" ? count(/\\p{Nd}/u) >= n :
          rule === "special" ? count(/[^\\p{L}\\p{Nd}]/u) >= n : false;
        li.classList.toggle("met", met && chars.length > 0);
      });
    };
    input.addEventListener("input", check);
    check();
  });
  // Copy buttons (the code page).
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var el = document.getElementById(button.getAttribute("data-copy"));
      if (el && navigator.clipboard) navigator.clipboard.writeText(el.textContent.trim()).then(function () { button.textContent = "Copied"; }, function () {});
    });
  });
  // One submission per form: a second Enter must not send the password twice.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-submitted")) { event.preventDefault(); return; }
      form.setAttribute("data-submitted", "1");
    });
  });
})();
`;

// ---- icons: a PNG drawn from a function of the pixel position -----------------
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf: Buffer) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type: string, data: Buffer) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

function png(size: number): Buffer {
  const c = (size - 1) / 2;
  const stride = 1 + size * 4; // each row: filter type 0, then RGBA pixels
  const pixels = Buffer.alloc(size * stride); // zero: transparent
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // A brand-blue disc with a white ring: recognisable at 16 px.
      const d = Math.sqrt((x - c) ** 2 + (y - c) ** 2) / (size / 2);
      if (d > 1) continue;
      const ring = d > 0.45 && d < 0.62;
      pixels.writeUInt32BE(ring ? white : blue, y * stride + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(pixels)), chunk("IEND", Buffer.alloc(0))]);
}
// RGBA
const white = 0xffffffff;
const blue = 0x0d83d0ff;

/** An .ico holding one PNG image. */
function ico(image: Buffer, size: number): Buffer {
  const head = Buffer.alloc(22);
  head.writeUInt16LE(0, 0);
  head.writeUInt16LE(1, 2); // icon
  head.writeUInt16LE(1, 4); // one image
  head.writeUInt8(size >= 256 ? 0 : size, 6);
  head.writeUInt8(size >= 256 ? 0 : size, 7);
  head.writeUInt16LE(1, 10); // planes
  head.writeUInt16LE(32, 12); // bits per pixel
  head.writeUInt32LE(image.length, 14);
  head.writeUInt32LE(22, 18);
  return Buffer.concat([head, image]);
}

export const builtinLogo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40" role="img" aria-hidden="true" focusable="false"><circle cx="20" cy="20" r="19" fill="#0d83d0"/><circle cx="20" cy="20" r="10" fill="none" stroke="#fff" stroke-width="3.5"/></svg>`;

interface Asset {
  type: string;
  body: Buffer;
  etag: string;
}

const asset = (type: string, body: Buffer | string): Asset => {
  const buf = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  return { type, body: buf, etag: `"${createHash("sha256").update(buf).digest("base64url").slice(0, 22)}"` };
};

/** An asset made by the first request for it, not at start (drawing the icons takes tens of ms). */
const lazyAsset = (type: string, body: () => Buffer | string): (() => Asset) => {
  let made: Asset | undefined;
  return () => (made ??= asset(type, body()));
};

/** The built-in files by name; icon names carry the configured prefix. */
export function builtinAssets(iconPrefix: string): Map<string, () => Asset> {
  return new Map([
    ["account.css", lazyAsset("text/css; charset=utf-8", () => css)],
    ["account.js", lazyAsset("text/javascript; charset=utf-8", () => js)],
    ["logo.svg", lazyAsset("image/svg+xml", () => builtinLogo)],
    [`${iconPrefix}favicon.ico`, lazyAsset("image/x-icon", () => ico(png(32), 32))],
    [`${iconPrefix}touch-icon.png`, lazyAsset("image/png", () => png(180))],
    [`${iconPrefix}og-image.png`, lazyAsset("image/png", () => png(256))],
  ]);
}

/**
 * Serves a built-in asset when `path` is `<prefix>/<name>` of one; returns
 * false otherwise (the path may belong to someone else, e.g. /assets/blob).
 */
export function serveAsset(assets: Map<string, () => Asset>, prefix: string, path: string, req: Request, res: Response): boolean {
  if (!path.startsWith(prefix + "/")) return false;
  const make = assets.get(path.slice(prefix.length + 1));
  if (!make || (req.method !== "GET" && req.method !== "HEAD")) return false;
  const found = make();
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("cache-control", "public, max-age=3600");
  res.setHeader("etag", found.etag);
  if (req.headers["if-none-match"] === found.etag) {
    res.writeHead(304);
    res.end();
    return true;
  }
  res.setHeader("content-type", found.type);
  res.setHeader("content-length", String(found.body.length));
  res.writeHead(200);
  if (req.method === "HEAD") res.end();
  else res.end(found.body);
  return true;
}
