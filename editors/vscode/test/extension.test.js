// The extension's code with a stand-in for the `vscode` module (the real one exists only
// inside VS Code): activation starts `specpy lsp` and registers the commands package.json
// declares, "Check this spec" runs a real `specpy check` (SPECPY_PYTHON, default
// python3, must be able to `-m specpy`) and reports its exit code in the output panel,
// and "Open HTML report" opens the report `specpy check --html` wrote.
"use strict";

const assert = require("assert");
const Module = require("module");
const path = require("path");

const ROOT = path.resolve(__dirname, "..", "..", "..");
const PYTHON = process.env.SPECPY_PYTHON || "python3";
const registered = {};
const panel = [];
let started = null;
let editor = null;
const opened = [];

const vscodeStub = {
  workspace: {
    getConfiguration: () => ({
      get: (key, fallback) => ({ command: [PYTHON, "-m", "specpy"], checkArguments: [] })[key] ?? fallback,
    }),
  },
  window: {
    get activeTextEditor() {
      return editor;
    },
    createOutputChannel: () => ({
      append: (s) => panel.push(s),
      appendLine: (s) => panel.push(s + "\n"),
      clear: () => panel.splice(0),
      show: () => {},
      dispose: () => {},
    }),
    showErrorMessage: (m) => panel.push(`error: ${m}\n`),
  },
  commands: { registerCommand: (name, fn) => ((registered[name] = fn), { dispose() {} }) },
  env: { openExternal: async (uri) => (opened.push(uri.fsPath), true) },
  Uri: { file: (p) => ({ fsPath: p }) },
};
class LanguageClientStub {
  constructor(id, name, serverOptions, clientOptions) {
    started = { id, serverOptions, clientOptions };
  }
  start() {
    return Promise.resolve();
  }
  stop() {
    return Promise.resolve();
  }
}
const stubs = { vscode: vscodeStub, "vscode-languageclient/node": { LanguageClient: LanguageClientStub, TransportKind: { stdio: 0 } } };
const load = Module._load;
Module._load = function (request, ...rest) {
  return request in stubs ? stubs[request] : load.call(this, request, ...rest);
};

async function main() {
  const extension = require("../extension.js");
  const manifest = require("../package.json");
  extension.activate({ subscriptions: [] });
  assert.deepStrictEqual(started.serverOptions.args, ["-m", "specpy", "lsp"]);
  assert.strictEqual(started.serverOptions.command, PYTHON);
  assert.deepStrictEqual(
    Object.keys(registered).sort(),
    manifest.contributes.commands.map((c) => c.command).sort(),
  );
  const spec = path.join(ROOT, "specs", "diehard.spec");
  editor = { document: { languageId: "specpy", isUntitled: false, save: async () => true, uri: { fsPath: spec } } };
  await registered["specpy.check"]();
  const text = panel.join("");
  assert.ok(text.includes("Invariant NotSolved violated."), text);
  assert.ok(text.includes("exit 12: invariant violated"), text);
  await registered["specpy.openReport"]();
  assert.strictEqual(opened.length, 1, panel.join(""));
  const html = require("fs").readFileSync(opened[0], "utf8");
  assert.ok(html.includes("<html") && html.includes("NotSolved"), opened[0]);
  console.log("extension: activation, `specpy: Check this spec` and `specpy: Open HTML report` work");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
