'use strict';
// The benchmark's two-way function: answers the message's text, which a route with
// "routeResponseSelectionExpression": "$default" sends back to the sender (bench/integrations.sh, scenario echo).
exports.handler = async (event) => ({ statusCode: 200, body: JSON.parse(event.body).message });
