// Lambda function code on each runtime — Python, Node.js, a provided (shell) bootstrap and the official Node runtime
// interface client (aws-lambda-ric) — deployed as zips and invoked with the real AWS SDK for JavaScript v3.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LambdaClient, CreateFunctionCommand, InvokeCommand, PutFunctionEventInvokeConfigCommand, PutFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { startSilo } from './silo.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ric = path.join(here, 'ric', 'node_modules', 'aws-lambda-ric', 'bin', 'index.mjs');
// The client's native part (aws-lambda-cpp with curl) is compiled when tests/compat/ric is installed.
const ricBuilt = existsSync(path.join(here, 'ric', 'node_modules', 'aws-lambda-ric', 'dist', 'rapid-client.node'));
const folder = mkdtempSync(path.join(tmpdir(), 'asyncinvoke-runtimes-'));
const role = 'arn:aws:iam::000000000000:role/r';
let silo;
let lambda;

// A zip of the given files (name → text; a name ending in * is made executable).
function zip(files) {
  const dir = path.join(folder, randomUUID());
  mkdirSync(dir);
  const file = path.join(dir, 'package.zip');
  execFileSync('python3', ['-c', `import json,sys,zipfile
z=zipfile.ZipFile(sys.argv[1],'w')
for name,text in json.load(sys.stdin).items():
    i=zipfile.ZipInfo(name.rstrip('*')); i.external_attr=(0o100755 if name.endswith('*') else 0o100644)<<16
    z.writestr(i,text)
z.close()`, file], { input: JSON.stringify(files) });
  return readFileSync(file);
}

const decode = (bytes) => JSON.parse(new TextDecoder().decode(bytes));

async function create(runtime, handler, files, extra = {}) {
  const name = `${runtime.replace(/[^a-z]/g, '')}-${randomUUID().slice(0, 8)}`;
  await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: runtime, Handler: handler, Role: role, Code: { ZipFile: zip(files) }, ...extra }));
  return name;
}

// Waits for a condition the silo brings about (a file written by the function, a message on a queue).
async function eventually(probe, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const lines = (file) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

before(async () => {
  // Retries a second apart instead of Lambda's minute, so that a retried failure ends within the test.
  silo = await startSilo({ AsyncInvoke__FirstRetryDelay: '00:00:01', AsyncInvoke__ThrottleInitialBackoff: '00:00:00.200' });
  lambda = new LambdaClient({ endpoint: silo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
});

after(() => {
  silo?.stop();
  rmSync(folder, { recursive: true, force: true });
});

test('python3.12: a zip created with the SDK answers synchronously with its context, environment and log tail', async () => {
  const name = await create('python3.12', 'lambda_function.lambda_handler', {
    'lambda_function.py': `import os
calls = 0
def lambda_handler(event, context):
    global calls
    calls += 1
    print("order", event.get("order"))
    return {"event": event, "calls": calls, "requestId": context.aws_request_id, "stage": os.environ["STAGE"]}
`,
  }, { Environment: { Variables: { STAGE: 'prod' } } });

  const first = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{"order":1}', LogType: 'Tail' }));
  const second = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{"order":2}' }));
  const answer = decode(first.Payload);
  const log = Buffer.from(first.LogResult, 'base64').toString('utf8');

  assert.deepEqual(answer.event, { order: 1 });
  assert.equal(answer.stage, 'prod');
  assert.equal(answer.requestId, first.$metadata.requestId);
  assert.equal(decode(second.Payload).calls, 2, 'the warm environment keeps module state');
  assert.match(log, new RegExp(`^START RequestId: ${answer.requestId} Version: \\$LATEST\\n`));
  assert.match(log, /order 1\n/);
  assert.match(log, new RegExp(`REPORT RequestId: ${answer.requestId}\\tDuration: [0-9.]+ ms\\tBilled Duration: [0-9]+ ms`));
  assert.equal(second.LogResult, undefined);
});

test('python3.12: an async failure is retried under the same request id, then its record reaches the OnFailure queue', async () => {
  const seen = path.join(folder, `${randomUUID()}.log`);
  const queue = `failures-${randomUUID().slice(0, 8)}`;
  const name = await create('python3.12', 'app.handler', {
    'app.py': `import os
class PaymentDeclined(Exception):
    pass
def handler(event, context):
    with open(os.environ["SEEN"], "a") as f:
        f.write(context.aws_request_id + "\\n")
    raise PaymentDeclined("card declined for order %s" % event["order"])
`,
  }, { Environment: { Variables: { SEEN: seen } } });
  await lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: name, MaximumRetryAttempts: 1,
    DestinationConfig: { OnFailure: { Destination: `arn:aws:sqs:us-east-1:000000000000:${queue}` } },
  }));

  const accepted = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: '{"order":42}' }));
  const requestId = accepted.$metadata.requestId;
  const [message] = await eventually(async () => {
    const received = await (await fetch(`${silo.endpoint}/queues/${queue}/messages?waitSeconds=1`)).json();
    return received.length > 0 ? received : null;
  }, 'the OnFailure record');
  const record = JSON.parse(message.body);

  assert.equal(accepted.StatusCode, 202);
  assert.deepEqual(lines(seen), [requestId, requestId], 'both attempts saw the invocation request id');
  assert.equal(record.requestContext.requestId, requestId);
  assert.equal(record.requestContext.condition, 'RetriesExhausted');
  assert.equal(record.requestContext.approximateInvokeCount, 2);
  assert.equal(record.responseContext.functionError, 'Unhandled');
  assert.equal(record.responsePayload.errorType, 'PaymentDeclined');
  assert.equal(record.responsePayload.errorMessage, 'card declined for order 42');
});

test('nodejs20.x: reserved concurrency bounds the environments that run a burst of events', async () => {
  const seen = path.join(folder, `${randomUUID()}.log`);
  const name = await create('nodejs20.x', 'index.handler', {
    'index.mjs': `import { appendFileSync } from 'node:fs';
export const handler = async () => {
  await new Promise((resolve) => setTimeout(resolve, 200));
  appendFileSync(process.env.SEEN, process.pid + '\\n');
  return process.pid;
};
`,
  }, { Environment: { Variables: { SEEN: seen } } });
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 2 }));

  await Promise.all(Array.from({ length: 8 }, (_, i) =>
    lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: JSON.stringify({ i }) }))));
  const pids = await eventually(() => (lines(seen).length === 8 ? lines(seen) : null), 'eight events to run');

  assert.ok(new Set(pids).size <= 2, `at most two environments ran the burst (pids ${[...new Set(pids)]})`);
});

test('provided.al2023: a shell bootstrap runs an event asynchronously', async () => {
  const seen = path.join(folder, `${randomUUID()}.log`);
  const name = await create('provided.al2023', 'function.handler', {
    'bootstrap*': `#!/bin/sh
set -eu
while true; do
  HEADERS="$(mktemp)"
  EVENT=$(curl -sS -LD "$HEADERS" "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next")
  ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  echo "$ID $EVENT" >> "$SEEN"
  curl -sS "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$ID/response" -d '"done"' >/dev/null
done
`,
  }, { Environment: { Variables: { SEEN: seen } } });

  const accepted = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: '{"n":7}' }));
  const [line] = await eventually(() => (lines(seen).length > 0 ? lines(seen) : null), 'the event to run');

  assert.equal(line, `${accepted.$metadata.requestId} {"n":7}`);
});

test('aws-lambda-ric: the official Node runtime interface client runs a handler against the Runtime API', {
  skip: !ricBuilt && 'aws-lambda-ric is not built here (npm ci in tests/compat/ric needs autoconf, automake, libtool, make and g++)',
}, async () => {
  const name = await create('provided.al2023', 'index.handler', {
    'bootstrap*': '#!/bin/sh\nexec node "$RIC" "$_HANDLER"\n',
    'index.mjs': `let calls = 0;
export const handler = async (event, context) => {
  if (event.fail) throw new TypeError('bad order ' + event.order);
  calls += 1;
  return { event, calls, requestId: context.awsRequestId, arn: context.invokedFunctionArn, fn: context.functionName,
           remaining: context.getRemainingTimeInMillis(), custom: context.clientContext?.Custom ?? context.clientContext?.custom ?? null };
};
`,
  }, { Environment: { Variables: { RIC: ric } }, Timeout: 10 });
  const clientContext = Buffer.from(JSON.stringify({ custom: { tenant: 'acme' } })).toString('base64');

  const first = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{"order":1}', ClientContext: clientContext }));
  const second = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{"order":2}' }));
  const failed = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{"order":3,"fail":true}' }));
  const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  const answer = decode(first.Payload);

  assert.equal(first.FunctionError, undefined, new TextDecoder().decode(first.Payload));
  assert.deepEqual(answer.event, { order: 1 });
  assert.equal(answer.requestId, first.$metadata.requestId);
  assert.equal(answer.arn, config.FunctionArn);
  assert.equal(answer.fn, name);
  assert.ok(answer.remaining > 0 && answer.remaining <= 10_000, `remaining ${answer.remaining}`);
  assert.deepEqual(answer.custom, { tenant: 'acme' });
  assert.equal(decode(second.Payload).calls, 2, 'the environment stays warm');
  assert.equal(failed.FunctionError, 'Unhandled');
  assert.equal(decode(failed.Payload).errorType, 'TypeError');
  assert.equal(decode(failed.Payload).errorMessage, 'bad order 3');
});

test('nodejs20.x: a timeout ends the environment, and the next invocation gets a fresh one', async () => {
  const name = await create('nodejs20.x', 'index.handler', {
    'index.mjs': `let calls = 0;
export const handler = async (event) => {
  calls += 1;
  if (event.hang) await new Promise(() => {});
  return { calls, pid: process.pid };
};
`,
  }, { Timeout: 1 });

  const warm = decode((await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{}' }))).Payload);
  const timedOut = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{"hang":true}' }));
  const fresh = decode((await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{}' }))).Payload);

  assert.equal(timedOut.FunctionError, 'Unhandled');
  assert.equal(decode(timedOut.Payload).errorMessage, 'Task timed out after 1.00 seconds');
  assert.equal(fresh.calls, 1, 'module state starts over');
  assert.notEqual(fresh.pid, warm.pid);
});
