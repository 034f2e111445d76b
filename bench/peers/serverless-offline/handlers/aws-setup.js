'use strict';
// Runs in each serverless-offline worker thread before the seed's function loads; the function stays unchanged.
//  1. Module resolution: the functions (in examples/seed-lambdas/functions) find aws-sdk in
//     examples/seed-lambdas/node_modules after `npm ci` there; without it, this peer's node_modules is put on
//     NODE_PATH so they find the copy installed here.
//  2. aws-sdk v2 gets region, credentials, sslEnabled false and the DynamoDB endpoint (DYNAMODB_ENDPOINT), through
//     the same configure-aws-sdk.js that examples/seed-lambdas' runner uses.
//  3. The callback URL: serverless-offline 13 hands functions requestContext.domainName "localhost" (no port) and
//     stage "local", and serves the management API as POST http://HOST:WS_PORT/@connections/{id} (no stage
//     prefix). The seed's `domainName + '/' + stage` therefore means http://localhost:80/local, which nothing
//     serves. A request listener maps exactly that endpoint (host "localhost", no port) to
//     http://127.0.0.1:SEED_WS_PORT/ for ApiGatewayManagementApi requests; any other endpoint is left alone.
const path = require('node:path');
const Module = require('node:module');

const FUNCTIONS_DIR = path.resolve(__dirname, '../../../../examples/seed-lambdas/functions');
const OWN_NODE_MODULES = path.resolve(__dirname, '..', 'node_modules');

function resolvesAwsSdk() {
  try {
    require.resolve('aws-sdk', { paths: [FUNCTIONS_DIR] });
    return true;
  } catch {
    return false;
  }
}

if (!resolvesAwsSdk()) {
  const extra = [process.env.SEED_NODE_MODULES, OWN_NODE_MODULES].filter(Boolean);
  process.env.NODE_PATH = [...extra, process.env.NODE_PATH].filter(Boolean).join(path.delimiter);
  Module._initPaths(); // re-read NODE_PATH (what `node` does at start)
}

const { configureAwsSdk } = require('../../../../examples/seed-lambdas/runner/configure-aws-sdk.js');

const AWS = configureAwsSdk(FUNCTIONS_DIR);

if (!AWS.__seedOfflineCallbackShim) {
  AWS.__seedOfflineCallbackShim = true;
  const wsPort = process.env.SEED_WS_PORT || '3001';
  AWS.events.on('validate', (req) => {
    const service = req.service;
    const isManagementApi = service && service.api && service.api.signingName === 'execute-api';
    const endpoint = req.httpRequest.endpoint;
    if (isManagementApi && endpoint.hostname === 'localhost' && !/:\d+$/.test(endpoint.host)) {
      req.httpRequest.updateEndpoint(`http://127.0.0.1:${wsPort}`);
    }
  });
}
