'use strict';
// Configures aws-sdk for the local stack, then serves the seed's unchanged function.
require('./aws-setup.js');
module.exports = require('../../../../examples/seed-lambdas/functions/saveClientConnection/index.js');
