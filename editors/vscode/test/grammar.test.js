// The TextMate grammar against snapshots of token scopes, for every spec in specs/.
//
// Each spec is tokenized as VS Code does it (vscode-textmate with the oniguruma
// regex engine VS Code ships, vscode-oniguruma) and compared with
// test/snapshots/<spec>.scopes: one line per token that has a scope beyond the
// file's, `line:column text scope` (the innermost scope; no text for a comment,
// no brackets and separators). After a deliberate
// change to the grammar: UPDATE_SNAPSHOTS=1 npm test, and review the diff.
// A few properties are also checked directly, so that a snapshot taken from a
// broken grammar cannot pass unnoticed.
"use strict";

const fs = require("fs");
const path = require("path");
const assert = require("assert");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const ROOT = path.resolve(__dirname, "..", "..", "..");
const SPECS = path.join(ROOT, "specs");
const SNAPSHOTS = path.join(__dirname, "snapshots");
const GRAMMAR = path.join(__dirname, "..", "syntaxes", "specpy.tmLanguage.json");
const UPDATE = process.env.UPDATE_SNAPSHOTS === "1";

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === "source.specpy" ? vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, "utf8"), GRAMMAR) : null,
  });
  return registry.loadGrammar("source.specpy");
}

/** Every token of a text: [line (1-based), column (1-based), text, scopes]. */
function tokenize(grammar, text) {
  const out = [];
  let stack = vsctm.INITIAL;
  text.split("\n").forEach((line, i) => {
    const result = grammar.tokenizeLine(line, stack);
    for (const t of result.tokens) {
      out.push([i + 1, t.startIndex + 1, line.slice(t.startIndex, t.endIndex), t.scopes]);
    }
    stack = result.ruleStack;
  });
  return out;
}

function snapshotText(tokens) {
  // Brackets and separators (punctuation.*) are left out, and a comment's text: they are many
  // and say little; the properties below check comments.
  return tokens
    .filter(([, , text, scopes]) => scopes.length > 1 && text.trim() !== "")
    .filter(([, , , scopes]) => !scopes[scopes.length - 1].startsWith("punctuation."))
    .map(([line, column, text, scopes]) => {
      const inner = scopes[scopes.length - 1];
      return inner.startsWith("comment.") ? `${line}:${column} ${inner}` : `${line}:${column} ${text} ${inner}`;
    })
    .join("\n") + "\n";
}

/** Properties any correct highlighting has, checked on every spec. */
function checkProperties(name, text, tokens) {
  const lines = text.split("\n");
  for (const [line, column, tok, scopes] of tokens) {
    const inner = scopes[scopes.length - 1];
    const before = lines[line - 1].slice(0, column - 1);
    if (tok.trim() === "") continue;
    if (/^\s*#/.test(lines[line - 1])) {
      // a whole-line comment is one comment, nothing inside it highlighted as code
      assert.ok(scopes.some((s) => s.startsWith("comment.")), `${name}:${line}:${column} \`${tok}\` in a comment is ${inner}`);
    }
    if (/^(action|invariant|require|forall|exists|type|var|const|def)$/.test(tok) && !before.includes("#")) {
      assert.ok(/^(storage|keyword)\./.test(inner), `${name}:${line}:${column} keyword \`${tok}\` is ${inner}`);
    }
    if (/^[0-9]+$/.test(tok) && !before.includes("#")) {
      assert.strictEqual(inner, "constant.numeric.integer.specpy", `${name}:${line}:${column} number \`${tok}\``);
    }
  }
}

async function main() {
  const grammar = await loadGrammar();
  const specs = fs.readdirSync(SPECS).filter((f) => f.endsWith(".spec")).sort();
  assert.ok(specs.length >= 30, `expected the 30 shipped specs, found ${specs.length}`);
  fs.mkdirSync(SNAPSHOTS, { recursive: true });
  const failures = [];
  for (const spec of specs) {
    const text = fs.readFileSync(path.join(SPECS, spec), "utf8");
    const tokens = tokenize(grammar, text);
    checkProperties(spec, text, tokens);
    const actual = snapshotText(tokens);
    const file = path.join(SNAPSHOTS, spec.replace(/\.spec$/, ".scopes"));
    if (UPDATE) {
      fs.writeFileSync(file, actual);
      continue;
    }
    if (!fs.existsSync(file)) {
      failures.push(`${spec}: no snapshot (UPDATE_SNAPSHOTS=1 npm test writes it)`);
      continue;
    }
    const expected = fs.readFileSync(file, "utf8");
    if (expected !== actual) {
      const a = actual.split("\n");
      const e = expected.split("\n");
      const i = a.findIndex((line, k) => line !== e[k]);
      failures.push(`${spec}: token ${i + 1} is \`${a[i]}\`, the snapshot has \`${e[i]}\``);
    }
  }
  if (failures.length) {
    console.error(failures.join("\n"));
    console.error(
      "A spec in specs/ was added or edited? Review and refresh the snapshots: " +
        "cd editors/vscode && npm ci --ignore-scripts && UPDATE_SNAPSHOTS=1 npm test && git diff test/snapshots",
    );
    process.exit(1);
  }
  console.log(`${specs.length} specs: token scopes ${UPDATE ? "written" : "match the snapshots"}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
