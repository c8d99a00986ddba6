// Module hook for the test run. uvu's reporter calls `err.details.split()`, and a
// ConnectError's `details` is an array: the reporter itself throws and the rest
// of the file's tests vanish from the count. We make it stringify instead.
export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (url.endsWith("/uvu/dist/index.mjs")) {
    const source = String(result.source);
    const patched = source.replace("details.split('\\n')", "String(details).split('\\n')");
    if (patched === source) throw new Error("uvu-hooks: uvu's reporter changed; update scripts/uvu-hooks.mjs");
    return { ...result, source: patched };
  }
  return result;
}
