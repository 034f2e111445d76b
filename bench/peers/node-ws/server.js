// A plain Node.js WebSocket server on the `ws` package, written the way a typical developer writes one.
// It speaks the seed's protocol: {"action":"onMessage","message":"TEXT","key":"1234"} sends TEXT to every
// other connected client. Used as a peer by bench/run.sh; not part of Switchboard.
'use strict';

const { WebSocketServer, WebSocket } = require('ws');

const port = Number(process.env.PORT || process.argv[2] || 8081);
const wss = new WebSocketServer({ port, host: process.env.HOST || '127.0.0.1' });

wss.on('connection', (ws) => {
  ws.on('error', () => {});
  ws.on('message', (data) => {
    let body;
    try {
      body = JSON.parse(data);
    } catch {
      return;
    }
    if (!body || body.action !== 'onMessage' || body.key !== '1234' || typeof body.message !== 'string') {
      return;
    }
    for (const client of wss.clients) {
      if (client !== ws && client.readyState === WebSocket.OPEN) {
        client.send(body.message);
      }
    }
  });
});

wss.on('listening', () => console.log(`listening on ${port}`));

const stop = () => wss.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
