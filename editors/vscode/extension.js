// The specpy extension: the language server (`specpy lsp`) and two commands.
// Highlighting and brackets are declarative (package.json, syntaxes/, language-configuration.json).
"use strict";

const childProcess = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

// specpy's exit codes (README, "Exit codes"), for the line after a check.
const EXITS = {
  0: "no violation",
  11: "deadlock",
  12: "invariant violated",
  13: "liveness violated",
  14: "assertion failed",
  75: "evaluation error",
  150: "the spec does not parse or typecheck",
  151: "bad option",
  152: "stopped by a limit",
  153: "internal or system error",
};

let client;
let output;

/** The configured specpy command: the program, then its leading arguments. */
function specpyCommand() {
  const command = vscode.workspace.getConfiguration("specpy").get("command", ["specpy"]);
  return Array.isArray(command) && command.length > 0 ? command : ["specpy"];
}

function activate(context) {
  const [program, ...leading] = specpyCommand();
  const serverOptions = {
    command: program,
    args: [...leading, "lsp"], // TransportKind.stdio adds --stdio, which `specpy lsp` accepts
    transport: TransportKind.stdio,
  };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "specpy" },
      { scheme: "untitled", language: "specpy" },
    ],
    outputChannelName: "specpy language server",
  };
  client = new LanguageClient("specpy", "specpy", serverOptions, clientOptions);
  client.start().catch((error) => {
    vscode.window.showErrorMessage(
      `specpy: could not start \`${[program, ...leading, "lsp"].join(" ")}\` (${error.message}). ` +
        "Install it with pip install 'specpy-mc[lsp]', or set specpy.command.",
    );
  });
  output = vscode.window.createOutputChannel("specpy");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("specpy.check", () => check()),
    vscode.commands.registerCommand("specpy.openReport", () => openReport()),
  );
}

function deactivate() {
  return client ? client.stop() : undefined;
}

/** The active spec's path, saved first; undefined (with a message) if there is none. */
async function activeSpec() {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "specpy") {
    vscode.window.showErrorMessage("specpy: open a .spec file first");
    return undefined;
  }
  if (editor.document.isUntitled) {
    vscode.window.showErrorMessage("specpy: save the spec to a file first");
    return undefined;
  }
  await editor.document.save();
  return editor.document.uri.fsPath;
}

/** Run specpy with arguments (an argument list, no shell), its output into the panel; the exit code. */
function runSpecpy(args, cwd) {
  const [program, ...leading] = specpyCommand();
  const all = [...leading, ...args];
  output.appendLine(`$ ${[program, ...all].join(" ")}`);
  return new Promise((resolve) => {
    const proc = childProcess.spawn(program, all, { cwd, shell: false });
    proc.stdout.on("data", (data) => output.append(data.toString()));
    proc.stderr.on("data", (data) => output.append(data.toString()));
    proc.on("error", (error) => {
      output.appendLine(`could not run ${program}: ${error.message} (set specpy.command)`);
      resolve(-1);
    });
    proc.on("close", (code) => resolve(code));
  });
}

function extraArguments() {
  const extra = vscode.workspace.getConfiguration("specpy").get("checkArguments", []);
  return Array.isArray(extra) ? extra : [];
}

async function check() {
  const spec = await activeSpec();
  if (!spec) return;
  output.clear();
  output.show(true);
  const code = await runSpecpy(["check", spec, ...extraArguments()], path.dirname(spec));
  output.appendLine(`\nexit ${code}: ${EXITS[code] || "see README, Exit codes"}`);
}

async function openReport() {
  const spec = await activeSpec();
  if (!spec) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "specpy-report-"));
  const report = path.join(dir, path.basename(spec, ".spec") + ".html");
  output.clear();
  output.show(true);
  const code = await runSpecpy(["check", spec, "--html", report, ...extraArguments()], path.dirname(spec));
  output.appendLine(`\nexit ${code}: ${EXITS[code] || "see README, Exit codes"}`);
  if (fs.existsSync(report)) {
    await vscode.env.openExternal(vscode.Uri.file(report));
  } else {
    vscode.window.showErrorMessage("specpy: no report was written; the output panel says why");
  }
}

module.exports = { activate, deactivate };
