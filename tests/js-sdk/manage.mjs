// One management call with the AWS SDK for JavaScript v3, as a user's Lambda or backend makes it, printed as one JSON
// line so tests/Switchboard.Tests/Process/JsSdkTests.cs can assert on the SDK's own view of the outcome.
//
//   node manage.mjs post|get|delete|presign --endpoint http://127.0.0.1:PORT/STAGE --connection-id ID
//        [--region us-east-1] [--data TEXT] [--max-attempts N] [--clock-offset-ms=MS] [--signing-date ISO-8601]
//        [--expires-in SECONDS]
//
// The credential comes from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY only (never a profile or instance metadata).
// Prints {"ok":true,...} or {"ok":false,"name":...,"status":...,"message":...} and exits 0 either way; it exits 2,
// printing to stderr, only when it is called wrongly.
//
// --clock-offset-ms sets the client's systemClockOffset, so the SDK signs as if its clock were that far off. The SDK
// then corrects the offset from the refusal's Date header by itself; whether it also retries depends on the refusal
// (see JsSdkTests), and "attempts" and "clockOffsetMs" in the output show what it did. --max-attempts 1 shows the
// first refusal as it is. (The SDK's disableClockSkewCorrection option is no way to keep a skew: it signs with the
// machine's clock and ignores systemClockOffset altogether.)
//
// "presign" pre-signs a GetConnection as @aws-sdk/s3-request-presigner does for S3: the command goes through the
// client's own middleware up to signing (so path and host are the SDK's), then the client's signer, @smithy/signature-v4's
// SignatureV4, pre-signs it instead of signing its headers. --signing-date signs as of that date (one in the past
// makes a URL that has already expired); --expires-in defaults to 900 seconds.

import { parseArgs } from "node:util";
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";

const usage =
  "usage: node manage.mjs post|get|delete|presign --endpoint URL --connection-id ID [--region R] [--data TEXT] " +
  "[--max-attempts N] [--clock-offset-ms=MS] [--signing-date ISO] [--expires-in S]";

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      endpoint: { type: "string" },
      region: { type: "string", default: "us-east-1" },
      "connection-id": { type: "string" },
      data: { type: "string", default: "" },
      "max-attempts": { type: "string", default: "3" },
      "clock-offset-ms": { type: "string", default: "0" },
      "signing-date": { type: "string" },
      "expires-in": { type: "string", default: "900" },
    },
  });
} catch (err) {
  fail(err.message);
}

const { positionals, values } = parsed;
const operation = positionals[0];
if (positionals.length !== 1 || !["post", "get", "delete", "presign"].includes(operation)) {
  fail(`expected one operation, post, get, delete or presign; got ${JSON.stringify(positionals)}`);
}

if (!values.endpoint || !values["connection-id"]) {
  fail("--endpoint and --connection-id are required");
}

const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = process.env;
if (!accessKeyId || !secretAccessKey) {
  fail("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set");
}

const client = new ApiGatewayManagementApiClient({
  endpoint: values.endpoint,
  region: values.region,
  credentials: { accessKeyId, secretAccessKey },
  maxAttempts: integer("max-attempts"),
  systemClockOffset: integer("clock-offset-ms"),
});

const ConnectionId = values["connection-id"];
const outcome = await run().catch((err) => ({
  ok: false,
  name: err.name,
  status: err.$metadata?.httpStatusCode,
  message: err.message,
  attempts: err.$metadata?.attempts,
  clockOffsetMs: client.config.systemClockOffset,
}));
process.stdout.write(JSON.stringify({ operation, ...outcome }) + "\n");

async function run() {
  switch (operation) {
    case "post":
      return answer(await client.send(new PostToConnectionCommand({ ConnectionId, Data: new TextEncoder().encode(values.data) })));
    case "get":
      return answer(await client.send(new GetConnectionCommand({ ConnectionId })));
    case "delete":
      return answer(await client.send(new DeleteConnectionCommand({ ConnectionId })));
    case "presign":
      return { ok: true, url: await presignGetConnection() };
  }
}

function answer({ $metadata, ...output }) {
  return { ok: true, status: $metadata.httpStatusCode, attempts: $metadata.attempts, clockOffsetMs: client.config.systemClockOffset, ...output };
}

async function presignGetConnection() {
  const signingDate = values["signing-date"] ? new Date(values["signing-date"]) : new Date();
  if (Number.isNaN(signingDate.getTime())) {
    fail(`--signing-date is not a date: ${values["signing-date"]}`);
  }

  const command = new GetConnectionCommand({ ConnectionId });
  command.middlewareStack.addRelativeTo(
    (next, context) => async ({ request }) => {
      // Headers the SDK adds for its own bookkeeping: a browser or curl GETting the URL does not send them, so they
      // must not be signed (s3-request-presigner drops the same three).
      for (const name of ["amz-sdk-invocation-id", "amz-sdk-request", "x-amz-user-agent"]) {
        delete request.headers[name];
      }

      const signer = await client.config.signer(context.endpointV2?.properties?.authSchemes?.[0]);
      const presigned = await signer.presign(request, { signingDate, expiresIn: integer("expires-in") });
      return { response: {}, output: { $metadata: { httpStatusCode: 200 }, url: formatUrl(presigned) } };
    },
    { name: "presignInsteadOfSigning", relation: "before", toMiddleware: "httpSigningMiddleware", override: true },
  );
  return (await client.send(command)).url;
}

function formatUrl({ protocol, hostname, port, path, query }) {
  // SigV4's own escaping (RFC 3986 unreserved characters kept), so the query reads back as it was signed.
  const escape = (text) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const search = Object.entries(query).map(([name, value]) => `${escape(name)}=${escape(value)}`).join("&");
  return `${protocol}//${hostname}${port ? `:${port}` : ""}${path}?${search}`;
}

function integer(name) {
  const value = Number(values[name]);
  if (!Number.isInteger(value)) {
    fail(`--${name} must be a whole number; got ${values[name]}`);
  }

  return value;
}

function fail(message) {
  process.stderr.write(`manage.mjs: ${message}\n${usage}\n`);
  process.exit(2);
}
