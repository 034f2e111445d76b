'use strict';
// A small AWS Lambda Invoke API server for Node.js functions, in the spirit of the AWS Lambda Runtime
// Interface Emulator: POST /2015-03-31/functions/{FunctionName}/invocations with the event as the body
// runs functions/{FunctionName}/index.js's `handler` and answers with its result, as Lambda's Invoke API does.
// FUNCTIONS_DIRS (folders separated by ':') adds folders searched after functions/ (e.g. the benchmark's echo
// function in bench/lambdas), so other functions can be served without touching the seed's.
//
// All functions run in this one process, as many invocations in flight as arrive. aws-sdk (v2) is configured
// here, before any function is loaded, so the functions themselves stay exactly as they run on AWS.

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const crypto = require('node:crypto');
const { AsyncLocalStorage } = require('node:async_hooks');

const { configureAwsSdk: configureAwsSdkFrom } = require('./configure-aws-sdk.js');

const FUNCTIONS_DIR = path.resolve(process.env.FUNCTIONS_DIR || path.join(__dirname, '..', 'functions'));
// Searched in order; the first folder with {name}/index.js serves the function.
const SEARCH_DIRS = [FUNCTIONS_DIR, ...(process.env.FUNCTIONS_DIRS || '').split(path.delimiter).filter(Boolean).map((d) => path.resolve(d))];
const HANDLER_EXPORT = 'handler'; // every function is "index.handler", as in the seed
const REGION = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
const ACCOUNT_ID = '000000000000';
const TIMEOUT_SECONDS = Number(process.env.AWS_LAMBDA_FUNCTION_TIMEOUT) > 0 ? Number(process.env.AWS_LAMBDA_FUNCTION_TIMEOUT) : 30;
const MEMORY_MB = process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE || '128';
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

// aws-sdk v2 is configured from outside the functions (configure-aws-sdk.js): the functions' require('aws-sdk')
// resolves to the same module (this example's node_modules), so its settings are the ones their clients get.
function configureAwsSdk(fromDir = FUNCTIONS_DIR, env = process.env) {
  return configureAwsSdkFrom(fromDir, env);
}

// ---------------------------------------------------------------------------------------------------------------
// Invocations
// ---------------------------------------------------------------------------------------------------------------

const invocationStore = new AsyncLocalStorage();
const modules = new Map(); // function name -> loaded module (cached after the first successful load)

/** The function's index.js in the first folder of SEARCH_DIRS that has one, or null. */
function functionFile(name) {
  for (const dir of SEARCH_DIRS) {
    const file = path.join(dir, name, 'index.js');
    if (fs.existsSync(file)) return file;
  }
  return null;
}

function functionExists(name) {
  return FUNCTION_NAME.test(name) && functionFile(name) !== null;
}

/** Loads a function's module once. Throws an error shaped like the Node runtime's import errors. */
function loadHandler(name) {
  let mod = modules.get(name);
  if (!mod) {
    try {
      mod = require(functionFile(name));
    } catch (err) {
      const wrapped = new Error(`${err && err.name === 'SyntaxError' ? err.message : String(err && err.message || err)}`);
      wrapped.name = err && err.name === 'SyntaxError' ? 'Runtime.UserCodeSyntaxError' : 'Runtime.ImportModuleError';
      wrapped.stack = `${wrapped.name}: ${wrapped.message}\n${(err && err.stack || '').split('\n').slice(1).join('\n')}`;
      throw wrapped;
    }
    modules.set(name, mod);
  }
  const handler = mod && mod[HANDLER_EXPORT];
  if (typeof handler !== 'function') {
    const err = new Error(`index.${HANDLER_EXPORT} is undefined or not exported`);
    err.name = 'Runtime.HandlerNotFound';
    throw err;
  }
  return handler;
}

/** The error body Lambda answers for a function error (the Node runtime's format). */
function errorBody(error) {
  try {
    if (util.types.isNativeError(error) || (error instanceof Object && typeof error.message === 'string' && typeof error.stack === 'string')) {
      return {
        errorType: error.name,
        errorMessage: error.message,
        trace: String(error.stack || '').split('\n'),
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

function newRequestId() {
  return crypto.randomUUID();
}

/**
 * Runs one invocation. Resolves to { ok: true, payload } or { ok: false, error: errorBody }.
 * As the Node.js runtime does: the handler gets (event, context, callback); when it returns a promise (an async
 * handler), the promise's outcome is the result; otherwise the first call of callback / context.done /
 * context.succeed / context.fail is. Whichever comes first wins; later ones are ignored.
 */
function invoke(name, event, requestId) {
  return new Promise((resolve) => {
    const started = Date.now();
    const startedPrecise = performance.now();
    const deadline = started + TIMEOUT_SECONDS * 1000;
    const invocation = { requestId, name, settled: false, settle: null };
    let timer = null;

    const finish = (outcome) => {
      if (invocation.settled) return;
      invocation.settled = true;
      clearTimeout(timer);
      const ms = performance.now() - startedPrecise;
      log(`END RequestId: ${requestId}`);
      log(`REPORT RequestId: ${requestId}\tDuration: ${ms.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(ms))} ms\tMemory Size: ${MEMORY_MB} MB`);
      resolve(outcome);
    };
    const succeed = (result) => {
      let payload;
      try {
        payload = result === undefined ? 'null' : JSON.stringify(result);
        if (payload === undefined) payload = 'null'; // e.g. a function value
      } catch (err) {
        const e = new Error(`Unable to stringify response body: ${err.message}`);
        e.name = 'Runtime.SerializationError';
        return finish({ ok: false, error: errorBody(e) });
      }
      finish({ ok: true, payload });
    };
    const fail = (err) => finish({ ok: false, error: errorBody(err) });
    invocation.settle = fail;

    const callback = (err, result) => {
      if (err !== undefined && err !== null) fail(err);
      else succeed(result);
    };
    const context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`,
      memoryLimitInMB: String(MEMORY_MB),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: `${new Date(started).toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${requestId.replace(/-/g, '')}`,
      identity: undefined,
      clientContext: undefined,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: callback,
      succeed: (result) => callback(null, result),
      fail: (err) => callback(err === undefined || err === null ? 'handled' : err),
    };

    timer = setTimeout(() => {
      finish({
        ok: false,
        error: {
          errorType: 'Sandbox.Timedout',
          errorMessage: `RequestId: ${requestId} Error: Task timed out after ${TIMEOUT_SECONDS.toFixed(2)} seconds`,
        },
      });
    }, TIMEOUT_SECONDS * 1000);
    timer.unref();

    invocationStore.run(invocation, () => {
      log(`START RequestId: ${requestId} Version: $LATEST`);
      let handler;
      try {
        handler = loadHandler(name);
      } catch (err) {
        return fail(err);
      }
      let returned;
      try {
        returned = handler(event, context, callback);
      } catch (err) {
        return fail(err);
      }
      if (returned && typeof returned.then === 'function') {
        Promise.resolve(returned).then(succeed, fail);
      }
      // Otherwise (the seed's handlers return undefined or {}) the callback decides, as in the Node runtime.
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Logging: functions' console output goes to stderr, tagged as the Node runtime tags it, so stdout stays free for
// the READY line that start.js prints.
// ---------------------------------------------------------------------------------------------------------------

function log(line) {
  process.stderr.write(line.endsWith('\n') ? line : line + '\n');
}

let consolePatched = false;
function patchConsole() {
  if (consolePatched) return;
  consolePatched = true;
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      const inv = invocationStore.getStore();
      const message = util.format(...args).replace(/\n/g, '\r');
      log(`${new Date().toISOString()}\t${inv ? inv.requestId : 'undefined'}\t${level}\t${message}`);
    };
  }
}

let processHandlersInstalled = false;
function installProcessHandlers() {
  if (processHandlersInstalled) return;
  processHandlersInstalled = true;
  // The Node runtime fails the current invocation on an unhandled rejection or uncaught exception. Here many
  // invocations share the process, so the one whose code caused it fails (when it has not answered yet); the
  // runner itself keeps running. Fire-and-forget work that fails after its invocation answered is only logged.
  process.on('unhandledRejection', (reason) => {
    const inv = invocationStore.getStore();
    const text = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
    log(`${new Date().toISOString()}\t${inv ? inv.requestId : 'undefined'}\tERROR\tUnhandled Promise Rejection\t${text}`);
    if (inv && !inv.settled) {
      const err = new Error(text);
      err.name = 'Runtime.UnhandledPromiseRejection';
      inv.settle(err);
    }
  });
  process.on('uncaughtException', (error) => {
    const inv = invocationStore.getStore();
    log(`${new Date().toISOString()}\t${inv ? inv.requestId : 'undefined'}\tERROR\tUncaught Exception\t${util.inspect(error)}`);
    if (inv && !inv.settled) inv.settle(error);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The Invoke API
// ---------------------------------------------------------------------------------------------------------------

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;

/** "name", "name:qualifier", or an ARN "arn:aws:lambda:region:account:function:name[:qualifier]" -> name. */
function functionNameOf(raw) {
  let name = decodeURIComponent(raw);
  const arn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(name);
  if (arn) return arn[1];
  const colon = name.indexOf(':');
  if (colon >= 0) name = name.slice(0, colon);
  return name;
}

function send(res, status, headers, body) {
  const buf = Buffer.from(body, 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': buf.length, ...headers });
  res.end(buf);
}

function userError(res, status, type, message) {
  send(res, status, { 'x-amzn-ErrorType': type, 'x-amzn-RequestId': newRequestId() }, JSON.stringify({ Type: 'User', message }));
}

async function handleRequest(req, res) {
  const url = new URL(req.url, 'http://localhost');
  const match = INVOKE_PATH.exec(url.pathname);
  if (!match) {
    return userError(res, 404, 'UnknownOperationException', `Unknown operation: ${req.method} ${url.pathname}`);
  }
  if (req.method !== 'POST') {
    return userError(res, 405, 'MethodNotAllowedException', `Method ${req.method} is not allowed; use POST`);
  }
  let name;
  try {
    name = functionNameOf(match[1]);
  } catch {
    name = match[1];
  }
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  if (!functionExists(name)) {
    return userError(res, 404, 'ResourceNotFoundException',
      `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let event;
  if (text.trim() === '') {
    event = {};
  } else {
    try {
      event = JSON.parse(text);
    } catch (err) {
      return userError(res, 400, 'InvalidRequestContentException', `Could not parse request body into json: ${err.message}`);
    }
  }

  const invocationType = req.headers['x-amz-invocation-type'] || 'RequestResponse';
  const requestId = newRequestId();
  const common = { 'x-amzn-RequestId': requestId, 'X-Amz-Executed-Version': '$LATEST' };
  if (invocationType === 'DryRun') {
    return send(res, 204, common, '');
  }
  if (invocationType === 'Event') {
    invoke(name, event, requestId);
    return send(res, 202, common, '');
  }
  if (invocationType !== 'RequestResponse') {
    return userError(res, 400, 'InvalidParameterValueException', `Unsupported invocation type: ${invocationType}`);
  }
  const outcome = await invoke(name, event, requestId);
  if (outcome.ok) {
    send(res, 200, common, outcome.payload);
  } else {
    send(res, 200, { ...common, 'X-Amz-Function-Error': 'Unhandled' }, JSON.stringify(outcome.error));
  }
}

/**
 * Creates the runner's HTTP server (not yet listening). Configures aws-sdk first, from the environment
 * (AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, DYNAMODB_ENDPOINT, AWS_SSL_ENABLED).
 */
function createRunner() {
  configureAwsSdk();
  patchConsole();
  installProcessHandlers();
  const server = http.createServer((req, res) => {
    handleRequest(req, res).catch((err) => {
      log(`runner: ${util.inspect(err)}`);
      if (!res.headersSent) userError(res, 500, 'ServiceException', 'Internal error in the runner');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

module.exports = { createRunner, configureAwsSdk, invoke, functionNameOf, errorBody, FUNCTIONS_DIR, SEARCH_DIRS };

if (require.main === module) {
  const port = Number(process.env.RUNNER_PORT ?? 9001);
  const server = createRunner();
  server.listen(port, '127.0.0.1', () => {
    process.stdout.write(`READY runner=http://127.0.0.1:${server.address().port}\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
