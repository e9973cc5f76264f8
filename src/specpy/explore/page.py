"""The explorer's page: one HTML document whose script drives the JSON API (server.py).

It draws with the report's stylesheet and shows the report's message
sequence chart (trace/msc_svg.py, rendered by the server, every trace text
escaped there); everything else the script writes with textContent, never as
HTML built from spec or trace text. Elements carry ids and data attributes
(`button.move[data-label]`, `#history li[data-index]`, `#invariants
li[data-invariant]`) that the browser test (tests/explore/) uses.
"""

from __future__ import annotations

import secrets
from html import escape

from specpy.trace.html import stylesheet


def page(title: str) -> tuple[str, str]:
    """The page's HTML and the nonce its script runs under (the server's CSP names it)."""
    nonce = secrets.token_urlsafe(16)
    html = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)} — specpy explore</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{stylesheet()}{_CSS}</style></head>\n<body>\n{_BODY}\n"
        f'<script nonce="{nonce}">{_SCRIPT}</script>\n</body></html>\n'
    )
    return html, nonce


_BODY = """
<header><h1 id="title">specpy explore</h1><p id="message" class="hint"></p></header>
<div class="explore">
<nav id="controls">
  <h2>Enabled steps</h2>
  <p id="notes"></p>
  <div id="moves"></div>
  <h2>Random walk</h2>
  <p class="walk"><label>steps <input id="walk-steps" type="number" min="1" value="20"></label>
  <label>seed <input id="walk-seed" type="number" value="0"></label>
  <button id="walk">walk</button></p>
  <h2>Trace</h2>
  <p><button id="back" title="back (←)">◀ back</button> <button id="forward" title="forward (→)">forward ▶</button>
  <a id="download" download>download as ITF</a></p>
  <p><label>open an ITF trace <input id="upload" type="file" accept=".json,application/json"></label></p>
  <p id="restart-row"><label>restart from initial state <select id="initial"></select></label>
  <button id="restart">restart</button></p>
  <ol id="history"></ol>
</nav>
<main>
  <section><h2>Message sequence chart</h2><div id="chart" class="chart"></div><p id="nochart" class="nochart"></p></section>
  <section><h2>Ask</h2>
  <form id="ask-form"><input id="question" autocomplete="off" spellcheck="false"
    placeholder="any expression of the spec, e.g. log[s1] or exists s in Server: role[s] == Leader">
  <button id="ask">evaluate</button></form>
  <pre id="answer"></pre></section>
</main>
<aside id="state"><h2 id="state-title">State</h2><dl id="state-vars"></dl>
  <h2>Invariants</h2><ul id="invariants"></ul></aside>
</div>
"""

_CSS = """
.explore{display:grid;grid-template-columns:minmax(260px,24%) 1fr 340px;gap:14px;align-items:start}
nav#controls{max-height:92vh;overflow:auto}
#moves button.move{display:block;width:100%;text-align:left;margin:2px 0;padding:4px 8px;border:1px solid #c9d2e3;
  border-radius:5px;background:#f5f8ff;cursor:pointer;font:12px ui-monospace,Menlo,Consolas,monospace}
#moves button.move:hover{background:#dbe8ff}#moves button.move.fault{background:#fff4e0;border-color:#e8b35a}
#moves button.move .tag{font:10px system-ui,sans-serif;color:#b45309;margin-left:6px}#moves button.move .choice{color:#555}
#moves button.move .chg{display:block;color:#666;font-size:11px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
#moves button.move[disabled]{background:#fdecec;color:#8b1a1a;cursor:not-allowed}
#history{font-size:12px;padding-left:2.2em;margin:4px 0}#history li{cursor:pointer;padding:1px 4px;border-radius:3px}
#history li.current{background:#dbe8ff;font-weight:600}#history li.ahead{color:#999}#history li.fault{color:#b45309}
#notes{color:#6b4d00}.walk input{width:5em}
#invariants{list-style:none;padding:0;font-size:13px}#invariants li{margin:4px 0}
#invariants .ok{color:#1b5e2c}#invariants .bad{color:#a11;font-weight:600}#invariants .err{color:#6b4d00}
#invariants .detail{display:block;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:11px;color:#555}
#invariants button{font-size:11px;margin-left:4px}
#question{width:70%;font:13px ui-monospace,Menlo,Consolas,monospace;padding:4px}
#answer{font:12px ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;background:#f7f8fa;padding:6px;border-radius:4px;min-height:1.5em}
#answer.error{background:#fdecec;color:#8b1a1a}
aside#state{position:sticky;top:8px}
body.busy,body.busy button{cursor:progress}
"""

# Every text from the server goes through textContent; the chart is the
# server's escaped SVG.
_SCRIPT = """
(function(){
const token = new URLSearchParams(location.search).get('token') || '';
const $ = id => document.getElementById(id);
let view = null;
async function call(path, body){
  const opts = body === undefined ? {headers: {'X-Specpy-Token': token}}
    : {method: 'POST', headers: {'X-Specpy-Token': token, 'Content-Type': 'application/json'}, body: JSON.stringify(body)};
  const r = await fetch(path, opts);
  const data = await r.json();
  if (!r.ok && data.view === undefined) { $('message').textContent = 'error: ' + data.error; return null; }
  return data;
}
async function act(path, body){
  document.body.classList.add('busy');
  const data = await call(path, body);
  document.body.classList.remove('busy');
  if (data) show(data.view || data);
  if (data && asked !== null) ask(asked);
}
function el(tag, cls, text){ const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
function show(v){
  view = v;
  $('title').textContent = v.spec + ' — ' + v.source;
  $('message').textContent = v.message;
  $('notes').textContent = v.notes.join('; ');
  const moves = $('moves'); moves.replaceChildren();
  if (!v.moves.length) moves.append(el('p', 'hint', 'No step is enabled in this state.'));
  v.moves.forEach((m, i) => {
    const b = el('button', 'move' + (m.fault ? ' fault' : ''));
    b.dataset.label = m.label; b.dataset.index = i;
    b.append(el('span', 'label', m.label));
    if (m.choice) b.append(el('span', 'tag choice', m.choice));
    if (m.fault) b.append(el('span', 'tag', 'fault'));
    if (m.error) { b.disabled = true; b.title = m.error; b.append(el('span', 'chg', m.error)); }
    else { b.title = m.changes.join('\\n'); b.append(el('span', 'chg', m.changes.join('; '))); }
    b.addEventListener('click', () => act('/api/step', {index: i}));
    moves.append(b);
  });
  const hist = $('history'); hist.replaceChildren();
  v.history.forEach((h, i) => {
    const li = el('li', (i === v.cursor ? 'current' : i > v.cursor ? 'ahead' : '') + (h.fault ? ' fault' : ''), h.label);
    li.dataset.index = i;
    li.addEventListener('click', () => act('/api/goto', {index: i}));
    hist.append(li);
  });
  $('back').disabled = v.cursor === 0;
  $('forward').disabled = v.cursor >= v.history.length - 1;
  $('download').href = '/api/itf?token=' + encodeURIComponent(token);
  const sel = $('initial');
  if (sel.options.length !== v.initial_states) {
    sel.replaceChildren();
    for (let i = 0; i < v.initial_states; i++) { const o = el('option', '', String(i + 1)); o.value = i; sel.append(o); }
  }
  const chart = $('chart');
  chart.innerHTML = v.chart.svg;  // the server's SVG: every trace text escaped (trace/msc_svg.py)
  chart.hidden = !v.chart.svg;
  $('nochart').textContent = v.chart.why;
  chart.querySelectorAll('g.row').forEach(g => {
    if (Number(g.dataset.state) === v.cursor) g.classList.add('selected');
    g.addEventListener('click', () => act('/api/goto', {index: Number(g.dataset.state)}));
  });
  const rows = chart.querySelector('g.row.selected'); if (rows) rows.scrollIntoView({block: 'nearest'});
  $('state-title').textContent = 'State ' + (v.cursor + 1) + ': ' + v.history[v.cursor].label;
  const dl = $('state-vars'); dl.replaceChildren();
  for (const [name, value, changed] of v.vars) {
    const dt = el('dt', changed ? 'changed' : '', name), dd = el('dd', changed ? 'changed' : '', value);
    dl.append(dt, dd);
  }
  const invs = $('invariants'); invs.replaceChildren();
  for (const r of v.invariants) {
    const li = el('li'); li.dataset.invariant = r.name;
    li.dataset.holds = r.holds === null ? 'error' : String(r.holds);
    const mark = r.holds === true ? el('span', 'ok', '✓ ' + r.name) : r.holds === false ? el('span', 'bad', '✗ ' + r.name + ' violated')
      : el('span', 'err', '? ' + r.name);
    li.append(mark);
    const b = el('button', 'shortest', 'shortest path to a violation');
    b.addEventListener('click', () => act('/api/shortest', {invariant: r.name}));
    li.append(b);
    if (r.holds === false) li.append(el('span', 'detail', (r.detail || 'false') + ' — ' + r.location));
    if (r.error) li.append(el('span', 'detail', r.error));
    invs.append(li);
  }
}
$('back').addEventListener('click', () => view && act('/api/goto', {index: view.cursor - 1}));
$('forward').addEventListener('click', () => view && act('/api/goto', {index: view.cursor + 1}));
$('restart').addEventListener('click', () => act('/api/restart', {initial: Number($('initial').value)}));
$('upload').addEventListener('change', async () => {
  const f = $('upload').files[0];
  if (!f) return;
  await act('/api/load', {name: f.name, text: await f.text()});
  $('upload').value = '';
});
$('walk').addEventListener('click', () => act('/api/walk', {steps: Number($('walk-steps').value), seed: Number($('walk-seed').value)}));
let asked = null;  // the last question: asked again in every state shown
async function ask(text){
  asked = text;
  const a = await call('/api/ask', {expression: text});
  if (!a) return;
  const out = $('answer');
  out.className = a.error ? 'error' : '';
  out.textContent = a.error ? a.error : a.value + '    : ' + a.type;
}
$('ask-form').addEventListener('submit', ev => { ev.preventDefault(); ask($('question').value); });
document.addEventListener('keydown', ev => {
  if (!view || ev.target.tagName === 'INPUT') return;
  if (ev.key === 'ArrowLeft' && view.cursor > 0) act('/api/goto', {index: view.cursor - 1});
  if (ev.key === 'ArrowRight' && view.cursor < view.history.length - 1) act('/api/goto', {index: view.cursor + 1});
});
act('/api/view');
})();
"""
