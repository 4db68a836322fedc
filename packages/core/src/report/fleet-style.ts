/** The fleet page's style sheet: light, system fonts only (the page loads nothing), printable. */
export const FLEET_CSS = `
:root {
  color-scheme: light;
  --ink: #1d2330; --muted: #5f6b7a; --line: #dde2e8; --paper: #fff; --page: #f3f5f8;
  --complete: #1f9254; --partial: #d08700; --failed: #d23c32; --damaged: #7b3fb8;
  --stale: #c62828; --stale-bg: #fdecea; --fresh-bg: #e6f4ea; --own: #2458c6;
}
* { box-sizing: border-box; }
body {
  margin: 0; padding: 24px; background: var(--page); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main, header, footer { max-width: 1180px; margin: 0 auto; }
h1 { margin: 0; font-size: 24px; }
h2 { margin: 0; font-size: 18px; }
h3 { margin: 0; font-size: 16px; display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
code { font: 12.5px ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.meta, .where, footer { color: var(--muted); }
.meta { margin: 4px 0 16px; }
.stats { display: flex; flex-wrap: wrap; gap: 10px; margin-bottom: 16px; }
.stat { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; }
.stat b { display: block; font-size: 22px; }
.stat.bad { border-color: var(--stale); background: var(--stale-bg); color: var(--stale); }
.stat.good { border-color: var(--complete); background: var(--fresh-bg); color: var(--complete); }
.problems { background: var(--stale-bg); border: 1px solid #f3b9b3; border-radius: 8px; padding: 10px 16px; margin-bottom: 16px; }
.problems h2 { font-size: 15px; color: var(--stale); }
.problems ul { margin: 6px 0 0; padding-left: 20px; }
.target { margin: 24px 0; }
.target > header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 12px; margin-bottom: 8px; }
.plugin { font-size: 12px; color: var(--muted); border: 1px solid var(--line); border-radius: 10px; padding: 0 8px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; color: var(--muted); font-size: 12.5px; margin: 4px 0 10px; }
.key { display: inline-flex; align-items: center; gap: 5px; }
.host {
  display: grid; grid-template-columns: minmax(280px, 5fr) 8fr; gap: 8px 20px; align-items: start;
  background: var(--paper); border: 1px solid var(--line); border-left: 6px solid var(--complete);
  border-radius: 8px; padding: 12px 16px; margin-bottom: 10px; box-shadow: 0 1px 2px rgb(0 0 0 / 4%);
}
.host.stale { border-left-color: var(--stale); background: linear-gradient(90deg, var(--stale-bg), var(--paper) 40%); }
@media (max-width: 800px) { .host { grid-template-columns: 1fr; } }
.badge { font-size: 11.5px; font-weight: 700; letter-spacing: .04em; border-radius: 4px; padding: 1px 7px; }
.badge.stale { background: var(--stale); color: #fff; }
.badge.fresh { background: var(--fresh-bg); color: var(--complete); }
.badge.own { background: #e8eefb; color: var(--own); font-weight: 600; letter-spacing: 0; }
.why { color: var(--stale); font-size: 12.5px; margin: 2px 0 0; }
.error { color: var(--stale); background: var(--stale-bg); border-radius: 6px; padding: 6px 10px; margin: 6px 0 0;
  white-space: pre-wrap; overflow-wrap: anywhere; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
.age { font-weight: 600; }
.when { color: var(--muted); font-size: 12.5px; white-space: nowrap; }
.sources { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px; }
.sources li { border: 1px solid var(--line); border-radius: 4px; padding: 0 6px; font-size: 12.5px; }
.status { font-weight: 600; }
.status.ok, .state.complete, .outcome.success { color: var(--complete); }
.status.partial, .state.partial { color: var(--partial); }
.status.failed, .state.failed, .outcome.failure { color: var(--failed); }
.state.damaged { color: var(--damaged); }
.state, .outcome { font-weight: 600; }
.none { color: var(--stale); font-weight: 600; }
.chart { width: 100%; height: auto; display: block; }
.grid { stroke: #eceff3; }
.now { stroke: #9aa5b1; stroke-dasharray: 3 3; }
.base { stroke: #c3cad3; }
.window { fill: #e9f6ee; }
.tick, .scale { fill: var(--muted); font-size: 11px; }
.b.complete { fill: var(--complete); }
.b.partial { fill: var(--partial); }
.b.damaged { fill: var(--damaged); }
.b.failed path { fill: none; stroke: var(--failed); stroke-width: 2.2; stroke-linecap: round; }
.b rect { opacity: .55; }
.b:hover { opacity: .7; }
footer { font-size: 12px; margin-top: 24px; }
@media print {
  body { background: #fff; padding: 0; }
  .host { box-shadow: none; break-inside: avoid; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
`;
