'use strict';
// node --test test/
// Starts start.js (dynalite + the runner) on free ports and drives the seed's four functions through the Lambda
// Invoke API with hand-made API Gateway events; a local HTTP server stands in for the gateway's @connections API.
// Then checks the runner's own semantics (async handlers, errors, concurrency) with throwaway functions.

const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { spawn } = require('node:child_process');
const http = require('node:http');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const children = [];

function startProcess(script, env, pattern) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const m = pattern.exec(out);
      if (m) resolve({ child, match: m, stdout: () => out, stderr: () => err });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited ${code}\n${out}\n${err}`)));
    setTimeout(() => reject(new Error(`${script} not ready in time\n${out}\n${err}`)), 20_000).unref();
  });
}

function stopProcess(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** A stand-in for the gateway's management API: records POST /{stage}/@connections/{id}. */
function startRecorder() {
  const calls = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      calls.push({ method: req.method, url: req.url, body, authorization: req.headers.authorization || '' });
      res.writeHead(200).end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, calls, port: server.address().port })));
}

async function invoke(base, name, event, raw) {
  const res = await fetch(`${base}/2015-03-31/functions/${name}/invocations`, {
    method: 'POST',
    body: raw !== undefined ? raw : JSON.stringify(event),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: (() => { try { return JSON.parse(text); } catch { return undefined; } })() };
}

async function waitFor(predicate, ms = 5000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return predicate();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function connectEvent(id, eventType = 'CONNECT', domainName = '127.0.0.1:8080', stage = 'dev') {
  return {
    headers: { Host: domainName },
    multiValueHeaders: { Host: [domainName] },
    requestContext: {
      routeKey: eventType === 'CONNECT' ? '$connect' : '$disconnect',
      eventType,
      extendedRequestId: `ext-${id}`,
      requestTime: new Date().toUTCString(),
      messageDirection: 'IN',
      stage,
      connectedAt: Date.now(),
      requestTimeEpoch: Date.now(),
      identity: { sourceIp: '127.0.0.1' },
      requestId: `req-${id}`,
      domainName,
      connectionId: id,
      apiId: 'local',
    },
    isBase64Encoded: false,
  };
}

function messageEvent(id, body, domainName, stage = 'dev') {
  return {
    requestContext: {
      routeKey: 'onMessage',
      messageId: `msg-${Math.random()}`,
      eventType: 'MESSAGE',
      extendedRequestId: 'ext',
      requestTime: new Date().toUTCString(),
      messageDirection: 'IN',
      stage,
      connectedAt: Date.now(),
      requestTimeEpoch: Date.now(),
      identity: { sourceIp: '127.0.0.1' },
      requestId: 'req',
      domainName,
      connectionId: id,
      apiId: 'local',
    },
    body,
    isBase64Encoded: false,
  };
}

let seed; // { runner, dynamodb }
let recorder;
let ddb;

before(async () => {
  recorder = await startRecorder();
  const started = await startProcess('start.js', { RUNNER_PORT: '0', DYNALITE_PORT: '0', DYNAMODB_ENDPOINT: '' },
    /^READY runner=(http:\/\/127\.0\.0\.1:\d+) dynamodb=(http:\/\/127\.0\.0\.1:\d+)\n/m);
  seed = { child: started.child, runner: started.match[1], dynamodb: started.match[2], stdout: started.stdout };
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
  const AWS = require(require.resolve('aws-sdk', { paths: [ROOT] }));
  ddb = new AWS.DynamoDB.DocumentClient({
    endpoint: seed.dynamodb, region: 'us-east-1', sslEnabled: false,
    credentials: new AWS.Credentials('local', 'local'),
  });
});

after(async () => {
  for (const child of children) await stopProcess(child);
  recorder.server.close();
});

async function tableIds() {
  const data = await ddb.scan({ TableName: 'clientConnectionInfo' }).promise();
  return data.Items.map((i) => i.connectionid).sort();
}

test('start.js prints exactly one READY line on stdout', async () => {
  await sleep(100);
  assert.match(seed.stdout(), /^READY runner=http:\/\/127\.0\.0\.1:\d+ dynamodb=http:\/\/127\.0\.0\.1:\d+\n$/);
});

test('saveClientConnection stores the connection id (CONNECT)', async () => {
  for (const id of ['connA', 'connB', 'connC']) {
    const r = await invoke(seed.runner, 'saveClientConnection', connectEvent(id));
    assert.strictEqual(r.status, 200);
    assert.deepStrictEqual(r.json, { statusCode: 200 });
    assert.strictEqual(r.headers.get('x-amz-executed-version'), '$LATEST');
    assert.strictEqual(r.headers.get('x-amz-function-error'), null);
  }
  assert.deepStrictEqual(await tableIds(), ['connA', 'connB', 'connC']);
});

test('broadcastMessage posts the text to every other connection at domainName/stage/@connections/{id}', async () => {
  recorder.calls.length = 0;
  const body = JSON.stringify({ action: 'onMessage', message: 'hello', key: '1234' });
  const r = await invoke(seed.runner, 'broadcastMessage', messageEvent('connA', body, `127.0.0.1:${recorder.port}`, 'dev'));
  assert.strictEqual(r.status, 200);
  assert.deepStrictEqual(r.json, { statusCode: 200 });
  assert.ok(await waitFor(() => recorder.calls.length >= 2), 'two posts arrive');
  await sleep(200);
  const calls = recorder.calls.map((c) => `${c.method} ${c.url} ${c.body}`).sort();
  assert.deepStrictEqual(calls, ['POST /dev/@connections/connB hello', 'POST /dev/@connections/connC hello']);
  // aws-sdk signs the posts with SigV4 for service execute-api and the runner's credentials.
  assert.match(recorder.calls[0].authorization, /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/us-east-1\/execute-api\/aws4_request/);
});

test('broadcastMessage with a wrong or missing key answers 403 and sends nothing', async () => {
  recorder.calls.length = 0;
  for (const body of [
    JSON.stringify({ action: 'onMessage', message: 'nope', key: '9999' }),
    JSON.stringify({ action: 'onMessage', message: 'nope' }),
  ]) {
    const r = await invoke(seed.runner, 'broadcastMessage', messageEvent('connA', body, `127.0.0.1:${recorder.port}`));
    assert.strictEqual(r.status, 200);
    assert.deepStrictEqual(r.json, { statusCode: 403 });
  }
  await sleep(300);
  assert.deepStrictEqual(recorder.calls, []);
});

test('broadcastAPIMessage (the REST template\'s event) posts Number(programId) to every connection', async () => {
  recorder.calls.length = 0;
  const r = await invoke(seed.runner, 'broadcastAPIMessage', { programId: '007', domain: `127.0.0.1:${recorder.port}`, stage: 'test' });
  assert.strictEqual(r.status, 200);
  assert.deepStrictEqual(r.json, { statusCode: 200 });
  assert.ok(await waitFor(() => recorder.calls.length >= 3));
  await sleep(200);
  assert.deepStrictEqual(recorder.calls.map((c) => `${c.method} ${c.url} ${c.body}`).sort(), [
    'POST /test/@connections/connA 7', 'POST /test/@connections/connB 7', 'POST /test/@connections/connC 7']);

  recorder.calls.length = 0;
  const bad = await invoke(seed.runner, 'broadcastAPIMessage', { programId: 'abc', domain: `127.0.0.1:${recorder.port}`, stage: 'test' });
  assert.deepStrictEqual(bad.json, { statusCode: 200 });
  await sleep(300);
  assert.deepStrictEqual(recorder.calls, []);
});

test('deleteClientConnection removes the connection id (DISCONNECT)', async () => {
  const r = await invoke(seed.runner, 'deleteClientConnection', connectEvent('connC', 'DISCONNECT'));
  assert.strictEqual(r.status, 200);
  assert.deepStrictEqual(r.json, { statusCode: 200 });
  assert.deepStrictEqual(await tableIds(), ['connA', 'connB']);
});

test('a failed post after the answer (fire and forget) does not stop the runner', async () => {
  // Port 1 refuses: the seed's send() rejects, unhandled, after the callback answered.
  const body = JSON.stringify({ action: 'onMessage', message: 'x', key: '1234' });
  const r = await invoke(seed.runner, 'broadcastMessage', messageEvent('connA', body, '127.0.0.1:1'));
  assert.deepStrictEqual(r.json, { statusCode: 200 });
  await sleep(500);
  const again = await invoke(seed.runner, 'saveClientConnection', connectEvent('connD'));
  assert.deepStrictEqual(again.json, { statusCode: 200 });
  assert.strictEqual(seed.child.exitCode, null);
});

test('Invoke API errors: unknown function 404, body not JSON 400, function error X-Amz-Function-Error', async () => {
  const missing = await invoke(seed.runner, 'noSuchFunction', {});
  assert.strictEqual(missing.status, 404);
  assert.strictEqual(missing.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
  assert.strictEqual(missing.json.Type, 'User');
  assert.match(missing.json.message, /^Function not found: .*noSuchFunction$/);

  const notJson = await invoke(seed.runner, 'saveClientConnection', undefined, '{not json');
  assert.strictEqual(notJson.status, 400);

  // No requestContext: the seed's handler throws a TypeError.
  const failed = await invoke(seed.runner, 'saveClientConnection', { hello: 1 });
  assert.strictEqual(failed.status, 200);
  assert.strictEqual(failed.headers.get('x-amz-function-error'), 'Unhandled');
  assert.strictEqual(failed.json.errorType, 'TypeError');
  assert.match(failed.json.errorMessage, /connectionId/);
  assert.ok(Array.isArray(failed.json.trace));
});

test('SIGTERM stops start.js with exit status 0', async () => {
  const code = await stopProcess(seed.child);
  assert.strictEqual(code, 0);
});

// ---- The runner's handler semantics, with throwaway functions --------------------------------------------------

test('runner semantics: async handlers, callback errors, rejections, context, concurrency', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-lambdas-fns-'));
  const fn = (name, code) => {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'index.js'), code);
  };
  fn('asyncResult', 'exports.handler = async (event) => ({ got: event.x });');
  fn('asyncUndefined', 'exports.handler = async () => {};');
  fn('callbackLater', 'exports.handler = (event, context, callback) => { setTimeout(() => callback(null, "late"), 50); return { ignored: true }; };');
  fn('callbackError', 'exports.handler = (event, context, callback) => callback(new RangeError("bad range"));');
  fn('callbackString', 'exports.handler = (event, context, callback) => callback("plain failure");');
  fn('asyncThrows', 'exports.handler = async () => { throw new Error("boom"); };');
  fn('unhandled', 'exports.handler = (event, context, callback) => { Promise.reject(new Error("lost")); };');
  fn('contextInfo', 'exports.handler = (event, context, callback) => callback(null, { id: context.awsRequestId, name: context.functionName, remaining: context.getRemainingTimeInMillis(), waits: context.callbackWaitsForEmptyEventLoop, arn: context.invokedFunctionArn });');
  fn('succeedViaContext', 'exports.handler = (event, context) => { context.succeed({ via: "context" }); };');
  fn('slow', 'exports.handler = async () => { await new Promise((r) => setTimeout(r, 300)); return "done"; };');

  const started = await startProcess('runner/lambda-runner.js', { RUNNER_PORT: '0', FUNCTIONS_DIR: dir },
    /^READY runner=(http:\/\/127\.0\.0\.1:\d+)\n/m);
  const base = started.match[1];
  try {
    assert.deepStrictEqual((await invoke(base, 'asyncResult', { x: 42 })).json, { got: 42 });
    const undef = await invoke(base, 'asyncUndefined', {});
    assert.strictEqual(undef.text, 'null');
    assert.strictEqual((await invoke(base, 'callbackLater', {})).json, 'late');

    const cbErr = await invoke(base, 'callbackError', {});
    assert.strictEqual(cbErr.headers.get('x-amz-function-error'), 'Unhandled');
    assert.strictEqual(cbErr.json.errorType, 'RangeError');
    assert.strictEqual(cbErr.json.errorMessage, 'bad range');

    assert.deepStrictEqual((await invoke(base, 'callbackString', {})).json, { errorType: 'string', errorMessage: 'plain failure', trace: [] });
    assert.strictEqual((await invoke(base, 'asyncThrows', {})).json.errorMessage, 'boom');

    const lost = await invoke(base, 'unhandled', {});
    assert.strictEqual(lost.headers.get('x-amz-function-error'), 'Unhandled');
    assert.strictEqual(lost.json.errorType, 'Runtime.UnhandledPromiseRejection');

    const ctx = (await invoke(base, 'contextInfo', {})).json;
    assert.match(ctx.id, /^[0-9a-f-]{36}$/);
    assert.strictEqual(ctx.name, 'contextInfo');
    assert.ok(ctx.remaining > 0);
    assert.strictEqual(ctx.waits, true);
    assert.match(ctx.arn, /^arn:aws:lambda:[^:]+:\d{12}:function:contextInfo$/);

    assert.deepStrictEqual((await invoke(base, 'succeedViaContext', {})).json, { via: 'context' });

    // An ARN or a qualified name names the same function.
    assert.deepStrictEqual((await invoke(base, encodeURIComponent('arn:aws:lambda:us-east-1:000000000000:function:asyncResult'), { x: 1 })).json, { got: 1 });
    assert.deepStrictEqual((await invoke(base, 'asyncResult:$LATEST', { x: 2 })).json, { got: 2 });

    const t0 = Date.now();
    const results = await Promise.all(Array.from({ length: 8 }, () => invoke(base, 'slow', {})));
    const elapsed = Date.now() - t0;
    assert.ok(results.every((r) => r.json === 'done'));
    assert.ok(elapsed < 1500, `8 slow invocations ran concurrently (${elapsed} ms)`);
  } finally {
    await stopProcess(started.child);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('FUNCTIONS_DIRS: more folders searched after functions/, which wins on a name in both', async () => {
  const extra = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-runner-extra-'));
  const write = (name, code) => {
    fs.mkdirSync(path.join(extra, name));
    fs.writeFileSync(path.join(extra, name, 'index.js'), code);
  };
  write('echoBack', 'exports.handler = async (event) => ({ statusCode: 200, body: JSON.parse(event.body).message });');
  write('broadcastMessage', 'exports.handler = async () => "the extra folder\'s copy";');

  const started = await startProcess('runner/lambda-runner.js', { RUNNER_PORT: '0', FUNCTIONS_DIRS: `/nonexistent${path.delimiter}${extra}` },
    /^READY runner=(http:\/\/127\.0\.0\.1:\d+)\n/m);
  const base = started.match[1];
  try {
    assert.deepStrictEqual((await invoke(base, 'echoBack', { body: '{"message":"hi"}' })).json, { statusCode: 200, body: 'hi' });
    // The seed's broadcastMessage (functions/) answers 403 without a key; the extra folder's copy would answer a string.
    assert.deepStrictEqual((await invoke(base, 'broadcastMessage', { requestContext: { connectionId: 'a' }, body: '{}' })).json, { statusCode: 403 });
    assert.strictEqual((await invoke(base, 'notAnywhere', {})).status, 404);
  } finally {
    await stopProcess(started.child);
    fs.rmSync(extra, { recursive: true, force: true });
  }
});
