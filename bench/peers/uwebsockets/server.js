// A uWebSockets.js server written the way its documentation and examples write a broadcast: every socket
// subscribes to one topic on open, and a message is published to it from the sender's socket. It speaks the
// seed's protocol: {"action":"onMessage","message":"TEXT","key":"1234"} sends TEXT to every other connected client.
// Used as a peer by bench/run.sh; not part of Switchboard. The package and its settings: README.md beside this file.
'use strict';

const uWS = require('uwebsockets');

const port = Number(process.env.PORT || process.argv[2] || 8084);
const host = process.env.HOST || '127.0.0.1';
const TOPIC = 'all';

let listenSocket = null;

const app = uWS.App()
  .ws('/*', {
    // uWebSockets.js's defaults, written out: they are what a user who does not set them gets, and what the
    // comparison uses (README.md: why each is fair).
    compression: uWS.DISABLED,
    maxPayloadLength: 16 * 1024,
    maxBackpressure: 64 * 1024,
    closeOnBackpressureLimit: false,
    idleTimeout: 120,
    sendPingsAutomatically: true,

    open: (ws) => {
      ws.subscribe(TOPIC);
    },
    message: (ws, message) => {
      // message is an ArrayBuffer valid only during this call; the string made here is a copy.
      let body;
      try {
        body = JSON.parse(Buffer.from(message).toString('utf8'));
      } catch {
        return;
      }
      if (!body || body.action !== 'onMessage' || body.key !== '1234' || typeof body.message !== 'string') {
        return;
      }
      // WebSocket.publish reaches every subscriber of the topic except this socket (App.publish would include it).
      ws.publish(TOPIC, body.message, false);
    },
  })
  // A plain HTTP request gets what the ws package answers: 426. bench/run.sh polls for any answer to know it is up.
  .any('/*', (res) => {
    res.writeStatus('426 Upgrade Required').end('Upgrade Required');
  })
  .listen(host, port, (socket) => {
    if (!socket) {
      console.error(`could not listen on ${host}:${port}`);
      process.exit(1);
    }
    listenSocket = socket;
    console.log(`listening on ${port}`);
  });

const stop = () => {
  if (listenSocket) {
    uWS.us_listen_socket_close(listenSocket);
    listenSocket = null;
  }
  // Closes every open socket too, so the event loop empties; exit at once rather than wait for it.
  app.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
