// Table tests for google.api.http path templates: parse (canonical form, flat
// pattern, captured field paths), match, non-match, and malformed templates.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compareSpecificity, formatPathTemplate, matchPathTemplate, parsePathTemplate } from "../../src/gateway/path-template.js";

/** The flattened template as a pattern string: "/a/*\/**:verb". */
function pattern(source: string): string {
  const t = parsePathTemplate(source);
  const seg = t.matchers.map((m) => (m.kind === "literal" ? m.value : m.kind === "wildcard" ? "*" : "**"));
  return "/" + seg.join("/") + (t.verb !== undefined ? ":" + t.verb : "");
}

const parseCases: Array<{ src: string; canonical: string; pattern: string; vars: string[] }> = [
  { src: "/foo", canonical: "/foo", pattern: "/foo", vars: [] },
  { src: "/foo/bar/baz/buzz", canonical: "/foo/bar/baz/buzz", pattern: "/foo/bar/baz/buzz", vars: [] },
  { src: "/applications", canonical: "/applications", pattern: "/applications", vars: [] },
  { src: "/foo/bar/{name}", canonical: "/foo/bar/{name=*}", pattern: "/foo/bar/*", vars: ["name"] },
  { src: "/foo/{name}/baz/{child}", canonical: "/foo/{name=*}/baz/{child=*}", pattern: "/foo/*/baz/*", vars: ["name", "child"] },
  {
    src: "/foo/{name}/baz/{child.id}/buzz/{child.thing.id}",
    canonical: "/foo/{name=*}/baz/{child.id=*}/buzz/{child.thing.id=*}",
    pattern: "/foo/*/baz/*/buzz/*",
    vars: ["name", "child.id", "child.thing.id"],
  },
  { src: "/foo/*/{thing.id}/{cat=**}", canonical: "/foo/*/{thing.id=*}/{cat=**}", pattern: "/foo/*/*/**", vars: ["thing.id", "cat"] },
  { src: "/foo/*/{thing.id}/{cat=**}:do", canonical: "/foo/*/{thing.id=*}/{cat=**}:do", pattern: "/foo/*/*/**:do", vars: ["thing.id", "cat"] },
  { src: "/v1/{name=projects/*/things/*}", canonical: "/v1/{name=projects/*/things/*}", pattern: "/v1/projects/*/things/*", vars: ["name"] },
  {
    src: "/foo/bob/{book_id={author}/{isbn}/*}/details",
    canonical: "/foo/bob/{book_id={author=*}/{isbn=*}/*}/details",
    pattern: "/foo/bob/*/*/*/details",
    vars: ["book_id", "author", "isbn"],
  },
  { src: "/**", canonical: "/**", pattern: "/**", vars: [] },
  { src: "/*", canonical: "/*", pattern: "/*", vars: [] },
  { src: "/a/**:verb", canonical: "/a/**:verb", pattern: "/a/**:verb", vars: [] },
  { src: "/v1:batchGet", canonical: "/v1:batchGet", pattern: "/v1:batchGet", vars: [] },
  { src: "/a%20b/c", canonical: "/a%20b/c", pattern: "/a b/c", vars: [] },
  { src: "/a-b.c_d~e/f!$&'()+,;@", canonical: "/a-b.c_d~e/f!$&'()+,;@", pattern: "/a-b.c_d~e/f!$&'()+,;@", vars: [] },
  { src: "/users/{_x9.Y_}", canonical: "/users/{_x9.Y_=*}", pattern: "/users/*", vars: ["_x9.Y_"] },
  {
    src: "/users/{collaborator.user_ids.user_id}/applications",
    canonical: "/users/{collaborator.user_ids.user_id=*}/applications",
    pattern: "/users/*/applications",
    vars: ["collaborator.user_ids.user_id"],
  },
  {
    src: "/applications/{application_ids.application_id}/collaborator/user/{collaborator.user_ids.user_id}",
    canonical: "/applications/{application_ids.application_id=*}/collaborator/user/{collaborator.user_ids.user_id=*}",
    pattern: "/applications/*/collaborator/user/*",
    vars: ["application_ids.application_id", "collaborator.user_ids.user_id"],
  },
];

for (const c of parseCases) {
  test(`parse ${c.src}`, () => {
    const t = parsePathTemplate(c.src);
    assert.is(formatPathTemplate(t), c.canonical);
    assert.is(pattern(c.src), c.pattern);
    assert.equal(
      t.captures.map((x) => x.fieldPath),
      c.vars,
    );
    // The canonical form parses to the same template.
    assert.is(formatPathTemplate(parsePathTemplate(c.canonical)), c.canonical);
  });
}

const malformed: Array<{ src: string; error: RegExp }> = [
  { src: "", error: /column 1: expected "\/", got end of template/ },
  { src: "foo/bar", error: /column 1: expected "\/", got "f"/ },
  { src: "/", error: /column 2: expected a segment/ },
  { src: "/foo/bar/", error: /column 10: expected a segment/ },
  { src: "//foo", error: /column 2: expected a segment/ },
  { src: "/foo/bar/baz?abc=def", error: /column 13: expected "\/", ":" or end of template, got "\?"/ },
  { src: "/foo/bar/baz buzz", error: /column 13: .*got " "/ },
  { src: "/foo/bar#x", error: /column 9: .*got "#"/ },
  { src: "/foo/bar:baz/buzz", error: /column 13: expected end of template, got "\/"/ },
  { src: "/foo/bar:", error: /column 10: expected a verb/ },
  { src: "/foo/{bar/baz}/buzz", error: /column 10: expected "}", got "\/"/ },
  { src: "/foo/{bar", error: /column 10: expected "}", got end of template/ },
  { src: "/foo/{}", error: /column 7: expected a field name/ },
  { src: "/foo/{a.}", error: /column 9: expected a field name/ },
  { src: "/foo/{1a}", error: /column 7: expected a field name/ },
  { src: "/foo/{a-b}", error: /column 8: expected "}"/ },
  { src: "/foo/{a=}", error: /column 9: expected a segment/ },
  { src: "/foo/{a=b/}", error: /column 11: expected a segment/ },
  { src: "/foo/{a}{b}", error: /column 9: .*got "\{"/ },
  { src: "/foo/bar}", error: /column 9: .*got "}"/ },
  { src: "/foo/bar*", error: /column 9: .*got "\*"/ },
  { src: "/foo/*bar", error: /column 7: .*got "b"/ },
  { src: "/foo/bar/***", error: /column 12: .*got "\*"/ },
  { src: "/foo/a=b", error: /column 7: .*got "="/ },
  { src: "/foo/bar%5", error: /column 10: expected two hex digits after "%"/ },
  { src: "/foo/bar%zz", error: /column 10: expected two hex digits after "%"/ },
  { src: "/foo/**/bar", error: /"\*\*" must be the last segment/ },
  { src: "/foo/{a=**}/bar", error: /"\*\*" must be the last segment/ },
  { src: "/foo/**/{a}", error: /"\*\*" must be the last segment/ },
  { src: "/foo/{a}/{a}", error: /field `a` is captured twice/ },
  { src: "/foo/{a={a}}", error: /field `a` is captured twice/ },
];

for (const c of malformed) {
  test(`malformed ${JSON.stringify(c.src)}`, () => {
    try {
      parsePathTemplate(c.src);
    } catch (err) {
      assert.instance(err, Error);
      const msg = (err as Error).message;
      assert.ok(msg.startsWith(`invalid path template ${JSON.stringify(c.src)}`), msg);
      assert.match(msg, c.error);
      return;
    }
    assert.unreachable(`${c.src} parsed`);
  });
}

const matches: Array<{ tpl: string; path: string; want: Record<string, string> | null }> = [
  { tpl: "/foo", path: "/foo", want: {} },
  { tpl: "/foo", path: "/foo/", want: null },
  { tpl: "/foo", path: "/fo", want: null },
  { tpl: "/foo", path: "/foo/bar", want: null },
  { tpl: "/foo", path: "foo", want: null },
  { tpl: "/applications/{application_id}", path: "/applications/app-1", want: { application_id: "app-1" } },
  { tpl: "/applications/{application_id}", path: "/applications/", want: null },
  { tpl: "/applications/{application_id}", path: "/applications", want: null },
  { tpl: "/applications/{application_id}", path: "/applications/a/b", want: null },
  { tpl: "/applications/{application_id}", path: "/applications//", want: null },
  // A %2F in a one-segment variable is a value, not a separator.
  { tpl: "/applications/{application_id}", path: "/applications/a%2Fb", want: { application_id: "a/b" } },
  { tpl: "/applications/{application_id}", path: "/applications/caf%C3%A9%20x", want: { application_id: "café x" } },
  { tpl: "/applications/{application_id}", path: "/applications/a+b", want: { application_id: "a+b" } },
  { tpl: "/applications/{application_id}", path: "/applications/%zz", want: null },
  { tpl: "/applications/{application_id}", path: "/applications/%E0%A4%A", want: null },
  { tpl: "/applications/{application_id}", path: "/applications/a:b", want: { application_id: "a:b" } },
  { tpl: "/a%20b/{x}", path: "/a%20b/1", want: { x: "1" } },
  { tpl: "/a%20b/{x}", path: "/a b/1", want: { x: "1" } },
  { tpl: "/lit/{x}", path: "/%6Cit/1", want: { x: "1" } },
  {
    tpl: "/applications/{application_ids.application_id}/collaborator/user/{collaborator.user_ids.user_id}",
    path: "/applications/app/collaborator/user/usr",
    want: { "application_ids.application_id": "app", "collaborator.user_ids.user_id": "usr" },
  },
  {
    tpl: "/applications/{application_ids.application_id}/collaborator/user/{collaborator.user_ids.user_id}",
    path: "/applications/app/collaborator/organization/usr",
    want: null,
  },
  { tpl: "/foo/*", path: "/foo/x", want: {} },
  { tpl: "/foo/*", path: "/foo/", want: null },
  { tpl: "/foo/**", path: "/foo", want: {} },
  { tpl: "/foo/**", path: "/foo/a/b/c", want: {} },
  { tpl: "/foo/{rest=**}", path: "/foo/a/b%2Fc/d%20e", want: { rest: "a/b%2Fc/d e" } },
  { tpl: "/foo/{rest=**}", path: "/foo/a", want: { rest: "a" } },
  { tpl: "/foo/{rest=**}", path: "/foo", want: { rest: "" } },
  { tpl: "/foo/{rest=**}", path: "/bar/a", want: null },
  { tpl: "/v1/{name=projects/*/things/*}", path: "/v1/projects/p1/things/t%2F1", want: { name: "projects/p1/things/t%2F1" } },
  { tpl: "/v1/{name=projects/*/things/*}", path: "/v1/projects/p1/widgets/t1", want: null },
  {
    tpl: "/foo/bob/{book_id={author}/{isbn}/*}/details",
    path: "/foo/bob/jane/123/x/details",
    want: { book_id: "jane/123/x", author: "jane", isbn: "123" },
  },
  { tpl: "/v1/{name}:cancel", path: "/v1/op1:cancel", want: { name: "op1" } },
  { tpl: "/v1/{name}:cancel", path: "/v1/op1:cance", want: null },
  { tpl: "/v1/{name}:cancel", path: "/v1/op1", want: null },
  { tpl: "/v1/{name}:cancel", path: "/v1/:cancel", want: null },
  { tpl: "/v1/{name}:cancel", path: "/v1/a:b:cancel", want: { name: "a:b" } },
  { tpl: "/v1/{name}:cancel", path: "/v1/op1%3Acancel", want: null },
  { tpl: "/v1/{name=**}:undelete", path: "/v1/a/b/c:undelete", want: { name: "a/b/c" } },
  { tpl: "/v1:batchGet", path: "/v1:batchGet", want: {} },
  { tpl: "/v1:batchGet", path: "/v1", want: null },
];

for (const c of matches) {
  test(`match ${c.tpl} against ${c.path}`, () => {
    assert.equal(matchPathTemplate(parsePathTemplate(c.tpl), c.path), c.want);
  });
}

test("specificity: literals outrank variables, variables outrank **, exact outranks ** matching nothing", () => {
  const order = [
    "/applications/{id}/rights",
    "/applications/{id}/**",
    "/applications/search",
    "/applications/{id}",
    "/applications",
    "/applications/**",
    "/{any}/search",
    "/**",
  ].map(parsePathTemplate);
  const sorted = [...order].sort(compareSpecificity).map((t) => t.source);
  assert.equal(sorted, [
    "/applications/search",
    "/applications/{id}/rights",
    "/applications/{id}",
    "/applications/{id}/**",
    "/applications",
    "/applications/**",
    "/{any}/search",
    "/**",
  ]);
});

test.run();
