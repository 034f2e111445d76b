'use strict';
// Configures aws-sdk v2 from outside the functions, from the environment. Used by the runner, and by
// aws-preload.js for other hosts (a Lambda base image, serverless-offline) where the runner is not in charge.

/**
 * Configures the aws-sdk v2 module that code in `fromDir` gets from require('aws-sdk').
 * - credentials and region from the standard AWS_* variables (dummies when unset: dynalite ignores them);
 * - sslEnabled false, so an endpoint without a scheme (the seed's `domainName + '/' + stage`) is http://;
 * - the DynamoDB endpoint from DYNAMODB_ENDPOINT (e.g. dynalite's http://127.0.0.1:4567).
 * Returns the AWS module.
 */
function configureAwsSdk(fromDir, env = process.env) {
  if (env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE === undefined) {
    process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
  }
  let sdkPath;
  try {
    sdkPath = require.resolve('aws-sdk', { paths: [fromDir] });
  } catch {
    sdkPath = require.resolve('aws-sdk'); // functions elsewhere that cannot see one: configure the runner's own
  }
  const AWS = require(sdkPath);
  const credentials = new AWS.Credentials(
    env.AWS_ACCESS_KEY_ID || 'local',
    env.AWS_SECRET_ACCESS_KEY || 'local',
    env.AWS_SESSION_TOKEN || undefined);
  AWS.config.update({
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    credentials,
    sslEnabled: env.AWS_SSL_ENABLED === 'true',
  });
  if (env.DYNAMODB_ENDPOINT) {
    AWS.config.dynamodb = { endpoint: env.DYNAMODB_ENDPOINT };
  }
  return AWS;
}

module.exports = { configureAwsSdk };
