// The Go template subset of e-mail templates in the stack's form, as a table:
// template text and data in, what Go's text/template prints out (or the
// error it gives), plus the start-time field check.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkGoFields } from "../../src/email/templates/go-check.js";
import { executeGo } from "../../src/email/templates/go-exec.js";
import { GoDuration, goFuncNames, relativeDuration } from "../../src/email/templates/go-funcs.js";
import { parseGoTemplate } from "../../src/email/templates/go-parse.js";

const data = {
  Network: { Name: "Net <1>", IdentityServerURL: "https://id.example.net/oauth" },
  User: { ID: "ann", Name: "Ann & Co", Email: "ann@example.com" },
  Rights: ["RIGHT_A", "RIGHT_B", "RIGHT_C"],
  Empty: [] as string[],
  Zero: "",
  Count: 3,
  TTL: new GoDuration(48 * 3600_000),
  NoTTL: new GoDuration(0),
  Sender: null,
  Map: { b: "2", a: "1" },
};

function render(src: string, opts: { html?: boolean } = {}): string {
  const parsed = parseGoTemplate(src, "t.tmpl", goFuncNames);
  return executeGo({ root: parsed.root, defines: parsed.defines, file: "t.tmpl" }, data, { html: opts.html ?? false });
}

const cases: Array<[string, string]> = [
  ["Hi {{.User.Name}} on {{ .Network.Name }}", "Hi Ann & Co on Net <1>"],
  ["a  {{- .User.ID -}}  b", "aannb"],
  ["a\n\n{{- /* gone */ -}}\n\nb", "ab"],
  ["{{/* a comment with }} inside */}}x", "x"],
  ["{{if .Sender}}yes{{else if .Count}}count {{.Count}}{{else}}no{{end}}", "count 3"],
  ["{{with .User}}{{.ID}}{{end}}|{{with .Sender}}s{{else}}none{{end}}", "ann|none"],
  ["{{range .Rights}}[{{.}}]{{end}}", "[RIGHT_A][RIGHT_B][RIGHT_C]"],
  ["{{range $i, $r := .Rights}}{{if $i}}, {{end}}{{$i}}={{$r}}{{end}}", "0=RIGHT_A, 1=RIGHT_B, 2=RIGHT_C"],
  ["{{range .Empty}}x{{else}}empty{{end}}", "empty"],
  ["{{range .Rights}}{{if eq . \"RIGHT_B\"}}{{break}}{{end}}{{.}} {{end}}", "RIGHT_A "],
  ["{{range .Rights}}{{if eq . \"RIGHT_B\"}}{{continue}}{{end}}{{.}} {{end}}", "RIGHT_A RIGHT_C "],
  ["{{range $k, $v := .Map}}{{$k}}{{$v}}{{end}}", "a1b2"],
  ["{{$n := .User.Name}}{{with .Network}}{{$n}} @ {{.Name}} / {{$.User.ID}}{{end}}", "Ann & Co @ Net <1> / ann"],
  ["{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", "2"],
  ["{{len .Rights}} {{index .Rights 1}} {{len .User.ID}}", "3 RIGHT_B 3"],
  ["{{printf \"%s has %d rights (%q)\" .User.ID (len .Rights) .Zero}}", 'ann has 3 rights ("")'],
  ["{{print \"a\" 1 2 \"b\"}}|{{println .User.ID}}", "a1 2b|ann\n"],
  ["{{and .Count .Zero}}|{{or .Zero .User.ID}}|{{not .Zero}}", "|ann|true"],
  ["{{if and .Sender .Sender.Name}}x{{else}}lazy{{end}}", "lazy"],
  ["{{.User.ID | printf \"<%s>\"}}", "<ann>"],
  ["{{.User.Name | upper}} {{lower \"AB\"}} {{default \"none\" .Zero}} {{join \", \" .Rights}}", "ANN & CO ab none RIGHT_A, RIGHT_B, RIGHT_C"],
  ["{{if lt .Count 5}}small{{end}} {{if ge .Count 3}}ge{{end}} {{ne .User.ID \"bob\"}}", "small ge true"],
  ["{{.TTL}} {{if .NoTTL}}x{{else}}zero{{end}} {{relDuration .TTL}} {{.TTL.Hours}}", "48h0m0s zero 2 days from now 48"],
  ["{{documentation_url \"/getting-started/cli/\"}}", "https://www.thethingsindustries.com/docs/getting-started/cli"],
  ["{{define \"greet\"}}Dear {{.Name}}{{end}}{{template \"greet\" .User}}!", "Dear Ann & Co!"],
  ["{{block \"title\" .}}Default {{.User.ID}}{{end}}", "Default ann"],
  ["{{enumDesc \"STATE_SUSPENDED\"}}|{{enumDesc \"RIGHT_A\"}}", "Suspended|"],
  ["{{.Sender}}|{{.Rights}}", "|[RIGHT_A RIGHT_B RIGHT_C]"],
  ["{{`raw \"x\"`}} {{'a'}}", 'raw "x" 97'],
];

test("renders as Go's text/template does", () => {
  for (const [src, want] of cases) assert.is(render(src), want, src);
});

test("HTML parts escape what actions print, not the template's own markup", () => {
  assert.is(render('<p title="{{.User.Name}}">{{.Network.Name}}</p>{{define "x"}}<b>{{.}}</b>{{end}}{{template "x" "<i>"}}', { html: true }), '<p title="Ann &amp; Co">Net &lt;1&gt;</p><b>&lt;i&gt;</b>');
});

test("relative durations as the stack words them", () => {
  const h = 3600_000;
  const table: Array<[number, string]> = [[0, "now"], [90_000, "a minute from now"], [h, "an hour from now"], [5 * h, "5 hours from now"], [48 * h, "2 days from now"], [168 * h, "a week from now"], [-3 * 24 * h, "3 days ago"]];
  for (const [ms, want] of table) assert.is(relativeDuration(ms), want, String(ms));
});

test("parse errors name the file and line: unknown functions, unclosed blocks, mustache syntax, stray end", () => {
  const refused: Array<[string, string]> = [
    ["line 1\n{{ shout .User.Name }}", 't.tmpl:2: function "shout" not defined'],
    ["{{if .Count}}open", "t.tmpl:1: unexpected EOF in if"],
    ["x\n\n{{#User}}{{/User}}", "t.tmpl:3: unexpected"],
    ["{{end}}", "t.tmpl:1: unexpected {{end}}"],
    ["{{break}}", "t.tmpl:1: {{break}} outside {{range}}"],
    ["{{.User.Name", "t.tmpl:1: unclosed action"],
    ["{{ .User.ID 3 }}", "can't give argument to non-function"],
  ];
  for (const [src, want] of refused) {
    assert.throws(() => render(src), (err: Error) => err.message.includes(want), `${src} -> ${want}`);
  }
});

test("the field check finds unknown fields in every branch, through with, range, variables and templates", () => {
  const check = (src: string) => {
    const parsed = parseGoTemplate(src, "t.tmpl", goFuncNames);
    checkGoFields({ root: parsed.root, defines: parsed.defines, file: "t.tmpl" }, { ...data, Sender: { ID: "s" } });
  };
  check("{{.User.Name}}{{with .User}}{{.Email}}{{end}}{{range .Rights}}{{.}}{{end}}{{$u := .User}}{{$u.ID}}{{(index .Rights 0)}}{{.TTL.Hours}}");
  const unknown: Array<[string, string]> = [
    ["{{.User.Nmae}}", "t.tmpl:1: unknown field Nmae in .User.Nmae; the fields of .User are: Email, ID, Name"],
    ["x\n{{if false}}{{.Nope}}{{end}}", "t.tmpl:2: unknown field Nope in .Nope; the fields of the data here are:"],
    ["{{with .User}}{{.Network}}{{end}}", "unknown field Network"],
    ["{{range .Rights}}{{.ID}}{{end}}", "unknown field ID"],
    ["{{$u := .User}}{{$u.Phone}}", "unknown field Phone in $u.Phone"],
    ['{{define "t"}}{{.Missing}}{{end}}{{template "t" .}}', "unknown field Missing"],
    ['{{template "nope" .}}', 'no such template "nope"'],
    ["{{.Sender.Name}}", "unknown field Name in .Sender.Name"],
  ];
  for (const [src, want] of unknown) assert.throws(() => check(src), (err: Error) => err.message.includes(want), `${src} -> ${want}`);
});

test.run();
