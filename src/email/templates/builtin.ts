// The built-in e-mail templates (mustache): subject, plain text and HTML for
// every template name, plus the HTML `header`/`footer` partials they share.
// Subjects and text are rendered without escaping, HTML with it, so `{{x}}` is
// always right for the part it is in. The variables are those of view.ts.
import type { TemplateName } from "../api.js";

export interface TemplateSource {
  subject: string;
  text: string;
  html: string;
}

/** Partials every template may use; `includes` overrides replace them by name. */
export const builtinPartials: Record<string, string> = {
  greeting: "{{#recipientName}}Dear {{recipientName}},{{/recipientName}}{{^recipientName}}Hello,{{/recipientName}}",
  header: `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{subject}}</title></head>
<body style="font-family: Helvetica, Arial, sans-serif; color: #222; line-height: 1.5; max-width: 600px; margin: 0 auto; padding: 16px;">
<p style="font-size: 18px; font-weight: bold;">{{network.name}}</p>
<p>{{#recipientName}}Dear {{recipientName}},{{/recipientName}}{{^recipientName}}Hello,{{/recipientName}}</p>
`,
  footer: `<p style="color: #888; font-size: 12px; margin-top: 32px;">This message was sent by {{network.name}}.</p>
</body>
</html>
`,
  textFooter: `
--
{{network.name}}
`,
  button: `<p><a href="{{link}}" style="display: inline-block; padding: 8px 16px; background: #0d83d0; color: #fff; text-decoration: none; border-radius: 4px;">{{linkText}}</a></p>
<p style="font-size: 12px; color: #666;">Or copy this link into your browser: {{link}}</p>
`,
  rightsHtml: "<ul>{{#rights}}<li><code>{{.}}</code></li>{{/rights}}</ul>\n",
};

// The greeting is inline in text: a partial alone on its line would take the line break with it.
const t = (subject: string, text: string, html: string): TemplateSource => ({
  subject,
  text: `${builtinPartials.greeting}\n\n${text.trim()}\n{{> textFooter}}`,
  html: `{{> header}}${html.trim()}\n{{> footer}}`,
});

export const builtinTemplates: Record<TemplateName, TemplateSource> = {
  validate: t(
    "Please confirm your email address for {{network.name}}",
    `
Please confirm your email address {{address}} for your user {{user.id}} on {{network.name}} by opening this link:

{{link}}

Alternatively, confirm it with reference {{validationId}} and token {{token}}.

If you did not expect this message, you can ignore it.
`,
    `
<p>Please confirm your email address <strong>{{address}}</strong> for your user <code>{{user.id}}</code> on {{network.name}}.</p>
{{> button}}
<p>Alternatively, confirm it with reference <code>{{validationId}}</code> and token <code>{{token}}</code>.</p>
<p>If you did not expect this message, you can ignore it.</p>
`,
  ),
  invitation: t(
    "You have been invited to join {{network.name}}",
    `
{{#sender}}{{senderName}} has invited you{{/sender}}{{^sender}}You have been invited{{/sender}} to join {{network.name}}. Register your account with this link:

{{link}}
`,
    `
<p>{{#sender}}{{senderName}} has invited you{{/sender}}{{^sender}}You have been invited{{/sender}} to join {{network.name}}.</p>
{{> button}}
`,
  ),
  temporary_password: t(
    "Your temporary password for {{network.name}}",
    `
A temporary password was requested for your user {{user.id}} on {{network.name}}.

Temporary password: {{temporaryPassword}}

Use it to choose a new password with this link; it works for a short time only:

{{link}}

If you did not request this, you can ignore this message: your current password still works.
`,
    `
<p>A temporary password was requested for your user <code>{{user.id}}</code> on {{network.name}}.</p>
<p>Temporary password: <code>{{temporaryPassword}}</code></p>
<p>Use it to choose a new password; it works for a short time only.</p>
{{> button}}
<p>If you did not request this, you can ignore this message: your current password still works.</p>
`,
  ),
  login_token: t(
    "Your login token for {{network.name}}",
    `
A login token was requested for your user {{user.id}} on {{network.name}}. Log in with this link; it works once and for a short time only:

{{link}}

If you did not request this, you can ignore this message.
`,
    `
<p>A login token was requested for your user <code>{{user.id}}</code> on {{network.name}}. It works once and for a short time only.</p>
{{> button}}
<p>If you did not request this, you can ignore this message.</p>
`,
  ),
  api_key_created: t(
    "A new API key has been created for your {{entityType}}",
    `
A new API key has been created for your {{entityType}} "{{entity.id}}"{{#sender}} by {{senderName}}{{/sender}}.

Key ID: {{key.id}}
Name: {{key.name}}
Rights:
{{#key.rights}}
- {{.}}
{{/key.rights}}

See it in the Console:

{{link}}
`,
    `
<p>A new API key has been created for your {{entityType}} <code>{{entity.id}}</code>{{#sender}} by {{senderName}}{{/sender}}.</p>
<p>Key ID: <code>{{key.id}}</code><br>Name: {{key.name}}</p>
<p>Rights:</p>
{{#key}}{{> rightsHtml}}{{/key}}
{{> button}}
`,
  ),
  api_key_changed: t(
    "An API key of your {{entityType}} has been changed",
    `
An API key of your {{entityType}} "{{entity.id}}" has been changed{{#sender}} by {{senderName}}{{/sender}}.

Key ID: {{key.id}}
Name: {{key.name}}
Rights:
{{#key.rights}}
- {{.}}
{{/key.rights}}

See it in the Console:

{{link}}
`,
    `
<p>An API key of your {{entityType}} <code>{{entity.id}}</code> has been changed{{#sender}} by {{senderName}}{{/sender}}.</p>
<p>Key ID: <code>{{key.id}}</code><br>Name: {{key.name}}</p>
<p>Rights:</p>
{{#key}}{{> rightsHtml}}{{/key}}
{{> button}}
`,
  ),
  collaborator_changed: t(
    "A collaborator of your {{entityType}} has been changed",
    `
The {{collaborator.kind}} "{{collaborator.id}}", a collaborator of your {{entityType}} "{{entity.id}}", has been changed{{#sender}} by {{senderName}}{{/sender}}.

{{#rights.length}}
Rights:
{{/rights.length}}
{{#rights}}
- {{.}}
{{/rights}}
{{^rights}}
It no longer has any rights.
{{/rights}}

See it in the Console:

{{link}}
`,
    `
<p>The {{collaborator.kind}} <code>{{collaborator.id}}</code>, a collaborator of your {{entityType}} <code>{{entity.id}}</code>, has been changed{{#sender}} by {{senderName}}{{/sender}}.</p>
{{#rights.length}}<p>Rights:</p>
{{> rightsHtml}}{{/rights.length}}{{^rights.length}}<p>It no longer has any rights.</p>{{/rights.length}}
{{> button}}
`,
  ),
  entity_state_changed: t(
    "The state of your {{entityType}} has been changed",
    `
The state of your {{entityType}} "{{entity.id}}" has been changed to {{state}}{{#sender}} by {{senderName}}{{/sender}}.
{{#stateDescription}}
Reason: {{stateDescription}}
{{/stateDescription}}
See it in the Console:

{{link}}
`,
    `
<p>The state of your {{entityType}} <code>{{entity.id}}</code> has been changed to <strong>{{state}}</strong>{{#sender}} by {{senderName}}{{/sender}}.</p>
{{#stateDescription}}<p>Reason: {{stateDescription}}</p>{{/stateDescription}}
{{> button}}
`,
  ),
  password_changed: t(
    "Your password on {{network.name}} has been changed",
    `
The password of your user {{entity.id}} on {{network.name}} has been changed.

If you did not change it, contact the administrators of {{network.name}} at once. Your account:

{{link}}
`,
    `
<p>The password of your user <code>{{entity.id}}</code> on {{network.name}} has been changed.</p>
<p>If you did not change it, contact the administrators of {{network.name}} at once.</p>
{{> button}}
`,
  ),
  user_requested: t(
    "A new user has requested to join {{network.name}}",
    `
A new user has requested to join {{network.name}} and waits for an administrator's approval.

User ID: {{requester.id}}
Name: {{requester.name}}
Email address: {{requester.email}}

Approve or reject the request in the Console:

{{link}}
`,
    `
<p>A new user has requested to join {{network.name}} and waits for an administrator's approval.</p>
<p>User ID: <code>{{requester.id}}</code><br>Name: {{requester.name}}<br>Email address: {{requester.email}}</p>
{{> button}}
`,
  ),
  client_requested: t(
    "A new OAuth client has been requested",
    `
A new OAuth client has been requested on {{network.name}}{{#collaborator}} by {{collaborator.kind}} {{collaborator.id}}{{/collaborator}} and waits for an administrator's approval.

Client ID: {{client.id}}
Name: {{client.name}}

Approve or reject the request in the Console:

{{link}}
`,
    `
<p>A new OAuth client has been requested on {{network.name}}{{#collaborator}} by {{collaborator.kind}} <code>{{collaborator.id}}</code>{{/collaborator}} and waits for an administrator's approval.</p>
<p>Client ID: <code>{{client.id}}</code><br>Name: {{client.name}}</p>
{{> button}}
`,
  ),
};

/**
 * The base of HTML templates in the stack's form that consist of `title`,
 * `preview` and `body` blocks (as the stack's own), when the template source
 * has no `base.html.tmpl` of its own. Go template syntax (stack-form.ts).
 */
export const builtinGoBase = `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ block "title" . }}{{ end }}</title></head>
<body style="font-family: Helvetica, Arial, sans-serif; color: #222; line-height: 1.5; max-width: 600px; margin: 0 auto; padding: 16px;">
<div style="display: none;">{{ block "preview" . }}{{ end }}</div>
<p style="font-size: 18px; font-weight: bold;">{{ .Network.Name }}</p>
{{ block "body" . }}{{ end }}
<p style="color: #888; font-size: 12px; margin-top: 32px;">This message was sent by {{ .Network.Name }}.</p>
</body>
</html>
`;
