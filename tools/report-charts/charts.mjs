// Renders the charts of a `modctl report` directory as SVG files with
// Vega-Lite (compiled to Vega, rendered headless: no browser, no network),
// links them from report.md under "## Charts", and writes report.html: the
// same report as one self-contained page (the Markdown rendered by marked,
// every chart inlined, the transparency summary after it when there is
// one), for people who don't run the tool. Its print style
// (A4, a page per community) is what pdf.sh prints to report.pdf.
//
//   node tools/report-charts/charts.mjs build/reports-demo/week
//
// Why Vega-Lite: a maintained, declarative grammar of graphics whose SVG
// renderer runs in plain Node, so charts come from the report's own CSV
// files and a spec, never from hand-written SVG strings. Per community (and
// for all communities): decisions per day (stacked bars), flagged and
// blocked share per category (grouped bars), and the weekday x hour heatmap.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { marked } from 'marked';

const OVERALL = '(all communities)';

// RFC 4180 CSV as written by modctl (quoted fields may hold commas and quotes).
function readCsv(path) {
  const rows = [];
  const text = readFileSync(path, 'utf8');
  let field = '', row = [], quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; ++i; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

const STYLE = `body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:0.5rem 0 1.5rem;font-size:0.85rem}
th,td{border:1px solid #ccc;padding:0.2rem 0.45rem}td{text-align:right}td:first-child{text-align:left}
h2{border-bottom:2px solid #444;margin-top:2.5rem}svg{max-width:100%;height:auto}
@page{size:A4;margin:14mm}
@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}h2{margin-top:0}
h2:not(:first-of-type),.transparency{break-before:page}.transparency h2{break-before:auto}h3,h4{break-after:avoid}figure,tr{break-inside:avoid}}`;

// One page, nothing outside it: the charts' <img> links become the SVGs.
function htmlPage(dir, markdown) {
  let body = marked.parse(markdown);
  body = body.replace(/<img src="([a-z0-9_.-]+\.svg)" alt="([^"]*)">/g, (whole, file, alt) => {
    const path = join(dir, file);
    if (!existsSync(path)) return whole;
    return `<figure role="img" aria-label="${alt}">${readFileSync(path, 'utf8')}</figure>`;
  });
  // With --dsa, the transparency summary follows the report.
  const transparency = join(dir, 'transparency.md');
  if (existsSync(transparency)) {
    body += `<section class="transparency">${marked.parse(readFileSync(transparency, 'utf8'))}</section>`;
  }
  const title = (markdown.match(/^# (.*)$/m) || [, 'Moderation report'])[1];
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
         `<style>${STYLE}</style></head><body>\n${body}</body></html>\n`;
}

function fileSafe(name) {
  return name === OVERALL ? 'all' : name.replace(/[^A-Za-z0-9_.-]/g, '_');
}

async function renderSvg(spec) {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

function volumeSpec(rows, title) {
  const values = rows.flatMap((r) => ['allow', 'flag', 'block'].map((d) => ({
    day: r.day, decision: d.toUpperCase(), posts: Number(r[d]) })));
  return {
    title, width: 480, height: 220, data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'day', type: 'ordinal', title: 'day (UTC)' },
      y: { field: 'posts', type: 'quantitative', stack: 'zero', title: 'posts' },
      color: { field: 'decision', type: 'nominal', sort: ['ALLOW', 'FLAG', 'BLOCK'],
               scale: { domain: ['ALLOW', 'FLAG', 'BLOCK'], range: ['#9ecae1', '#fdae6b', '#d62728'] } },
    },
  };
}

function categorySpec(rows, title) {
  const values = rows.flatMap((r) => [
    { category: r.category, decision: 'FLAG', share: Number(r.share_flagged) },
    { category: r.category, decision: 'BLOCK', share: Number(r.share_blocked) },
  ]);
  return {
    title, width: 480, height: 220, data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'category', type: 'nominal', title: null },
      yOffset: { field: 'decision', type: 'nominal' },
      x: { field: 'share', type: 'quantitative', axis: { format: '.1%' }, title: 'share of all posts' },
      color: { field: 'decision', type: 'nominal',
               scale: { domain: ['FLAG', 'BLOCK'], range: ['#fdae6b', '#d62728'] } },
    },
  };
}

function heatmapSpec(rows, title) {
  const values = rows.map((r) => ({ weekday: r.weekday, hour: Number(r.hour_utc), posts: Number(r.posts) }));
  return {
    title, width: 480, height: 160, data: { values },
    mark: 'rect',
    encoding: {
      x: { field: 'hour', type: 'ordinal', title: 'hour (UTC)' },
      y: { field: 'weekday', type: 'ordinal', sort: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], title: null },
      color: { field: 'posts', type: 'quantitative', scale: { scheme: 'blues' } },
    },
  };
}

async function main() {
  const dir = process.argv[2];
  if (!dir || !existsSync(join(dir, 'report.md'))) {
    console.error('usage: node charts.mjs REPORT_DIR   (a directory written by modctl report)');
    process.exit(2);
  }
  const volume = readCsv(join(dir, 'volume_per_day.csv'));
  const categories = readCsv(join(dir, 'categories.csv'));
  const heatmap = readCsv(join(dir, 'heatmap.csv'));
  const communities = [...new Set(volume.map((r) => r.community))].sort(
    (a, b) => (a === OVERALL ? -1 : b === OVERALL ? 1 : a.localeCompare(b)));
  let section = '## Charts\n\nRendered with Vega-Lite by tools/report-charts/charts.mjs from the CSV files.\n\n';
  let written = 0;
  for (const community of communities) {
    const name = community === OVERALL ? 'All communities' : `Community ${community}`;
    const charts = [
      ['volume', volumeSpec(volume.filter((r) => r.community === community), `${name}: decisions per day`)],
      ['categories', categorySpec(categories.filter((r) => r.community === community), `${name}: flagged and blocked per category`)],
      ['heatmap', heatmapSpec(heatmap.filter((r) => r.community === community), `${name}: posts by weekday and hour`)],
    ];
    section += `### ${name}\n\n`;
    for (const [kind, spec] of charts) {
      if (spec.data.values.length === 0) continue;
      const file = `${kind}-${fileSafe(community)}.svg`;
      writeFileSync(join(dir, file), await renderSvg(spec));
      section += `![${spec.title}](${file})\n\n`;
      ++written;
    }
  }
  if (written === 0) section += 'No decisions in this period: no charts.\n';
  const reportPath = join(dir, 'report.md');
  const report = readFileSync(reportPath, 'utf8');
  const at = report.indexOf('## Charts\n');
  const markdown = (at >= 0 ? report.slice(0, at) : report + '\n') + section;
  writeFileSync(reportPath, markdown);
  writeFileSync(join(dir, 'report.html'), htmlPage(dir, markdown));
  console.log(`charts: ${written} SVG file(s) and report.html in ${dir}`);
}

main().catch((e) => { console.error(`charts: ${e.stack || e}`); process.exit(1); });
