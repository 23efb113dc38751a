// A process function: the event arrives on stdin, the response goes to stdout, a non-zero exit is a function
// error whose message is the last line written to stderr. ASYNCINVOKE_* variables describe the attempt.
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const event = input ? JSON.parse(input) : {};
  if (event.fail) {
    console.error(`refusing request ${process.env.ASYNCINVOKE_REQUEST_ID}: fail was set`);
    process.exit(2);
  }
  process.stdout.write(JSON.stringify({
    upper: String(event.text ?? '').toUpperCase(),
    attempt: Number(process.env.ASYNCINVOKE_ATTEMPT),
  }));
});
