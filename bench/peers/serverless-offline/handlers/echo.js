'use strict';
// The benchmark's echo function (bench/lambdas/echo). It uses no AWS service, so it needs no aws-setup.js.
module.exports = require('../../../lambdas/echo/index.js');
