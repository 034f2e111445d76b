'use strict';
// End-to-end check: `node check.js` starts start.js on free ports, connects two ws clients; client 1 sends the
// seed's onMessage with key 1234, client 2 must receive the text; a wrong key must deliver nothing; then stops.
const { spawn } = require('node:child_process');
const path = require('node:path');
const WebSocket = require('ws');

function startPeer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'start.js')], {
      env: { ...process.env, WS_PORT: process.env.WS_PORT || '0' },
      stdio: ['ignore', 'pipe', process.env.CHECK_VERBOSE ? 'inherit' : 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^READY ws=(ws:\/\/\S+)\n/m.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`start.js exited ${code}: ${out}`)));
    setTimeout(() => reject(new Error('not ready in 90 s')), 90_000).unref();
  });
}

function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const received = [];
    ws.on('message', (data) => received.push(data.toString()));
    ws.once('open', () => resolve({ ws, received }));
    ws.once('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(pred, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until && !pred()) await sleep(20);
  return pred();
}

async function main() {
  const peer = await startPeer();
  console.log(`peer ready at ${peer.url}`);
  let failed = false;
  const check = (ok, what) => { console.log(`${ok ? 'ok' : 'FAIL'} - ${what}`); if (!ok) failed = true; };
  try {
    const a = await open(peer.url);
    const b = await open(peer.url);
    await sleep(300); // both $connect rows written
    const t0 = Date.now();
    a.ws.send(JSON.stringify({ action: 'onMessage', message: 'hi', key: '1234' }));
    check(await waitFor(() => b.received.length >= 1, 10_000) && b.received[0] === 'hi',
      `client 2 receives "hi" (${Date.now() - t0} ms; got ${JSON.stringify(b.received)})`);
    await sleep(300);
    check(a.received.length === 0, `the sender receives nothing (got ${JSON.stringify(a.received)})`);

    a.ws.send(JSON.stringify({ action: 'onMessage', message: 'nope', key: '9999' }));
    await sleep(1000);
    check(b.received.length === 1 && a.received.length === 0, 'a wrong key delivers nothing');

    b.ws.send(JSON.stringify({ action: 'onMessage', message: 'back', key: '1234' }));
    check(await waitFor(() => a.received.includes('back'), 10_000), 'client 1 receives "back" from client 2');

    // After client 2 leaves ($disconnect deletes its row), client 1's broadcast reaches no one and fails nothing.
    b.ws.close();
    await sleep(500);
    const c = await open(peer.url);
    await sleep(300);
    a.ws.send(JSON.stringify({ action: 'onMessage', message: 'third', key: '1234' }));
    check(await waitFor(() => c.received.includes('third'), 10_000), 'a new client 3 receives "third"');
    a.ws.close();
    c.ws.close();
  } finally {
    peer.child.kill('SIGTERM');
    await new Promise((r) => peer.child.once('exit', r));
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err) => { console.error(err); process.exit(1); });
