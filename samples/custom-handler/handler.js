// An Azure Functions custom handler: the host POSTs /<functionName> with {"Data": {...}, "Metadata": {...}} and
// reads {"Outputs", "Logs", "ReturnValue"}. The same handler runs under the Azure Functions host unchanged.
// Run: FUNCTIONS_CUSTOMHANDLER_PORT=9001 node samples/custom-handler/handler.js
const http = require('node:http');

const port = Number(process.env.FUNCTIONS_CUSTOMHANDLER_PORT ?? 9001);
http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    const { Data, Metadata } = JSON.parse(body);
    const functionName = req.url.slice(1);
    const event = Data.event ?? {};
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({
      Outputs: {},
      Logs: [`${functionName} handling ${Metadata.RequestId}`],
      ReturnValue: { upper: String(event.text ?? '').toUpperCase(), function: functionName },
    }));
  });
}).listen(port, '127.0.0.1', () => console.log(`custom handler listening on ${port}`));
