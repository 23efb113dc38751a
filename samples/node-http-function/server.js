// A plain HTTP function: the runtime POSTs the event; 2xx with a body is success, anything else a function error.
// Headers tell the attempt: X-Request-Id, X-Attempt (1-based), X-Function-Name, X-Deadline.
// Run: PORT=9000 node samples/node-http-function/server.js
const http = require('node:http');

const port = Number(process.env.PORT ?? 9000);
http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    const event = body ? JSON.parse(body) : {};
    const attempt = Number(req.headers['x-attempt']);
    // Fail the first `failTimes` attempts, to show retries.
    if (attempt <= (event.failTimes ?? 0)) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errorType: 'NotYet', errorMessage: `attempt ${attempt} fails on purpose` }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ greeting: `hello ${event.name ?? 'world'}`, attempt, requestId: req.headers['x-request-id'] }));
  });
}).listen(port, '127.0.0.1', () => console.log(`listening on ${port}`));
