'use strict';
// node --require .../runner/aws-preload.js (or NODE_OPTIONS="--require .../runner/aws-preload.js"):
// configures aws-sdk v2 from the environment before any function code loads, so unchanged functions
// reach a local DynamoDB (DYNAMODB_ENDPOINT) and post to http:// callback URLs (sslEnabled false).
// The aws-sdk configured is the one code in LAMBDA_TASK_ROOT (the Lambda runtime's task folder) or
// AWS_PRELOAD_FROM resolves, falling back to the one this file resolves.
const { configureAwsSdk } = require('./configure-aws-sdk.js');

configureAwsSdk(process.env.AWS_PRELOAD_FROM || process.env.LAMBDA_TASK_ROOT || process.cwd());
