// Signature Version 4 with the real AWS SDK for JavaScript v3 (and the AWS CLI where installed) against a silo that
// has credentials configured: every outcome a caller can meet, in AWS's own error types and words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import {
  LambdaClient, CreateFunctionCommand, GetFunctionConfigurationCommand, InvokeCommand, ListFunctionsCommand, ListTagsCommand,
  TagResourceCommand, AddPermissionCommand, GetPolicyCommand,
} from '@aws-sdk/client-lambda';
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import { startSilo } from './silo.mjs';

const admin = { accessKeyId: 'AKIACOMPATADMIN00001', secretAccessKey: 'compat-admin-secret-1f9d' };
const reader = { accessKeyId: 'AKIACOMPATREAD000001', secretAccessKey: 'compat-read-secret-7a2c' };
let silo;

class Sha256 {
  constructor(secret) { this.hash = secret ? createHmac('sha256', secret) : createHash('sha256'); }
  update(data) { this.hash.update(data); }
  async digest() { return new Uint8Array(this.hash.digest()); }
}

const client = (credentials, extra = {}) => new LambdaClient({ endpoint: silo.endpoint, region: 'us-east-1', credentials, maxAttempts: 1, ...extra });
const unique = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;

async function rejectsWith(promise, name, message) {
  await assert.rejects(promise, (error) => {
    assert.equal(error.name, name, `expected ${name}, got ${error.name}: ${error.message}`);
    assert.equal(error.$metadata?.httpStatusCode, 403);
    if (message instanceof RegExp) {
      assert.match(error.message, message);
    } else if (message !== undefined) {
      assert.equal(error.message, message);
    }
    return true;
  });
}

// A request signed by the SDK's own signer, sent with fetch: for presigned URLs and UNSIGNED-PAYLOAD.
function signer(credentials) {
  return new SignatureV4({ credentials, region: 'us-east-1', service: 'lambda', sha256: Sha256 });
}

function requestFor(path, method = 'GET', headers = {}, body = undefined) {
  const url = new URL(silo.endpoint);
  return { method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path, headers: { host: url.host, ...headers }, body };
}

async function send(signed) {
  const query = new URLSearchParams(signed.query ?? {}).toString();
  return fetch(`${silo.endpoint}${signed.path}${query ? `?${query}` : ''}`, { method: signed.method, headers: signed.headers, body: signed.body });
}

before(async () => {
  silo = await startSilo({
    [`AsyncInvoke__Auth__Credentials__${admin.accessKeyId}__Secret`]: admin.secretAccessKey,
    [`AsyncInvoke__Auth__Credentials__${reader.accessKeyId}__Secret`]: reader.secretAccessKey,
    [`AsyncInvoke__Auth__Credentials__${reader.accessKeyId}__Role`]: 'read',
  });
});

after(() => silo?.stop());

test('SigV4: the configured key creates, invokes and reads with the SDK unchanged', async () => {
  const lambda = client(admin);
  const name = unique('signed');
  await lambda.send(new CreateFunctionCommand({ FunctionName: name, Role: 'arn:aws:iam::000000000000:role/any', PackageType: 'Image', Code: { ImageUri: 'dotnet:echo' } }));
  const accepted = await lambda.send(new InvokeCommand({ FunctionName: `arn:aws:lambda:us-east-1:000000000000:function:${name}`, InvocationType: 'Event', Payload: '{"a":1}' }));
  assert.equal(accepted.StatusCode, 202);
  const answered = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{"b":2}' }));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(answered.Payload)), { b: 2 });
  assert.equal((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).FunctionName, name);
});

test('SigV4: an unknown access key is UnrecognizedClientException', async () => {
  await rejectsWith(client({ accessKeyId: 'AKIANOBODY0000000000', secretAccessKey: 'x' }).send(new ListFunctionsCommand({})),
    'UnrecognizedClientException', 'The security token included in the request is invalid.');
});

test('SigV4: a wrong secret is InvalidSignatureException', async () => {
  await rejectsWith(client({ accessKeyId: admin.accessKeyId, secretAccessKey: 'wrong' }).send(new ListFunctionsCommand({})),
    'InvalidSignatureException', /^The request signature we calculated does not match the signature you provided\./);
});

test('SigV4: a clock six minutes behind is a signature expired, which the SDK corrects when it may retry', async () => {
  await rejectsWith(client(admin, { systemClockOffset: -6 * 60 * 1000 }).send(new ListFunctionsCommand({})),
    'InvalidSignatureException', /^Signature expired: \d{8}T\d{6}Z is now earlier than/);
  // With retries the SDK reads the server's Date header, corrects its offset and signs again.
  const retrying = client(admin, { systemClockOffset: -6 * 60 * 1000, maxAttempts: 3 });
  assert.ok(Array.isArray((await retrying.send(new ListFunctionsCommand({}))).Functions));
});

test('SigV4: a request without a signature is refused with AWS\'s error type header', async () => {
  const response = await fetch(`${silo.endpoint}/2015-03-31/functions`);
  assert.equal(response.status, 403);
  assert.equal(response.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
  assert.equal((await response.json()).message, 'Missing Authentication Token');
});

test('SigV4: a read-only key may list but not create, and the denial names the action and the resource', async () => {
  const lambda = client(reader);
  assert.ok(Array.isArray((await lambda.send(new ListFunctionsCommand({}))).Functions));
  const name = unique('denied');
  await rejectsWith(lambda.send(new CreateFunctionCommand({ FunctionName: name, Role: 'r', PackageType: 'Image', Code: { ImageUri: 'dotnet:echo' } })),
    'AccessDeniedException', /is not authorized to perform: lambda:CreateFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:\*/);
  await rejectsWith(lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: '{}' })),
    'AccessDeniedException', /lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:echo/);
});

test('SigV4: tag and policy calls sign paths that carry an ARN; a read-only key may read them but not change them', async () => {
  const name = unique('tagged');
  const arn = `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
  const lambda = client(admin);
  await lambda.send(new CreateFunctionCommand({ FunctionName: name, Role: 'r', PackageType: 'Image', Code: { ImageUri: 'dotnet:echo' }, Tags: { a: '1' } }));
  await lambda.send(new TagResourceCommand({ Resource: arn, Tags: { b: '2' } }));
  await lambda.send(new AddPermissionCommand({ FunctionName: name, StatementId: 'sns', Action: 'lambda:InvokeFunction', Principal: 'sns.amazonaws.com' }));

  const reading = client(reader);
  assert.deepEqual((await reading.send(new ListTagsCommand({ Resource: arn }))).Tags, { a: '1', b: '2' });
  assert.equal(JSON.parse((await reading.send(new GetPolicyCommand({ FunctionName: name }))).Policy).Statement[0].Sid, 'sns');
  await rejectsWith(reading.send(new TagResourceCommand({ Resource: arn, Tags: { c: '3' } })),
    'AccessDeniedException', new RegExp(`lambda:TagResource on resource: ${arn.replaceAll('.', '\\.')} `));
  await rejectsWith(reading.send(new AddPermissionCommand({ FunctionName: name, StatementId: 'x', Action: 'lambda:InvokeFunction', Principal: '*' })),
    'AccessDeniedException', /lambda:AddPermission on resource/);
});

test('SigV4: a presigned URL works until it expires', async () => {
  const presigned = await signer(admin).presign(requestFor('/2015-03-31/functions'), { expiresIn: 60 });
  const ok = await send(presigned);
  assert.equal(ok.status, 200, await ok.clone().text());
  assert.ok(Array.isArray((await ok.json()).Functions));

  const old = await signer(admin).presign(requestFor('/2015-03-31/functions'), { expiresIn: 60, signingDate: new Date(Date.now() - 120_000) });
  const expired = await send(old);
  assert.equal(expired.status, 403);
  assert.equal(expired.headers.get('x-amzn-errortype'), 'InvalidSignatureException');
  assert.match((await expired.json()).message, /^Signature expired/);
});

test('SigV4: UNSIGNED-PAYLOAD is honoured and a declared body hash is checked', async () => {
  const body = '{"unsigned":true}';
  const headers = { 'content-type': 'application/json', 'x-amz-invocation-type': 'Event', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
  const unsigned = await signer(admin).sign(requestFor('/2015-03-31/functions/echo/invocations', 'POST', headers, body));
  assert.equal((await send(unsigned)).status, 202);

  const declared = createHash('sha256').update('{"other":1}').digest('hex');
  const mismatched = await signer(admin).sign(requestFor('/2015-03-31/functions/echo/invocations', 'POST', { ...headers, 'x-amz-content-sha256': declared }, body));
  const refused = await send(mismatched);
  assert.equal(refused.status, 400);
  assert.equal(refused.headers.get('x-amzn-errortype'), 'InvalidSignatureException');
});

const execFileAsync = promisify(execFile);
const hasCli = await execFileAsync('aws', ['--version']).then(() => true, () => false);

test('AWS CLI: signs with the configured key, and a wrong secret fails in AWS\'s words', { skip: hasCli ? false : 'the AWS CLI (aws) is not installed' }, async () => {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: admin.accessKeyId, AWS_SECRET_ACCESS_KEY: admin.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1' };
  const listed = await execFileAsync('aws', ['lambda', 'list-functions', '--endpoint-url', silo.endpoint, '--output', 'json'], { env });
  assert.ok(Array.isArray(JSON.parse(listed.stdout).Functions));
  const invoked = await execFileAsync('aws', ['lambda', 'invoke', '--endpoint-url', silo.endpoint, '--function-name', 'echo', '--invocation-type', 'Event', '--payload', '{}', '/dev/null'], { env });
  assert.equal(JSON.parse(invoked.stdout).StatusCode, 202);

  await assert.rejects(execFileAsync('aws', ['lambda', 'list-functions', '--endpoint-url', silo.endpoint], { env: { ...env, AWS_SECRET_ACCESS_KEY: 'wrong' } }),
    (error) => /InvalidSignatureException/.test(error.stderr) && /does not match the signature you provided/.test(error.stderr));
});

test('SQS: the SDK signs for sqs with the configured key; the read role lists but may not send, in SQS\'s words', async () => {
  const sqs = (credentials) => new SQSClient({ endpoint: silo.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const { QueueUrl } = await sqs(admin).send(new CreateQueueCommand({ QueueName: unique('signed') }));
  await sqs(admin).send(new SendMessageCommand({ QueueUrl, MessageBody: 'signed' }));
  assert.equal((await sqs(admin).send(new ReceiveMessageCommand({ QueueUrl }))).Messages[0].Body, 'signed');
  assert.ok((await sqs(reader).send(new ListQueuesCommand({}))).QueueUrls.includes(QueueUrl));

  await assert.rejects(sqs(reader).send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' })), (error) => {
    assert.equal(error.$metadata?.httpStatusCode, 403);
    assert.match(error.message, /is not authorized to perform: sqs:SendMessage/);
    return true;
  });
  await assert.rejects(sqs({ ...admin, secretAccessKey: 'wrong' }).send(new ListQueuesCommand({})), (error) => {
    assert.equal(error.$metadata?.httpStatusCode, 403);
    assert.match(error.Code ?? error.name, /SignatureDoesNotMatch/);
    return true;
  });
});

test('AWS CLI: SQS over the query protocol, signed for sqs, and a wrong secret fails in SQS\'s words', { skip: hasCli ? false : 'the AWS CLI (aws) is not installed' }, async () => {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: admin.accessKeyId, AWS_SECRET_ACCESS_KEY: admin.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1' };
  const name = unique('cli-signed');
  const created = await execFileAsync('aws', ['sqs', 'create-queue', '--queue-name', name, '--endpoint-url', silo.endpoint, '--output', 'json'], { env });
  const { QueueUrl } = JSON.parse(created.stdout);
  await execFileAsync('aws', ['sqs', 'send-message', '--queue-url', QueueUrl, '--message-body', 'signed by the cli', '--endpoint-url', silo.endpoint], { env });

  await assert.rejects(execFileAsync('aws', ['sqs', 'list-queues', '--endpoint-url', silo.endpoint], { env: { ...env, AWS_SECRET_ACCESS_KEY: 'wrong' } }),
    (error) => /SignatureDoesNotMatch/.test(error.stderr) && /does not match the signature you provided/.test(error.stderr));
});
