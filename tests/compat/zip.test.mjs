// A zip-packaged function on the provided.al2023 runtime, deployed and invoked with the real AWS SDK for JavaScript v3.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LambdaClient, CreateFunctionCommand, InvokeCommand, GetFunctionCommand, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { startSilo } from './silo.mjs';

let silo;
let lambda;
const folder = mkdtempSync(path.join(tmpdir(), 'asyncinvoke-zip-'));

function packageWith(reply) {
  writeFileSync(path.join(folder, 'bootstrap'), `#!/bin/bash
set -euo pipefail
while true; do
  HEADERS="$(mktemp)"
  EVENT=$(curl -sS -LD "$HEADERS" "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next")
  ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  curl -sS "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$ID/response" -d "{\\"reply\\":\\"${reply}\\",\\"event\\":$EVENT,\\"handler\\":\\"$_HANDLER\\"}" >/dev/null
done
`);
  chmodSync(path.join(folder, 'bootstrap'), 0o755);
  const zip = path.join(folder, `${reply}.zip`);
  execFileSync('python3', ['-c', `import zipfile,sys
z=zipfile.ZipFile(sys.argv[1],'w')
i=zipfile.ZipInfo('bootstrap'); i.external_attr=0o100755<<16
z.writestr(i, open(sys.argv[2]).read()); z.close()`, zip, path.join(folder, 'bootstrap')]);
  return readFileSync(zip);
}

before(async () => {
  silo = await startSilo();
  lambda = new LambdaClient({ endpoint: silo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
});

after(() => {
  silo?.stop();
  rmSync(folder, { recursive: true, force: true });
});

test('provided.al2023: CreateFunction with a zip, Invoke, CodeSha256, UpdateFunctionCode', async () => {
  const name = `zip-${randomUUID().slice(0, 8)}`;
  const zip = packageWith('first');
  const created = await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'provided.al2023', Handler: 'my.handler', Role: 'arn:aws:iam::000000000000:role/r', Code: { ZipFile: zip },
  }));
  assert.equal(created.PackageType, 'Zip');
  assert.equal(created.CodeSha256, createHash('sha256').update(zip).digest('base64'));
  assert.equal(created.CodeSize, zip.length);

  const answered = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{"n":1}' }));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(answered.Payload)), { reply: 'first', event: { n: 1 }, handler: 'my.handler' });

  const second = packageWith('second');
  const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: second }));
  assert.equal(updated.CodeSha256, createHash('sha256').update(second).digest('base64'));
  const after = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{"n":2}' }));
  assert.equal(JSON.parse(new TextDecoder().decode(after.Payload)).reply, 'second');

  const got = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
  assert.equal(got.Code.RepositoryType, 'S3');
  const downloaded = Buffer.from(await (await fetch(got.Code.Location)).arrayBuffer());
  assert.deepEqual(downloaded, second);
});

test('nodejs20.x: a Lambda handler deployed as a zip with the SDK, invoked synchronously and as an event', async () => {
  const name = `node-${randomUUID().slice(0, 8)}`;
  writeFileSync(path.join(folder, 'index.mjs'), `let calls = 0;
export const handler = async (event, context) => ({ event, calls: ++calls, requestId: context.awsRequestId, fn: context.functionName });
`);
  const zipPath = path.join(folder, 'node.zip');
  execFileSync('python3', ['-m', 'zipfile', '-c', zipPath, path.join(folder, 'index.mjs')]);
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/r', Code: { ZipFile: readFileSync(zipPath) },
  }));

  const first = JSON.parse(new TextDecoder().decode((await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{"a":1}' }))).Payload));
  // Sent one after the other, the second call finds the first one's environment idle and warm. (An event sent in
  // between would start its attempt at once and could hold that environment, sending the call to a fresh one.)
  const second = JSON.parse(new TextDecoder().decode((await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{"a":3}' }))).Payload));
  const accepted = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: '{"a":2}' }));

  assert.deepEqual(first.event, { a: 1 });
  assert.equal(first.fn, name);
  assert.equal(accepted.StatusCode, 202);
  assert.ok(second.calls >= 2, `the warm environment keeps module state (calls ${second.calls})`);
});
