'use strict';
// Starts the seed's backend locally: dynalite (DynamoDB) with the table clientConnectionInfo, and the Lambda
// Invoke API runner serving the four functions. Prints one line when both are ready:
//   READY runner=http://127.0.0.1:PORT dynamodb=http://127.0.0.1:PORT
// RUNNER_PORT (default 9001) and DYNALITE_PORT (default 4567) pick the ports; 0 picks free ones.
// FUNCTIONS_DIRS (folders separated by ':') serves functions from more folders, searched after functions/.
// DYNAMODB_ENDPOINT set to an existing DynamoDB (e.g. http://127.0.0.1:8000 for DynamoDB Local) skips dynalite.

const TABLE = 'clientConnectionInfo';
const HOST = '127.0.0.1';

function portFrom(value, fallback) {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`start.js: bad port '${value}'\n`);
    process.exit(2);
  }
  return port;
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

async function ensureTable(AWS, endpoint) {
  const dynamodb = new AWS.DynamoDB({ endpoint });
  try {
    await dynamodb.describeTable({ TableName: TABLE }).promise();
    return;
  } catch (err) {
    if (err.code !== 'ResourceNotFoundException') throw err;
  }
  try {
    await dynamodb.createTable({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'connectionid', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'connectionid', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }).promise();
  } catch (err) {
    if (err.code !== 'ResourceInUseException') throw err;
  }
  await dynamodb.waitFor('tableExists', { TableName: TABLE, $waiter: { delay: 1, maxAttempts: 30 } }).promise();
}

async function main() {
  const runnerPort = portFrom(process.env.RUNNER_PORT, 9001);
  let dynalite = null;
  let endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) {
    dynalite = require('dynalite')({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    const port = await listen(dynalite, portFrom(process.env.DYNALITE_PORT, 4567));
    endpoint = `http://${HOST}:${port}`;
    process.env.DYNAMODB_ENDPOINT = endpoint;
  }

  // The runner configures aws-sdk (region, credentials, sslEnabled, DynamoDB endpoint) before loading any function.
  const { createRunner, configureAwsSdk } = require('./runner/lambda-runner.js');
  const runner = createRunner();
  await ensureTable(configureAwsSdk(), endpoint);
  const port = await listen(runner, runnerPort);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const closing = [new Promise((r) => runner.close(() => r()))];
    if (runner.closeAllConnections) runner.closeAllConnections();
    if (dynalite) {
      closing.push(new Promise((r) => dynalite.close(() => r())));
      if (dynalite.closeAllConnections) dynalite.closeAllConnections();
    }
    const force = setTimeout(() => process.exit(0), 3000);
    force.unref();
    Promise.all(closing).then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  process.stdout.write(`READY runner=http://${HOST}:${port} dynamodb=${endpoint}\n`);
}

main().catch((err) => {
  process.stderr.write(`start.js: ${err && err.stack || err}\n`);
  process.exit(1);
});
