// Template overrides in The Things Stack's form: Go templates named
// `<name>.txt.tmpl` (v3.19+) or `<name>.txt` in Go syntax (up to v3.18), over
// the stack's fields. One password reset goes through the real flow and the
// SMTP test server; the rest renders in-process. Unknown fields (in any
// branch), unknown functions, blank output and two forms of one part stop the
// start naming the file; a part blank for one message falls back to the
// built-in part, so no mail goes out blank.
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { EmailRequest } from "../../src/email/api.js";
import { createEmails } from "../../src/email/index.js";
import { silentLogger, type Logger } from "../../src/log.js";
import { api } from "../helpers/clients.js";
import { startTestServer, testConfig } from "../helpers/harness.js";
import { startMailbox } from "../helpers/mailbox.js";
import { address, network, smtpOptions } from "./helpers.js";

const root = await mkdtemp(join(tmpdir(), "is-stack-templates-"));
let dirs = 0;
async function templateDir(files: Record<string, string>): Promise<string> {
  const dir = join(root, `t${++dirs}`);
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

const fromDir = (dir: string, extra: Record<string, unknown> = {}) => ({ "is.email.templates.source": "directory", "is.email.templates.directory": dir, ...extra });

async function emailsFrom(files: Record<string, string>, extra: Record<string, unknown> = {}, log: Logger = silentLogger) {
  const dir = await templateDir(files);
  return { dir, emails: await createEmails({ config: testConfig({ ...network, ...fromDir(dir, extra) }), log }) };
}

async function startFailure(files: Record<string, string>): Promise<{ dir: string; msg: string }> {
  const dir = await templateDir(files);
  try {
    const s = await startTestServer(fromDir(dir));
    await s.close();
  } catch (err) {
    return { dir, msg: (err as Error).message };
  }
  return assert.unreachable("startServer must fail") as never;
}

// As the stack ships them (pkg/email/templates), trimmed.
const stackTemporaryPassword = {
  "temporary_password.subject.txt.tmpl": "Your temporary password for {{ .Network.Name }}\n",
  "temporary_password.txt.tmpl": `Dear {{ .ReceiverName }},

A temporary password was requested for your user "{{ .Receiver.Ids.IDString }}" on {{ .Network.Name }}.

You can now go to {{ .Network.IdentityServerURL }}/update-password?user={{ .Receiver.Ids.IDString }}&current={{ .TemporaryPassword }} to change your password.

{{- with .TTL }}

Your temporary password expires {{ relDuration . }}.
{{- end }}
`,
  "temporary_password.html.tmpl": `{{- define "title" -}}
Temporary Password
{{- end -}}

{{- define "preview" -}}
A temporary password was requested for your user "{{ .Receiver.Ids.IDString }}".
{{- end -}}

{{- define "body" -}}
<p>Dear {{ .ReceiverName }},</p>
<p>A temporary password was requested for your user <code>{{ .Receiver.Ids.IDString }}</code> on <b>{{ .Network.Name }}</b>.</p>
<p>You can now visit <a href="{{ .Network.IdentityServerURL }}/update-password?user={{ .Receiver.Ids.IDString }}&current={{ .TemporaryPassword }}">this link</a>.</p>
{{- end -}}
`,
};

const mailbox = await startMailbox();

test("a password reset through the API, mailed from the stack's v3.19+ templates (HTML through the built-in base)", async () => {
  const dir = await templateDir(stackTemporaryPassword);
  const server = await startTestServer(smtpOptions(mailbox, { ...fromDir(dir), "is.email.network.name": "Ex <Net>" }));
  try {
    const to = address("tim");
    const tim = await server.population.user({ id: "tim", email: to });
    const res = await api(server, "POST", `/users/${tim.id}/temporary_password`, { body: {} });
    assert.is(res.status, 200, JSON.stringify(res.body));
    const mail = await mailbox.next(to);
    assert.is(mail.subject, "Your temporary password for Ex <Net>");
    const password = /current=([A-Z2-7]+) to change/.exec(mail.text)?.[1];
    assert.ok(password, mail.text);
    assert.is(
      mail.text.trim(),
      `Dear User tim,

A temporary password was requested for your user "tim" on Ex <Net>.

You can now go to https://id.example.net/oauth/update-password?user=tim&current=${password} to change your password.

Your temporary password expires an hour from now.`,
    );
    assert.match(mail.html, "<title>Temporary Password</title>");
    assert.match(mail.html, "<b>Ex &lt;Net&gt;</b>"); // printed values escaped in HTML
    assert.match(mail.html, `href="https://id.example.net/oauth/update-password?user=tim&current=${password}"`);
    assert.match(mail.html, "This message was sent by Ex &lt;Net&gt;."); // the built-in base
  } finally {
    await server.close();
  }
});

const validate = (to: string): EmailRequest => ({ template: "validate", to: { name: "Vic Val", address: to }, data: { user: { id: "vic", name: "Vic Val" }, address: to, validationId: "REF", token: "TOK" } });

test("overrides in the pre-3.19 form: <name>.txt in Go syntax with .User, .Entity, .ID, .Token, .TTL, .FormatTTL", async () => {
  const { emails } = await emailsFrom({
    "validate.subject.txt": "Please confirm your email address for {{.Network.Name}}\n",
    "validate.txt": `Dear {{.User.Name}},

Your email address will be used as contact for {{.Entity.Type}} "{{.Entity.ID}}".
Reference: {{.ID}}
Confirmation Token: {{.Token}}
{{- if .TTL }}
The token expires {{ .FormatTTL }} ({{ .TTL }}).
{{- end }}
{{ documentation_url "/getting-started/cli/" }}
`,
    "validate.html": "<p>{{.User.Name}} &lt;{{.User.Email}}&gt;</p>",
  });
  const out = emails.render(validate("vic@example.com"));
  assert.is(out.subject, "Please confirm your email address for Example Network");
  assert.is(
    out.text,
    'Dear Vic Val,\n\nYour email address will be used as contact for user "vic".\nReference: REF\nConfirmation Token: TOK\nThe token expires 2 days from now (48h0m0s).\nhttps://www.thethingsindustries.com/docs/getting-started/cli\n',
  );
  assert.is(out.html, "<p>Vic Val &lt;vic@example.com&gt;</p>");
  await emails.close();
});

test("the stack's base.html.tmpl and includes in Go form; mustache and Go parts side by side", async () => {
  const { emails } = await emailsFrom(
    {
      "base.html.tmpl": '<html><head><title>{{ block "title" . }}{{ end }}</title></head><body>BASE {{ .Network.Name }}|{{ block "body" . }}{{ end }}</body></html>\n',
      "login_token.html.tmpl": '{{ define "title" }}Login{{ end }}{{ define "body" }}<a href="{{ .Network.IdentityServerURL }}/token-login?token={{ .LoginToken }}">log in</a>{{ end }}',
      "login_token.txt.tmpl": 'Log in: {{ .Network.IdentityServerURL }}/token-login?token={{ .LoginToken }}\n{{ template "signature" . }}',
      "signature.txt.tmpl": '{{ define "signature" }}-- the {{ .Network.Name }} team{{ end }}',
      "login_token.subject.txt": "Mustache subject for {{network.name}}",
    },
    { "is.email.templates.includes": ["signature.txt.tmpl"] },
  );
  const out = emails.render({ template: "login_token", to: { name: "", address: "l@example.com" }, data: { user: { id: "lena", name: "" }, token: "LT1" } });
  assert.is(out.subject, "Mustache subject for Example Network");
  assert.is(out.text, "Log in: https://id.example.net/oauth/token-login?token=LT1\n-- the Example Network team");
  assert.is(out.html, '<html><head><title>Login</title></head><body>BASE Example Network|<a href="https://id.example.net/oauth/token-login?token=LT1">log in</a></body></html>\n');
  await emails.close();
});

test("user_requested: .User is the requester in a .tmpl file (v3.19+), the admin it goes to in the older form", async () => {
  const { emails } = await emailsFrom({
    "user_requested.txt.tmpl": "New user {{ .User.Ids.IDString }}: {{ with .User.Description }}{{ . }}{{ else }}(none){{ end }} (to {{ .ReceiverName }})",
    "user_requested.html": "<p>Dear {{ .User.Name }}, {{ .Entity.ID }} waits: {{ .ConsoleURL }}</p>",
  });
  const out = emails.render({
    template: "user_requested",
    to: { name: "Ada Admin", address: "ada@example.com" },
    data: { receiver: { id: "ada", name: "Ada Admin" }, entity: { kind: "user", id: "newbie" }, requester: { id: "newbie", name: "Newbie", email: "n@example.com", description: "" } },
  });
  assert.is(out.text, "New user newbie: (none) (to Ada Admin)");
  assert.is(out.html, "<p>Dear Ada Admin, newbie waits: https://console.example.net/console/admin-panel/user-management/newbie</p>");
  await emails.close();
});

test("notification fields: API keys, collaborators, the requested client", async () => {
  const { emails } = await emailsFrom({
    "api_key_created.txt.tmpl": `{{ .Notification.EntityIds.EntityType }} "{{ .Notification.EntityIds.IDString }}" key {{ .APIKey.Id }} ({{ .Identifier }}, old: {{ .Key.ID }}):
{{- range .Rights }}
- {{ . }}{{ with enumDesc . }}: {{ . }}{{ end }}
{{- end }}
{{ .ConsoleURL }}`,
    "client_requested.txt.tmpl": `{{ .SenderType }} "{{ .Sender }}" registered {{ .Client.Ids.IDString }} under {{ .Collaborator.EntityType }} "{{ .Collaborator.IDString }}"
Redirect URIs:{{ range .Client.RedirectURIs }} {{ . }}{{ else }} (none){{ end }}
Grants: {{ join ", " .Client.Grants }}`,
  });
  const key = emails.render({
    template: "api_key_created",
    to: { name: "", address: "o@example.com" },
    data: { receiver: { id: "owen", name: "" }, entity: { kind: "application", id: "app1" }, key: { id: "KEY1", name: "", rights: ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_LINK"] } },
  });
  assert.is(key.text, 'application "app1" key KEY1 (KEY1, old: KEY1):\n- RIGHT_APPLICATION_INFO\n- RIGHT_APPLICATION_LINK\nhttps://console.example.net/console/applications/app1/api-keys/KEY1');
  const client = emails.render({
    template: "client_requested",
    to: { name: "", address: "a@example.com" },
    data: {
      receiver: { id: "ada", name: "" }, entity: { kind: "client", id: "new-cli" }, sender: { id: "bob", name: "" },
      client: { id: "new-cli", name: "New", grants: ["GRANT_AUTHORIZATION_CODE", "GRANT_REFRESH_TOKEN"], redirectUris: [] }, collaborator: { kind: "organization", id: "org1" },
    },
  });
  assert.is(client.text, 'User "bob" registered new-cli under organization "org1"\nRedirect URIs: (none)\nGrants: GRANT_AUTHORIZATION_CODE, GRANT_REFRESH_TOKEN');
  await emails.close();
});

test("a part blank for one message is replaced by the built-in part: never a blank e-mail", async () => {
  const { emails } = await emailsFrom({
    "invitation.txt.tmpl": "{{ with .SenderIds }}Invited by {{ .IDString }}: {{ $.Network.IdentityServerURL }}/register?invitation_token={{ $.InvitationToken }}{{ end }}",
  });
  const invite = (sender?: { id: string; name: string }): EmailRequest => ({ template: "invitation", to: { name: "", address: "i@example.com" }, data: { ...(sender ? { sender } : {}), token: "INV" } });
  assert.is(emails.render(invite({ id: "admin", name: "" })).text, "Invited by admin: https://id.example.net/oauth/register?invitation_token=INV");
  const fallback = emails.render(invite()).text;
  assert.match(fallback, "You have been invited to join Example Network");
  assert.match(fallback, "https://id.example.net/oauth/register?invitation_token=INV");
  await emails.close();
});

test("refused at start, naming the file: unknown fields (any branch), unknown functions, syntax, blank output, two forms of a part", async () => {
  const cases: Array<[Record<string, string>, string, string[]]> = [
    [{ "login_token.txt.tmpl": "Hi {{ .User.Nmae }}" }, "login_token.txt.tmpl:1", ["unknown field Nmae in .User.Nmae", "Email, ID, Name"]],
    [{ "login_token.txt.tmpl": "Hi\n{{ if .TTL }}ok{{ else }}{{ .Expiry }}{{ end }}" }, "login_token.txt.tmpl:2", ["unknown field Expiry"]],
    [{ "validate.html": "<p>{{ .Network.Name }}</p>\n<p>{{ .Receiver.Ids.Email }}</p>" }, "validate.html:2", ["unknown field Email in .Receiver.Ids.Email"]],
    [{ "password_changed.txt.tmpl": "{{ shout .Network.Name }}" }, "password_changed.txt.tmpl:1", ['function "shout" not defined']],
    [{ "api_key_changed.txt.tmpl": "{{ range .Rights }}{{ . }}" }, "api_key_changed.txt.tmpl:1", ["unexpected EOF in range"]],
    [{ "entity_state_changed.txt.tmpl": "{{#entity}}{{/entity}}" }, "entity_state_changed.txt.tmpl:1", ["unexpected"]],
    [{ "invitation.txt.tmpl": "{{/* nothing to say */}}\n" }, "invitation.txt.tmpl", ["renders nothing"]],
    [{ "temporary_password.html.tmpl": "{{ if false }}<p>never</p>{{ end }}\n" }, "temporary_password.html.tmpl", ["renders nothing"]],
    [{ "validate.txt": "mustache {{link}}", "validate.txt.tmpl": "go {{ .Link }}" }, "validate.txt", ["override the same part", "validate.txt.tmpl"]],
  ];
  for (const [files, file, fragments] of cases) {
    const { dir, msg } = await startFailure(files);
    assert.match(msg, join(dir, file), `${JSON.stringify(files)}: ${msg}`);
    for (const f of fragments) assert.match(msg, f, `${JSON.stringify(files)}: ${msg}`);
  }
});

test("a template file no e-mail uses is named in a warning", async () => {
  const warnings: Array<{ fields: Record<string, unknown>; msg: string }> = [];
  const log: Logger = { ...silentLogger, warn: (fields, msg) => warnings.push({ fields: fields as never, msg }) };
  const { dir, emails } = await emailsFrom({ "tenant_created.txt.tmpl": "Welcome", "validate.txt.tmpl": "{{ .Link }}" }, {}, log);
  assert.equal(
    warnings.filter((w) => w.msg.includes("not used")).map((w) => w.fields.file),
    [join(dir, "tenant_created.txt.tmpl")],
  );
  await emails.close();
});

test.run();
