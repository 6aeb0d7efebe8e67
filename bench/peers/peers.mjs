#!/usr/bin/env node
// Peers benchmark: the npm packages `obscenity` and `bad-words` next to our
// engine (through `modctl scan`), on the same labelled corpus with the same
// term list. Reports posts/s, recall per evasion class and false-positive
// rates, as one table (and as JSON with --json).
//
//   node peers.mjs --corpus corpus.jsonl --modctl build/server/modctl/modctl \
//                  [--rules rules/] [--json out.json] [--repeat 5] \
//                  [--cache-dir DIR] [--timeout 900]
//
// The corpus comes from tests/corpus/generate_corpus.py. Every tool gets the
// distinct `term` values of its abusive rows (the generator's 13 base terms),
// exactly as written. Our engine is run twice: with a generated rule
// directory holding only those terms (match: compound), and with the full
// rules directory (the product configuration). See README.md for what is fair
// about the comparison and what is not.
//
// Exit codes: 0 done, 1 a tool failed (modctl missing or failing, answers
// missing), 2 usage or setup error (bad arguments, corpus, node_modules).

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');

const EVASION_CLASSES = ['plain', 'case', 'leet', 'lookalike', 'invisible', 'separators',
  'stretched', 'diacritics', 'inflection', 'combined'];
const CLEAN_CLASSES = ['clean_fortune', 'clean_lookalike_word'];
const SHORT = {
  plain: 'plain', case: 'case', leet: 'leet', lookalike: 'lookal', invisible: 'invis',
  separators: 'separ', stretched: 'strtch', diacritics: 'diacr', inflection: 'inflec',
  combined: 'combi',
};

class Failure extends Error {
  constructor(message, code = 1) { super(message); this.code = code; }
}

// ------------------------------------------------------------------ arguments

const USAGE = `usage: node peers.mjs --corpus FILE.jsonl --modctl PATH [--rules DIR]
                       [--json OUT] [--repeat N] [--cache-dir DIR] [--timeout S]

  --corpus FILE   JSONL from tests/corpus/generate_corpus.py (required)
  --modctl PATH   the modctl binary (required)
  --rules DIR     the product rules directory (default: rules/ of this repo)
  --json OUT      also write the results as JSON
  --repeat N      timed runs per tool; the table shows median [min-max] (default 5)
  --cache-dir DIR modctl's compiled-database cache (default: a fresh temporary
                  directory, so the first modctl start is a cold compile)
  --timeout S     seconds one modctl scan may take (default 900)`;

function parseArgs(argv) {
  const opts = { rules: path.join(REPO, 'rules'), repeat: 5, timeout: 900 };
  const keys = { '--corpus': 'corpus', '--modctl': 'modctl', '--rules': 'rules', '--json': 'json',
    '--repeat': 'repeat', '--cache-dir': 'cacheDir', '--timeout': 'timeout' };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    if (arg === '-h' || arg === '--help') { console.log(USAGE); process.exit(0); }
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) { value = arg.slice(eq + 1); arg = arg.slice(0, eq); }
    const key = keys[arg];
    if (!key) throw new Failure(`unknown argument ${JSON.stringify(arg)}\n${USAGE}`, 2);
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new Failure(`${arg} needs a value\n${USAGE}`, 2);
      value = argv[++i];
    }
    opts[key] = value;
  }
  if (!opts.corpus || !opts.modctl) throw new Failure(`--corpus and --modctl are required\n${USAGE}`, 2);
  for (const k of ['repeat', 'timeout']) {
    const n = Number(opts[k]);
    if (!Number.isInteger(n) || n < 1) throw new Failure(`--${k} must be a positive integer`, 2);
    opts[k] = n;
  }
  return opts;
}

// ------------------------------------------------------------------- packages

// The pinned versions in package.json must be the installed ones; otherwise
// the numbers would be for some other release.
async function loadPeers() {
  const pkg = JSON.parse(fs.readFileSync(path.join(HERE, 'package.json'), 'utf8'));
  const versions = {};
  for (const [name, pinned] of Object.entries(pkg.dependencies)) {
    const file = path.join(HERE, 'node_modules', name, 'package.json');
    if (!fs.existsSync(file)) {
      throw new Failure(`node_modules/${name} is missing: run \`npm ci\` in ${HERE} (or use run.sh)`, 2);
    }
    const installed = JSON.parse(fs.readFileSync(file, 'utf8')).version;
    if (installed !== pinned) {
      throw new Failure(`node_modules/${name} is ${installed}, package.json pins ${pinned}: ` +
        `run \`npm ci\` in ${HERE} (or use run.sh)`, 2);
    }
    versions[name] = installed;
  }
  const obscenity = await import('obscenity');
  const badWords = await import('bad-words');
  return { obscenity, badWords, versions };
}

// --------------------------------------------------------------------- corpus

function loadCorpus(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Failure(`cannot read corpus ${file}: ${e.message}`, 2);
  }
  const rows = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let row;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new Failure(`${file}:${i + 1}: bad JSON: ${e.message}`, 2);
    }
    for (const k of ['id', 'text', 'label', 'class']) {
      if (!(k in row)) throw new Failure(`${file}:${i + 1}: missing ${JSON.stringify(k)}`, 2);
    }
    rows.push(row);
  });
  if (!rows.length) throw new Failure(`corpus ${file} is empty`, 2);
  return rows;
}

// The distinct base terms of the abusive rows, sorted for a stable list.
function baseTerms(rows) {
  const terms = new Set();
  for (const r of rows) if (r.label === 'abusive' && r.term) terms.add(r.term);
  if (!terms.size) throw new Failure('the corpus has no abusive rows with a term', 2);
  return [...terms].sort((a, b) => a.localeCompare(b, 'de'));
}

// ------------------------------------------------------------------ JS peers

const now = () => Number(process.hrtime.bigint()) / 1e9;

function buildBadWords(badWords, terms) {
  // README: `new Filter({ emptyList: true })` starts without the built-in
  // English list; addWords() adds ours. (In 4.x, `list` is ignored together
  // with `emptyList`, so the words go through addWords.)
  const filter = new badWords.Filter({ emptyList: true });
  filter.addWords(...terms);
  return { check: (text) => filter.isProfane(text), patterns: [...filter.list] };
}

// Obscenity's matcher compares its patterns with the text *after* its
// transformers ran (confusables and umlauts to ASCII letters, leetspeak
// resolved, ASCII lower case, duplicate letters collapsed), so a pattern must
// be written in that alphabet, as every pattern of its English preset is.
// `normalise: true` feeds each term through the same transformers the matcher
// uses; `normalise: false` passes the term verbatim (what a user who does not
// know this gets: "Blödmann" can never match, "ö" and "B" never survive).
function buildObscenity(obscenity, terms, { normalise }) {
  const { DataSet, RegExpMatcher, parseRawPattern, englishRecommendedTransformers } = obscenity;
  let toPattern = (t) => t;
  if (normalise) {
    const probe = new RegExpMatcher({ blacklistedTerms: [], ...englishRecommendedTransformers });
    if (typeof probe.applyTransformers !== 'function') {
      throw new Failure('obscenity: RegExpMatcher.applyTransformers is gone; update buildObscenity', 2);
    }
    toPattern = (t) => probe.applyTransformers(t, probe.blacklistMatcherTransformers)[1];
  }
  const dataset = new DataSet();
  const patterns = [];
  for (const term of terms) {
    const p = toPattern(term);
    patterns.push(p);
    dataset.addPhrase((phrase) => phrase.setMetadata({ originalWord: term }).addPattern(parseRawPattern(p)));
  }
  const matcher = new RegExpMatcher({ ...dataset.build(), ...englishRecommendedTransformers });
  return { check: (text) => matcher.hasMatch(text), patterns };
}

function runJsTool(tool, rows, repeat) {
  const t0 = now();
  const built = tool.build();
  const setupSeconds = now() - t0;
  const texts = rows.map((r) => r.text);
  // One untimed pass: the verdicts, and the JIT warmed up.
  const flagged = texts.map((t) => Boolean(built.check(t)));
  const runs = [];
  for (let k = 0; k < repeat; k++) {
    let hits = 0;
    const start = now();
    for (let i = 0; i < texts.length; i++) if (built.check(texts[i])) hits++;
    const seconds = now() - start;
    const expected = flagged.reduce((a, f) => a + (f ? 1 : 0), 0);
    if (hits !== expected) throw new Failure(`${tool.name}: verdicts changed between runs`);
    runs.push(texts.length / seconds);
  }
  return { flagged, errors: 0, runs, setup: { construct_seconds: setupSeconds }, patterns: built.patterns };
}

// --------------------------------------------------------------- our engine

function tail(s, n = 3000) { return s.length > n ? '…' + s.slice(-n) : s; }

// One rule set with just the base terms, as rules/README.md recommends for
// German insults: match: compound, no allow list, no examples beyond one
// that `modctl validate` runs.
function writeTermRules(dir, terms) {
  fs.mkdirSync(dir, { recursive: true });
  const q = (s) => JSON.stringify(s); // a JSON string is a valid YAML scalar
  const yaml = [
    '# Generated by bench/peers/peers.mjs: the corpus base terms only.',
    'ruleset: peers_terms',
    'version: "bench"',
    'description: Base terms of the evaluation corpus, for the peers benchmark',
    'rules:',
    '  - id: peers.terms',
    '    category: insult',
    `    words: [${terms.map(q).join(', ')}]`,
    '    match: compound',
    '    action: flag',
    `    reason: ${q('Beleidigung')}`,
    '    examples:',
    `      match: [${q(terms[0])}]`,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'peers_terms.yaml'), yaml);
  return yaml;
}

function validateRules(modctl, dir, cacheDir) {
  const t0 = now();
  const r = spawnSync(modctl, ['validate', '--cache-dir', cacheDir, dir], { encoding: 'utf8' });
  const seconds = now() - t0;
  if (r.error) throw new Failure(`cannot run ${modctl}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Failure(`modctl validate ${dir} failed (exit ${r.status}):\n${tail(r.stdout + r.stderr)}`);
  }
  return seconds;
}

const WARMUP = JSON.stringify({ id: '__peers_warmup__', text: 'Guten Morgen zusammen.' }) + '\n';

// One `modctl scan` process: a warm-up line first (its answer marks the end of
// start-up: rules loaded or compiled), then the whole corpus in one write;
// the clock runs from that write to the last answer.
function scanOnce(modctl, rulesDir, cacheDir, payload, n, timeoutS) {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn(modctl, ['scan', '--rules', rulesDir, '--cache-dir', cacheDir],
      { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let buf = '';
    let tReady = null;
    let tStart = null;
    let tEnd = null;
    const answers = [];
    let settled = false;
    const fail = (msg) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Failure(`${msg}${stderr ? '\n--- modctl stderr (tail) ---\n' + tail(stderr) : ''}`));
    };
    const timer = setTimeout(() => fail(`modctl scan did not finish within ${timeoutS}s`), timeoutS * 1000);
    child.on('error', (e) => fail(`cannot start ${modctl}: ${e.message}`));
    child.stdin.on('error', () => {}); // EPIPE if modctl dies: reported from its exit
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.trim()) continue;
        let ans;
        try {
          ans = JSON.parse(line);
        } catch (e) {
          ans = { id: null, error: `unparsable output: ${line.slice(0, 200)}` };
        }
        if (tReady === null) {
          tReady = now();
          if (ans.id !== '__peers_warmup__') return fail(`modctl scan: unexpected first answer ${line.slice(0, 200)}`);
          tStart = now();
          child.stdin.end(payload);
          continue;
        }
        answers.push(ans);
        if (answers.length === n) tEnd = now();
      }
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (code !== 0) {
        return reject(new Failure(`modctl scan --rules ${rulesDir} exited with ${code ?? signal}` +
          `${stderr ? '\n--- modctl stderr (tail) ---\n' + tail(stderr) : ''}`));
      }
      if (answers.length !== n || tEnd === null) {
        return reject(new Failure(`modctl scan answered ${answers.length} of ${n} posts` +
          `${stderr ? '\n--- modctl stderr (tail) ---\n' + tail(stderr) : ''}`));
      }
      resolve({ answers, startup: tReady - t0, seconds: tEnd - tStart });
    });
    child.stdin.write(WARMUP);
  });
}

async function runOurs(name, opts, rulesDir, cacheDir, rows) {
  const validateSeconds = validateRules(opts.modctl, rulesDir, cacheDir);
  const payload = rows.map((r) => JSON.stringify({ id: r.id, text: r.text }) + '\n').join('');
  const runs = [];
  const startups = [];
  let flagged = null;
  let errors = 0;
  let decisions = null;
  for (let k = 0; k < opts.repeat; k++) {
    const r = await scanOnce(opts.modctl, rulesDir, cacheDir, payload, rows.length, opts.timeout);
    const f = [];
    let errs = 0;
    const dec = { ALLOW: 0, FLAG: 0, BLOCK: 0 };
    r.answers.forEach((ans, i) => {
      if (ans.error !== undefined || !(ans.decision in dec)) { errs++; f.push(false); return; }
      if (ans.id !== rows[i].id) throw new Failure(`${name}: answer order broken at ${rows[i].id} (got ${ans.id})`);
      dec[ans.decision]++;
      f.push(ans.decision !== 'ALLOW');
    });
    if (flagged === null) {
      flagged = f; errors = errs; decisions = dec;
    } else if (f.some((v, i) => v !== flagged[i])) {
      throw new Failure(`${name}: verdicts changed between runs`);
    }
    runs.push(rows.length / r.seconds);
    startups.push(r.startup);
  }
  return {
    flagged, errors, runs, decisions,
    setup: {
      // validate loads the rules (and, with an empty cache, compiles them):
      // the first-time cost. scan start-ups then load from the cache.
      validate_seconds: validateSeconds,
      startup_seconds_median: median(startups),
      startup_seconds: startups,
    },
  };
}

// -------------------------------------------------------------------- scoring

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function score(rows, flagged) {
  const per = {};
  for (const c of [...EVASION_CLASSES, ...CLEAN_CLASSES]) per[c] = { n: 0, flagged: 0 };
  const all = { abusive: { n: 0, flagged: 0 }, clean: { n: 0, flagged: 0 } };
  rows.forEach((r, i) => {
    const st = per[r.class] ?? (per[r.class] = { n: 0, flagged: 0 });
    st.n++;
    all[r.label].n++;
    if (flagged[i]) { st.flagged++; all[r.label].flagged++; }
  });
  const rate = (st) => (st.n ? st.flagged / st.n : null);
  const recall = { overall: rate(all.abusive) };
  for (const c of EVASION_CLASSES) recall[c] = rate(per[c]);
  const fp = { overall: rate(all.clean) };
  for (const c of CLEAN_CLASSES) fp[c] = rate(per[c]);
  const counts = {};
  for (const [c, st] of Object.entries(per)) counts[c] = { n: st.n, flagged: st.flagged };
  // Ids of the wrong verdicts: missed abusive rows, flagged clean rows.
  const wrong = {};
  rows.forEach((r, i) => {
    if (flagged[i] !== (r.label === 'abusive')) (wrong[r.class] ??= []).push(r.id);
  });
  return { recall, fp, counts, wrong };
}

// --------------------------------------------------------------------- output

const pct = (x) => (x === null || x === undefined ? '   -  ' : (100 * x).toFixed(1).padStart(5) + '%');
const int = (x) => Math.round(x).toLocaleString('en-US');

function table(results, rows) {
  const n = {};
  for (const r of rows) n[r.class] = (n[r.class] ?? 0) + 1;
  const cols = [
    ['tool', 28, 'l'], ['posts/s median [min–max]', 30, 'l'], ['recall', 6, 'r'],
    ...EVASION_CLASSES.map((c) => [SHORT[c], 6, 'r']),
    ['FP fort', 7, 'r'], ['FP look', 7, 'r'], ['FP all', 6, 'r'],
  ];
  const fmt = (cells) => cells.map((c, i) => (cols[i][2] === 'l' ? c.padEnd(cols[i][1]) : c.padStart(cols[i][1]))).join(' ');
  const lines = [fmt(cols.map((c) => c[0])), '-'.repeat(cols.reduce((a, c) => a + c[1] + 1, -1))];
  for (const r of results) {
    const tp = r.throughput;
    lines.push(fmt([
      r.name,
      `${int(tp.median)} [${int(tp.min)}–${int(tp.max)}]`,
      pct(r.recall.overall),
      ...EVASION_CLASSES.map((c) => pct(r.recall[c])),
      pct(r.fp.clean_fortune), pct(r.fp.clean_lookalike_word), pct(r.fp.overall),
    ]));
  }
  lines.push(`(n per class: ${EVASION_CLASSES.map((c) => `${SHORT[c]} ${n[c] ?? 0}`).join(', ')}; ` +
    `clean_fortune ${n.clean_fortune ?? 0}, clean_lookalike_word ${n.clean_lookalike_word ?? 0})`);
  return lines.join('\n');
}

// ----------------------------------------------------------------------- main

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const peers = await loadPeers();
  const rows = loadCorpus(opts.corpus);
  const terms = baseTerms(rows);
  if (!fs.existsSync(opts.modctl)) {
    throw new Failure(`modctl not found at ${opts.modctl} (build it first: scripts/build.sh)`);
  }
  if (!fs.existsSync(opts.rules)) throw new Failure(`rules directory ${opts.rules} not found`, 2);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'peers-'));
  try {
    const cacheDir = opts.cacheDir ?? path.join(tmp, 'cache');
    const termRules = path.join(tmp, 'rules-terms');
    const termRulesYaml = writeTermRules(termRules, terms);

    console.log(`corpus: ${opts.corpus}: ${rows.length} posts; ${opts.repeat} timed run(s) per tool`);
    console.log(`terms (${terms.length}, given to every tool as written): ${terms.join(', ')}`);
    console.log('peers get only these base terms; ours runs twice: "ours, terms only" = one generated ' +
      'rule with these terms (match: compound), "ours, rules/" = the full default rules directory.');
    console.log(`node ${process.version}; obscenity ${peers.versions.obscenity}, bad-words ${peers.versions['bad-words']}\n`);

    const tools = [
      { name: 'bad-words', kind: 'js', config: 'Filter({emptyList: true}) + addWords(terms); isProfane()',
        build: () => buildBadWords(peers.badWords, terms) },
      { name: 'obscenity', kind: 'js',
        config: 'DataSet, one pattern per term run through its own transformers; englishRecommendedTransformers; hasMatch()',
        build: () => buildObscenity(peers.obscenity, terms, { normalise: true }) },
      { name: 'obscenity, terms verbatim', kind: 'js',
        config: 'as obscenity, but the patterns are the terms exactly as written',
        build: () => buildObscenity(peers.obscenity, terms, { normalise: false }) },
      { name: 'ours, terms only', kind: 'modctl', rules: termRules, rulesText: termRulesYaml,
        config: 'modctl scan, generated rule dir: the terms, match: compound, action: flag' },
      { name: 'ours, rules/', kind: 'modctl', rules: opts.rules,
        config: `modctl scan --rules ${opts.rules} (product configuration)` },
    ];

    const results = [];
    for (const tool of tools) {
      process.stderr.write(`peers: running ${tool.name} ...\n`);
      const r = tool.kind === 'js'
        ? runJsTool(tool, rows, opts.repeat)
        : await runOurs(tool.name, opts, tool.rules, cacheDir, rows);
      const s = score(rows, r.flagged);
      results.push({
        name: tool.name, kind: tool.kind, config: tool.config,
        ...(tool.rules ? { rules: tool.rulesText ? '(generated, see rules_text)' : tool.rules } : {}),
        ...(tool.rulesText ? { rules_text: tool.rulesText } : {}),
        ...(r.patterns ? { patterns: r.patterns } : {}),
        throughput: { unit: 'posts/s', median: median(r.runs), min: Math.min(...r.runs), max: Math.max(...r.runs), runs: r.runs },
        setup: r.setup,
        recall: s.recall, fp: s.fp, counts: s.counts, errors: r.errors, wrong_ids: s.wrong,
        ...(r.decisions ? { decisions: r.decisions } : {}),
      });
    }

    console.log(table(results, rows));
    console.log('\nset-up (not in posts/s):');
    for (const r of results) {
      if (r.kind === 'js') {
        console.log(`  ${r.name.padEnd(26)} construct ${(1000 * r.setup.construct_seconds).toFixed(2)} ms`);
      } else {
        console.log(`  ${r.name.padEnd(26)} modctl validate ${(r.setup.validate_seconds).toFixed(3)} s ` +
          `(${opts.cacheDir ? 'given cache dir' : 'empty cache: includes the compile'}); ` +
          `scan start-up to first answer ${(1000 * r.setup.startup_seconds_median).toFixed(0)} ms median (cached)` +
          (r.errors ? `; ${r.errors} posts answered with an error` : ''));
      }
    }
    console.log('\nnotes: JS posts/s are in-process calls on pre-loaded strings, one thread. Ours is one ' +
      '`modctl scan` process fed through a pipe after a warm-up line: it includes JSON encode/decode on ' +
      'both sides and the pipe, and the Node client parses answers on another core. A post counts as ' +
      'flagged on any match (isProfane, hasMatch) or a decision other than ALLOW.');

    if (opts.json) {
      const out = {
        corpus: path.resolve(opts.corpus), posts: rows.length, repeat: opts.repeat,
        node: process.version, packages: peers.versions, modctl: path.resolve(opts.modctl),
        terms, evasion_classes: EVASION_CLASSES, clean_classes: CLEAN_CLASSES,
        flagged_means: { 'bad-words': 'Filter.isProfane(text)', obscenity: 'RegExpMatcher.hasMatch(text)', ours: 'decision != ALLOW' },
        tools: results,
      };
      fs.writeFileSync(opts.json, JSON.stringify(out, null, 1) + '\n');
      console.log(`\nJSON: ${opts.json}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  if (e instanceof Failure) {
    console.error(`peers: ${e.message}`);
    process.exit(e.code);
  }
  console.error(e);
  process.exit(1);
});
