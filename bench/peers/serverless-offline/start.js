'use strict';
// The seed's WebSocket stack under serverless-offline (Serverless Framework 3): dynalite in this process with the
// table clientConnectionInfo, then `serverless offline start` as a child process. Prints one line on stdout when
// the WebSocket server accepts connections:
//   READY ws=ws://127.0.0.1:PORT
// WS_PORT (default 3001, 0 = a free port) is the WebSocket port, which also serves the @connections API.
// DYNALITE_PORT (default 0 = a free port) and LAMBDA_PORT (serverless-offline's Lambda invoke port, default a free
// port) may be set too. serverless-offline's own logs go to stderr.

const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');

const HOST = '127.0.0.1';
const TABLE = 'clientConnectionInfo';

function portFrom(value, fallback) {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`start.js: bad port '${value}'\n`);
    process.exit(2);
  }
  return port;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.removeListener('error', reject);
      resolve(server.address().port);
    });
  });
}

async function ensureTable(endpoint) {
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
  const AWS = require('aws-sdk');
  const dynamodb = new AWS.DynamoDB({
    endpoint, region: 'us-east-1', sslEnabled: false, credentials: new AWS.Credentials('local', 'local'),
  });
  try {
    await dynamodb.describeTable({ TableName: TABLE }).promise();
    return;
  } catch (err) {
    if (err.code !== 'ResourceNotFoundException') throw err;
  }
  await dynamodb.createTable({
    TableName: TABLE,
    AttributeDefinitions: [{ AttributeName: 'connectionid', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'connectionid', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  }).promise();
  await dynamodb.waitFor('tableExists', { TableName: TABLE, $waiter: { delay: 1, maxAttempts: 30 } }).promise();
}

/** The WebSocket port answers plain HTTP with 426 once serverless-offline's server (and its ws upgrade) is up. */
function probe(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: HOST, port, path: '/', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 426);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}

async function main() {
  let wsPort = portFrom(process.env.WS_PORT, 3001);
  if (wsPort === 0) wsPort = await freePort();
  let lambdaPort = portFrom(process.env.LAMBDA_PORT, 0);
  if (lambdaPort === 0) lambdaPort = await freePort();

  const dynalite = require('dynalite')({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const dynamoPort = await listen(dynalite, portFrom(process.env.DYNALITE_PORT, 0));
  const dynamoEndpoint = `http://${HOST}:${dynamoPort}`;
  await ensureTable(dynamoEndpoint);

  const serverlessBin = require.resolve('serverless/bin/serverless.js');
  const child = spawn(process.execPath, [
    serverlessBin, 'offline', 'start',
    '--host', HOST,
    '--websocketPort', String(wsPort),
    '--lambdaPort', String(lambdaPort),
    '--noTimeout',
  ], {
    cwd: __dirname,
    env: {
      ...process.env,
      WS_PORT: String(wsPort),
      DYNAMODB_ENDPOINT: dynamoEndpoint,
      AWS_REGION: process.env.AWS_REGION || 'us-east-1',
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID || 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY || 'local',
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      SLS_DEPRECATION_DISABLE: '*',
      SLS_INTERACTIVE_SETUP_DISABLE: '1',
      SEED_NODE_MODULES: path.join(__dirname, 'node_modules'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(process.stderr);
  child.stderr.pipe(process.stderr);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => { child.kill('SIGKILL'); process.exit(0); }, 5000);
    force.unref();
    const childDone = child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    const dynaliteDone = new Promise((r) => dynalite.close(() => r()));
    if (dynalite.closeAllConnections) dynalite.closeAllConnections();
    Promise.all([childDone, dynaliteDone]).then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`start.js: serverless offline exited (${signal || code})\n`);
    dynalite.close();
    process.exit(code || 1);
  });

  const deadline = Date.now() + 60_000;
  while (!(await probe(wsPort))) {
    if (stopping) return;
    if (Date.now() > deadline) {
      process.stderr.write('start.js: serverless offline did not open the WebSocket port within 60 s\n');
      stop();
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.stdout.write(`READY ws=ws://${HOST}:${wsPort}\n`);
}

main().catch((err) => {
  process.stderr.write(`start.js: ${err && err.stack || err}\n`);
  process.exit(1);
});
