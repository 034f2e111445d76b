#!/usr/bin/env node
// bench/report.js RESULTS.jsonl: the benchmark table as markdown, to paste into docs/performance.md.
//
// Reads the JSON lines switchboard-bench wrote (bench/run.sh tags each with "case" and "round"), and prints one row
// per case and metric, one column per target with the median over the rounds and (min–max) when there are several,
// then Switchboard / peer ratios of the medians. Runs the generator marked FAIL, or that did not finish, still count
// where they have numbers; they are marked † and listed under the table.
'use strict';

const fs = require('fs');

const TARGET_ORDER = ['switchboard', 'node-ws', 'aspnet-naive', 'signalr', 'serverless-offline'];

// better: 'up' (higher is better), 'down' (lower is better) or null (no ratio: a change, or information only).
const ROWS = [
  { case: 'fanout-max', title: 'fanout 1,000 subs, max rate', metric: 'deliveredPerSec', label: 'deliveries/s', better: 'up' },
  { case: 'fanout-max', metric: 'latencyP99Ms', label: 'p99 latency ms', better: 'down' },
  { case: 'fanout-max', metric: 'serverCpuPercent', label: 'server CPU %', better: null },
  { case: 'fanout-50k', title: 'fanout 1,000 subs, 50k deliveries/s', metric: 'latencyP50Ms', label: 'p50 latency ms', better: 'down' },
  { case: 'fanout-50k', metric: 'latencyP99Ms', label: 'p99 latency ms', better: 'down' },
  { case: 'fanout-50k', metric: 'latencyP999Ms', label: 'p99.9 latency ms', better: 'down' },
  { case: 'fanout-50k', metric: 'deliveredPerSec', label: 'deliveries/s', better: null },
  { case: 'fanout-50k', metric: 'serverCpuPercent', label: 'server CPU %', better: 'down' },
  { case: 'idle', title: 'idle 10,000 connections', metric: 'kibPerConnection', label: 'KiB per connection', better: 'down' },
  { case: 'idle', metric: 'serverIdleCpuPercent', label: 'server CPU % while idle', better: 'down' },
  { case: 'connect', title: 'connect 10,000', metric: 'openedPerSec', label: 'opened/s', better: 'up' },
  { case: 'connect', metric: 'handshakeP99Ms', label: 'p99 handshake ms', better: 'down' },
  { case: 'connect', metric: 'closedPerSec', label: 'closed/s', better: 'up' },
  { case: 'slow', title: 'slow: 1 stalled client', metric: 'rateChangePercent', label: "others' rate change %", better: null },
  { case: 'slow', metric: 'stalledDeliveredPerSec', label: 'deliveries/s while stalled', better: 'up' },
  { case: 'slow', metric: 'stalledLatencyP99Ms', label: 'p99 latency ms while stalled', better: 'down' },
  { case: 'slow', metric: 'stalledServerRssGrowthMiB', label: 'server RSS growth MiB while stalled', better: 'down' },
  { case: 'rest-broadcast', title: 'rest: receiver broadcast', metric: 'requestsPerSec', label: 'requests/s', better: 'up' },
  { case: 'rest-broadcast', metric: 'latencyP99Ms', label: 'p99 latency ms', better: 'down' },
  { case: 'rest-post', title: 'rest: @connections POST', metric: 'requestsPerSec', label: 'requests/s', better: 'up' },
  { case: 'rest-post', metric: 'latencyP99Ms', label: 'p99 latency ms', better: 'down' },
  // bench/integrations.sh: lambda integrations against serverless-offline.
  { case: 'echo', title: 'echo: two-way lambda route', metric: 'repliesPerSec', label: 'replies/s', better: 'up' },
  { case: 'echo', metric: 'latencyP50Ms', label: 'p50 latency ms', better: 'down' },
  { case: 'echo', metric: 'latencyP99Ms', label: 'p99 latency ms', better: 'down' },
  { case: 'echo', metric: 'lost', label: 'lost replies', better: null },
  { case: 'echo', metric: 'outOfOrder', label: 'replies out of order', better: null },
  { case: 'echo', metric: 'serverCpuPercent', label: 'gateway CPU %', better: null },
  { case: 'echo', metric: 'stackCpuPercent', label: 'backend CPU % (all processes)', better: null },
  { case: 'lambda-fanout', title: "lambda-fanout: the seed's onMessage", metric: 'publishesPerSec', label: 'messages/s', better: 'up' },
  { case: 'lambda-fanout', metric: 'deliveredPerSec', label: 'deliveries/s', better: 'up' },
  { case: 'lambda-fanout', metric: 'latencyP50Ms', label: 'p50 latency ms', better: 'down' },
  { case: 'lambda-fanout', metric: 'latencyP99Ms', label: 'p99 latency ms', better: 'down' },
  { case: 'lambda-fanout', metric: 'lost', label: 'lost deliveries', better: null },
  { case: 'lambda-fanout', metric: 'outOfOrder', label: 'deliveries out of order', better: null },
  { case: 'lambda-fanout', metric: 'serverCpuPercent', label: 'gateway CPU %', better: null },
  { case: 'lambda-fanout', metric: 'stackCpuPercent', label: 'backend CPU % (all processes)', better: null },
];

function main() {
  const file = process.argv[2];
  if (!file || file === '-h' || file === '--help') {
    process.stderr.write('usage: node bench/report.js RESULTS.jsonl\n');
    process.exit(file ? 0 : 2);
  }

  const runs = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((line, i) => {
    try {
      return JSON.parse(line);
    } catch {
      return { error: `line ${i + 1} is not JSON` };
    }
  });
  for (const run of runs) {
    run.case = run.case || run.scenario;
  }

  const present = new Set(runs.map((r) => r.target).filter(Boolean));
  const targets = [...TARGET_ORDER.filter((t) => present.has(t)), ...[...present].filter((t) => !TARGET_ORDER.includes(t)).sort()];
  const peers = targets.filter((t) => t !== 'switchboard');
  const withRatios = present.has('switchboard') && peers.length > 0;
  const rounds = new Set(runs.map((r) => r.round).filter((r) => r !== undefined));

  const troubled = (r) => r.error || (r.status && r.status !== 'ok');
  const header = ['scenario', 'metric', ...targets];
  if (withRatios) header.push(...peers.map((p) => `Switchboard / ${p}`));
  header.push('generator CPU % (max)');

  const lines = [];
  lines.push(`| ${header.join(' | ')} |`);
  lines.push(`|${header.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`);

  const marked = new Set();
  let lastCase = null;
  for (const row of ROWS) {
    const caseRuns = runs.filter((r) => r.case === row.case);
    if (caseRuns.length === 0) continue;
    const cells = [];
    const medians = {};
    for (const target of targets) {
      const mine = caseRuns.filter((r) => r.target === target);
      const values = mine.map((r) => r.metrics && r.metrics[row.metric]).filter((v) => typeof v === 'number' && Number.isFinite(v));
      const bad = mine.filter(troubled);
      bad.forEach((r) => marked.add(r));
      const mark = bad.length > 0 ? ' †' : '';
      if (values.length === 0) {
        cells.push(mine.length === 0 ? '' : `–${mark}`);
        continue;
      }
      const s = stats(values);
      medians[target] = s.median;
      cells.push(values.length > 1 ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})${mark}` : `${fmt(s.median)}${mark}`);
    }
    if (withRatios) {
      for (const peer of peers) {
        const sb = medians.switchboard;
        const other = medians[peer];
        cells.push(row.better && sb !== undefined && other !== undefined && other !== 0 ? `${ratio(sb / other)}` : '');
      }
    }
    const genCpu = caseRuns.map((r) => r.generatorCpuPercent).filter((v) => typeof v === 'number');
    cells.push(row.case !== lastCase && genCpu.length > 0 ? fmt(Math.max(...genCpu)) : '');
    const arrow = row.better === 'up' ? ' ↑' : row.better === 'down' ? ' ↓' : '';
    const title = row.case !== lastCase ? (ROWS.find((r) => r.case === row.case).title || row.case) : '';
    lines.push(`| ${title} | ${row.label}${arrow} | ${cells.join(' | ')} |`);
    lastCase = row.case;
  }

  const n = rounds.size;
  console.log(lines.join('\n'));
  console.log('');
  console.log(`Median of ${n} run${n === 1 ? '' : 's'}${n > 1 ? ' (min–max)' : ''} per cell. ↑ higher is better, ↓ lower is better; `
    + 'a ratio is Switchboard\'s median over the peer\'s (above 1 is better for ↑, below 1 for ↓). '
    + 'Generator CPU is its own use of its core (100 = saturated, the numbers are then the generator\'s limit).');

  const unknown = runs.filter((r) => !ROWS.some((row) => row.case === r.case));
  if (unknown.length > 0) {
    console.log(`\n${unknown.length} result(s) of cases the table does not show: ${[...new Set(unknown.map((r) => r.case))].join(', ')}`);
  }

  if (marked.size > 0) {
    console.log('\n† runs that reported a problem:');
    for (const r of [...marked].sort((a, b) => String(a.case).localeCompare(String(b.case)) || String(a.target).localeCompare(String(b.target)))) {
      const what = [...(r.failures || []), ...(r.error ? [r.error] : [])];
      if (what.length === 0) what.push(`status ${r.status}`);
      console.log(`- ${r.target} ${r.case}${r.round !== undefined ? ` round ${r.round}` : ''}: ${what.join('; ')}`);
    }
  }
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

function fmt(v) {
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return v.toFixed(1);
  if (a >= 0.01 || a === 0) return v.toFixed(2);
  return v.toPrecision(2);
}

function ratio(r) {
  return `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

main();
