// The real AWS SDK for JavaScript v3 SQS client (JSON protocol) and the AWS CLI v1 (query protocol) against a
// running silo's built-in queues, with only the endpoint overridden.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  SQSClient, CreateQueueCommand, GetQueueUrlCommand, ListQueuesCommand, DeleteQueueCommand, GetQueueAttributesCommand,
  SetQueueAttributesCommand, SendMessageCommand, SendMessageBatchCommand, ReceiveMessageCommand, DeleteMessageCommand,
  DeleteMessageBatchCommand, ChangeMessageVisibilityCommand, ChangeMessageVisibilityBatchCommand, PurgeQueueCommand,
  QueueDoesNotExist, QueueNameExists, ReceiptHandleIsInvalid, TooManyEntriesInBatchRequest, BatchEntryIdsNotDistinct,
  EmptyBatchRequest, InvalidAttributeName, MessageNotInflight,
} from '@aws-sdk/client-sqs';
import {
  LambdaClient, CreateFunctionCommand, PutFunctionEventInvokeConfigCommand, InvokeCommand,
} from '@aws-sdk/client-lambda';
import { startSilo } from './silo.mjs';

const execFileAsync = promisify(execFile);
const hasCli = await execFileAsync('aws', ['--version']).then(() => true, () => false);
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const unique = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;
const arn = (name) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

let silo;
let sqs;
let lambda;

before(async () => {
  silo = await startSilo({ AsyncInvoke__TimeCompression: '60' });
  sqs = new SQSClient({ endpoint: silo.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  lambda = new LambdaClient({ endpoint: silo.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
});

after(() => silo?.stop());

async function createQueue(attributes = {}) {
  const name = unique('sqs');
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return { name, url: QueueUrl };
}

async function rejects(promise, ErrorClass, pattern) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof ErrorClass, `expected ${ErrorClass.name}, got ${error.name}: ${error.message}`);
    if (pattern) {
      assert.match(error.message, pattern);
    }
    return true;
  });
}

async function rejectsWithCode(promise, code, pattern) {
  await assert.rejects(promise, (error) => {
    assert.equal(error.Code ?? error.name, code, `expected ${code}, got ${error.name} (${error.Code}): ${error.message}`);
    if (pattern) {
      assert.match(error.message, pattern);
    }
    return true;
  });
}

// Receives until a message arrives (long polling), at most `rounds` polls of 20 s.
async function receiveOne(url, extra = {}, rounds = 3) {
  for (let i = 0; i < rounds; i++) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20, ...extra }));
    if (Messages?.length) {
      return Messages[0];
    }
  }
  assert.fail(`no message arrived on ${url}`);
}

test('CreateQueue, GetQueueUrl, GetQueueAttributes, SetQueueAttributes, DeleteQueue', async () => {
  const { name, url } = await createQueue({ VisibilityTimeout: '45', MessageRetentionPeriod: '3600', DelaySeconds: '0', ReceiveMessageWaitTimeSeconds: '1' });
  assert.equal(url, `${silo.endpoint}/000000000000/${name}`);
  assert.equal((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl, url);

  const again = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '45' } }));
  assert.equal(again.QueueUrl, url, 'a create with equal attributes returns the queue');
  await rejects(sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '46' } })), QueueNameExists, /VisibilityTimeout/);

  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  assert.equal(Attributes.VisibilityTimeout, '45');
  assert.equal(Attributes.MessageRetentionPeriod, '3600');
  assert.equal(Attributes.ReceiveMessageWaitTimeSeconds, '1');
  assert.equal(Attributes.QueueArn, arn(name));
  assert.equal(Attributes.ApproximateNumberOfMessages, '0');
  assert.match(Attributes.CreatedTimestamp, /^\d{10}$/);

  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '10' } }));
  const only = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout', 'QueueArn'] }));
  assert.deepEqual(only.Attributes, { VisibilityTimeout: '10', QueueArn: arn(name) });
  await rejects(sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Nope'] })), InvalidAttributeName);
  await rejectsWithCode(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '99999' } })), 'InvalidAttributeValue');

  await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
  await rejects(sqs.send(new GetQueueUrlCommand({ QueueName: name })), QueueDoesNotExist);
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })), QueueDoesNotExist);
});

test('CreateQueue refuses FIFO queues, saying why', async () => {
  await rejectsWithCode(sqs.send(new CreateQueueCommand({ QueueName: `${unique('f')}.fifo` })), 'InvalidParameterValue', /FIFO queues are not supported/);
  await rejectsWithCode(sqs.send(new CreateQueueCommand({ QueueName: unique('f'), Attributes: { FifoQueue: 'true' } })), 'InvalidParameterValue', /FIFO/);
});

test('ListQueues: prefix, MaxResults and NextToken', async () => {
  const prefix = unique('list');
  const names = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
  for (const QueueName of names) {
    await sqs.send(new CreateQueueCommand({ QueueName }));
  }
  const all = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
  assert.deepEqual(all.QueueUrls, names.map((n) => `${silo.endpoint}/000000000000/${n}`));
  const first = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2 }));
  assert.equal(first.QueueUrls.length, 2);
  assert.ok(first.NextToken);
  const second = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2, NextToken: first.NextToken }));
  assert.deepEqual(second.QueueUrls, [`${silo.endpoint}/000000000000/${names[2]}`]);
  assert.equal(second.NextToken, undefined);
});

test('SendMessage and ReceiveMessage: attributes of every type, digests the SDK checks, system attributes', async () => {
  const { url } = await createQueue();
  const body = 'héllo ✓';
  const sent = await sqs.send(new SendMessageCommand({
    QueueUrl: url, MessageBody: body,
    MessageAttributes: {
      kind: { DataType: 'String', StringValue: 'greeting' },
      count: { DataType: 'Number', StringValue: '42' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 2, 255]) },
      'meta.trace': { DataType: 'String.custom', StringValue: 't-1' },
    },
  }));
  assert.equal(sent.MD5OfMessageBody, createHash('md5').update(body).digest('hex'));
  assert.match(sent.MD5OfMessageAttributes, /^[0-9a-f]{32}$/);

  const { Messages } = await sqs.send(new ReceiveMessageCommand({
    QueueUrl: url, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'], MaxNumberOfMessages: 10,
  }));
  assert.equal(Messages.length, 1);
  const [message] = Messages;
  assert.equal(message.MessageId, sent.MessageId);
  assert.equal(message.Body, body);
  assert.equal(message.MD5OfBody, sent.MD5OfMessageBody);
  assert.equal(message.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
  assert.equal(message.MessageAttributes.kind.StringValue, 'greeting');
  assert.equal(message.MessageAttributes.count.DataType, 'Number');
  assert.deepEqual([...message.MessageAttributes.blob.BinaryValue], [0, 1, 2, 255]);
  assert.equal(message.MessageAttributes['meta.trace'].DataType, 'String.custom');
  assert.equal(message.Attributes.ApproximateReceiveCount, '1');
  assert.match(message.Attributes.SentTimestamp, /^\d{13}$/);
  assert.match(message.Attributes.ApproximateFirstReceiveTimestamp, /^\d{13}$/);
  assert.ok(message.Attributes.SenderId);

  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));
  const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, AttributeNames: ['ApproximateReceiveCount'], MessageAttributeNames: ['meta.*'] }));
  assert.equal(again.Messages[0].Attributes.ApproximateReceiveCount, '2');
  assert.deepEqual(Object.keys(again.Messages[0].MessageAttributes), ['meta.trace']);
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again.Messages[0].ReceiptHandle }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  assert.deepEqual(Attributes, { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
});

test('ReceiveMessage: a received message is hidden for its visibility timeout, and ChangeMessageVisibility errors', async () => {
  const { url } = await createQueue({ VisibilityTimeout: '30' });
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'one' }));
  const { Messages: [message] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
  const hidden = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
  assert.equal(hidden.Messages, undefined);
  const counts = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  assert.equal(counts.Attributes.ApproximateNumberOfMessagesNotVisible, '1');

  await rejects(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'not-a-receipt' })), ReceiptHandleIsInvalid);
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));
  await rejects(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 5 })), MessageNotInflight);
});

test('SendMessage with DelaySeconds: delayed, then received by a long poll as it becomes visible', async () => {
  const { url } = await createQueue();
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 1 }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] }));
  assert.equal(Attributes.ApproximateNumberOfMessagesDelayed, '1');
  assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
  const started = Date.now();
  const message = await receiveOne(url, {}, 1);
  assert.equal(message.Body, 'later');
  assert.ok(Date.now() - started < 10_000, `the delayed message came after ${Date.now() - started} ms`);
});

test('ReceiveMessage long polling returns as soon as a message is sent', async () => {
  const { url } = await createQueue();
  const started = Date.now();
  const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
  setTimeout(() => { sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'now' })); }, 500);
  const { Messages } = await polling;
  const elapsed = Date.now() - started;
  assert.equal(Messages?.[0]?.Body, 'now');
  assert.ok(elapsed >= 400 && elapsed < 10_000, `the long poll answered after ${elapsed} ms`);
});

test('SendMessageBatch, DeleteMessageBatch, ChangeMessageVisibilityBatch: per-entry results and batch errors', async () => {
  const { url } = await createQueue();
  const sent = await sqs.send(new SendMessageBatchCommand({
    QueueUrl: url,
    Entries: [
      { Id: 'a', MessageBody: 'first' },
      { Id: 'b', MessageBody: 'second', MessageAttributes: { n: { DataType: 'Number', StringValue: '1.5' } } },
      { Id: 'bad', MessageBody: 'x', MessageAttributes: { n: { DataType: 'Number', StringValue: 'not a number' } } },
    ],
  }));
  assert.deepEqual(sent.Successful.map((e) => e.Id), ['a', 'b']);
  assert.equal(sent.Successful[0].MD5OfMessageBody, createHash('md5').update('first').digest('hex'));
  assert.equal(sent.Failed.length, 1);
  assert.equal(sent.Failed[0].Id, 'bad');
  assert.equal(sent.Failed[0].SenderFault, true);
  assert.equal(sent.Failed[0].Code, 'InvalidParameterValue');

  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
  assert.deepEqual(Messages.map((m) => m.Body).sort(), ['first', 'second']);
  const changed = await sqs.send(new ChangeMessageVisibilityBatchCommand({
    QueueUrl: url,
    Entries: [{ Id: 'c1', ReceiptHandle: Messages[0].ReceiptHandle, VisibilityTimeout: 60 }, { Id: 'c2', ReceiptHandle: 'garbage', VisibilityTimeout: 60 }],
  }));
  assert.deepEqual(changed.Successful.map((e) => e.Id), ['c1']);
  assert.equal(changed.Failed[0].Code, 'ReceiptHandleIsInvalid');
  const deleted = await sqs.send(new DeleteMessageBatchCommand({
    QueueUrl: url,
    Entries: [{ Id: 'd1', ReceiptHandle: Messages[0].ReceiptHandle }, { Id: 'd2', ReceiptHandle: Messages[1].ReceiptHandle }, { Id: 'd3', ReceiptHandle: 'garbage' }],
  }));
  assert.deepEqual(deleted.Successful.map((e) => e.Id), ['d1', 'd2']);
  assert.equal(deleted.Failed[0].Id, 'd3');

  await rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })), EmptyBatchRequest);
  await rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' })) })), TooManyEntriesInBatchRequest);
  await rejects(sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'same', ReceiptHandle: 'a' }, { Id: 'same', ReceiptHandle: 'b' }] })), BatchEntryIdsNotDistinct);
});

test('PurgeQueue empties the queue', async () => {
  const { url } = await createQueue();
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: '1', MessageBody: 'a' }, { Id: '2', MessageBody: 'b' }] }));
  await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }));
  assert.equal(Attributes.ApproximateNumberOfMessages, '0');
});

test('RedrivePolicy moves a message to the dead-letter queue once received more than maxReceiveCount times', async () => {
  const dlq = await createQueue();
  const source = await createQueue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn(dlq.name), maxReceiveCount: 2 }) });
  await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'poison', MessageAttributes: { why: { DataType: 'String', StringValue: 'test' } } }));
  for (let receive = 1; receive <= 2; receive++) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: source.url, VisibilityTimeout: 0, AttributeNames: ['ApproximateReceiveCount'] }));
    assert.equal(Messages?.[0]?.Attributes.ApproximateReceiveCount, String(receive), `receive ${receive}`);
  }
  assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: source.url, VisibilityTimeout: 0 }))).Messages, undefined);
  const moved = await receiveOne(dlq.url, { MessageAttributeNames: ['All'] }, 1);
  assert.equal(moved.Body, 'poison');
  assert.equal(moved.MessageAttributes.why.StringValue, 'test');
  await rejectsWithCode(sqs.send(new SetQueueAttributesCommand({
    QueueUrl: source.url, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn(unique('missing')), maxReceiveCount: 2 }) },
  })), 'InvalidParameterValue', /does not exist/);
});

async function failingFunction(config) {
  const name = unique('failing');
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Role: 'arn:aws:iam::000000000000:role/any', PackageType: 'Image', Code: { ImageUri: 'dotnet:fail' }, ...config,
  }));
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumRetryAttempts: 0 }));
  return name;
}

test('a Lambda OnFailure destination to an SQS ARN is read with ReceiveMessage', async () => {
  const failures = await createQueue();
  const name = await failingFunction({});
  await lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: name, MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: arn(failures.name) } },
  }));
  const invoked = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: JSON.stringify({ order: 7 }) }));
  assert.equal(invoked.StatusCode, 202);

  const message = await receiveOne(failures.url);
  const record = JSON.parse(message.Body);
  assert.equal(record.requestContext.condition, 'RetriesExhausted');
  assert.equal(record.requestContext.requestId, invoked.$metadata.requestId);
  assert.deepEqual(record.requestPayload, { order: 7 });
  assert.equal(message.MD5OfBody, createHash('md5').update(message.Body).digest('hex'));
});

test("a function's DeadLetterConfig SQS ARN gets the raw event with RequestID, ErrorCode and ErrorMessage attributes", async () => {
  const dlq = await createQueue();
  const name = await failingFunction({ DeadLetterConfig: { TargetArn: arn(dlq.name) } });
  const invoked = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: JSON.stringify({ raw: true }) }));

  const message = await receiveOne(dlq.url, { MessageAttributeNames: ['All'] });
  assert.deepEqual(JSON.parse(message.Body), { raw: true });
  assert.equal(message.MessageAttributes.RequestID.DataType, 'String');
  assert.equal(message.MessageAttributes.RequestID.StringValue, invoked.$metadata.requestId);
  assert.equal(message.MessageAttributes.ErrorCode.DataType, 'Number');
  assert.equal(message.MessageAttributes.ErrorCode.StringValue, '200');
  assert.equal(message.MessageAttributes.ErrorMessage.DataType, 'String');
  assert.ok(message.MessageAttributes.ErrorMessage.StringValue.length > 0);
});

test('JSON protocol: an unknown operation and a malformed body are 400s in the protocol\'s shape', async () => {
  const post = (target, body) => fetch(silo.endpoint, {
    method: 'POST', body, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
  });
  const unknown = await post('AmazonSQS.Frobnicate', '{}');
  assert.equal(unknown.status, 400);
  assert.match((await unknown.json()).__type, /UnknownOperationException/);
  const malformed = await post('AmazonSQS.ListQueues', '{"QueueNamePrefix":');
  assert.equal(malformed.status, 400);
  assert.match((await malformed.json()).__type, /SerializationException/);
  const missing = await post('AmazonSQS.SendMessage', JSON.stringify({ QueueUrl: `${silo.endpoint}/000000000000/${unique('none')}`, MessageBody: 'x' }));
  assert.equal(missing.status, 400);
  assert.equal(missing.headers.get('x-amzn-query-error'), 'AWS.SimpleQueueService.NonExistentQueue;Sender');
  assert.deepEqual(await missing.json(), { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' });
});

test('query protocol: XML answers and errors in SQS\'s shapes, also posted to the queue URL', async () => {
  const { name, url } = await createQueue();
  const form = (fields) => new URLSearchParams({ Version: '2012-11-05', ...fields });
  const sent = await fetch(url, { method: 'POST', body: form({ Action: 'SendMessage', MessageBody: 'q' }) });
  assert.equal(sent.status, 200);
  const xml = await sent.text();
  assert.match(xml, /^<\?xml[^>]*>\s*<SendMessageResponse xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/"><SendMessageResult><MessageId>[^<]+<\/MessageId><MD5OfMessageBody>7694f4a66316e53c8cdd9d9954bd611d<\/MD5OfMessageBody><\/SendMessageResult><ResponseMetadata><RequestId>/);
  const missing = await fetch(silo.endpoint, { method: 'POST', body: form({ Action: 'GetQueueUrl', QueueName: `${name}-none` }) });
  assert.equal(missing.status, 400);
  assert.match(await missing.text(), /<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>AWS\.SimpleQueueService\.NonExistentQueue<\/Code><Message>The specified queue does not exist\.<\/Message>/);
  const invalid = await fetch(silo.endpoint, { method: 'POST', body: form({ Action: 'Frobnicate' }) });
  assert.equal(invalid.status, 400);
  assert.match(await invalid.text(), /<Code>InvalidAction<\/Code>/);
});

test('AWS CLI (query protocol): create, send, receive, delete, attributes, purge, delete queue', { skip: hasCli ? false : 'the AWS CLI (aws) is not installed' }, async () => {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1' };
  const aws = async (...args) => {
    const { stdout } = await execFileAsync('aws', ['sqs', ...args, '--endpoint-url', silo.endpoint, '--output', 'json'], { env });
    return stdout.trim() ? JSON.parse(stdout) : {};
  };
  const name = unique('cli');
  const { QueueUrl } = await aws('create-queue', '--queue-name', name, '--attributes', 'VisibilityTimeout=40');
  assert.equal(QueueUrl, `${silo.endpoint}/000000000000/${name}`);
  assert.equal((await aws('get-queue-url', '--queue-name', name)).QueueUrl, QueueUrl);
  const sent = await aws('send-message', '--queue-url', QueueUrl, '--message-body', 'from the cli',
    '--message-attributes', JSON.stringify({ who: { DataType: 'String', StringValue: 'cli' } }));
  assert.equal(sent.MD5OfMessageBody, createHash('md5').update('from the cli').digest('hex'));
  const { Messages } = await aws('receive-message', '--queue-url', QueueUrl, '--attribute-names', 'All', '--message-attribute-names', 'All', '--wait-time-seconds', '5');
  assert.equal(Messages[0].Body, 'from the cli');
  assert.equal(Messages[0].MessageAttributes.who.StringValue, 'cli');
  assert.equal(Messages[0].MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
  assert.equal(Messages[0].Attributes.ApproximateReceiveCount, '1');
  await aws('delete-message', '--queue-url', QueueUrl, '--receipt-handle', Messages[0].ReceiptHandle);
  const { Attributes } = await aws('get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'All');
  assert.equal(Attributes.VisibilityTimeout, '40');
  assert.equal(Attributes.ApproximateNumberOfMessages, '0');
  await aws('purge-queue', '--queue-url', QueueUrl);
  assert.ok((await aws('list-queues', '--queue-name-prefix', name)).QueueUrls.includes(QueueUrl));
  await aws('delete-queue', '--queue-url', QueueUrl);
  await assert.rejects(aws('get-queue-url', '--queue-name', name), (error) => {
    assert.match(error.stderr, /AWS\.SimpleQueueService\.NonExistentQueue/);
    return true;
  });
});
