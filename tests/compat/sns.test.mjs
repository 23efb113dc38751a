// The real AWS SDK for JavaScript v3 SNS client (query protocol) and the AWS CLI v1 against a running silo's
// built-in topics; deliveries are read with the SQS client, a local HTTP server and a function's destination.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import {
  SNSClient, CreateTopicCommand, DeleteTopicCommand, ListTopicsCommand, GetTopicAttributesCommand, SetTopicAttributesCommand,
  SubscribeCommand, UnsubscribeCommand, ListSubscriptionsCommand, ListSubscriptionsByTopicCommand,
  GetSubscriptionAttributesCommand, SetSubscriptionAttributesCommand, PublishCommand, PublishBatchCommand,
  NotFoundException, InvalidParameterException,
} from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LambdaClient, CreateFunctionCommand, PutFunctionEventInvokeConfigCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { startSilo } from './silo.mjs';
import { account, clientConfig, cli, createQueue as newQueue, hasCli, queueArn, receiveOne as receive, rejects, unique } from './aws-helpers.mjs';

const topicArn = (name) => `arn:aws:sns:us-east-1:000000000000:${name}`;

let silo;
let sns;
let sqs;
let lambda;

before(async () => {
  silo = await startSilo({ AsyncInvoke__TimeCompression: '60' });
  const config = clientConfig(silo);
  sns = new SNSClient(config);
  sqs = new SQSClient(config);
  lambda = new LambdaClient(config);
});

after(() => silo?.stop());

async function createTopic() {
  const name = unique('topic');
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  return { name, arn: TopicArn };
}

function assertNotification(body, { topic, message, subject }) {
  const n = JSON.parse(body);
  assert.equal(n.Type, 'Notification');
  assert.match(n.MessageId, /^[0-9a-f-]{36}$/);
  assert.equal(n.TopicArn, topic);
  assert.equal(n.Message, message);
  assert.equal(n.Subject, subject);
  assert.match(n.Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(n.SignatureVersion, '1');
  assert.ok(n.Signature.length > 0);
  assert.match(n.SigningCertURL, /^https:\/\/sns\.us-east-1\.amazonaws\.com\//);
  assert.match(n.UnsubscribeURL, /Action=Unsubscribe&SubscriptionArn=/);
  return n;
}

test('CreateTopic_WhenCalledTwice_ReturnsTheSameArn', async () => {
  const name = unique('topic');
  const first = await sns.send(new CreateTopicCommand({ Name: name, Attributes: { DisplayName: 'Orders' } }));
  const second = await sns.send(new CreateTopicCommand({ Name: name }));
  assert.equal(first.TopicArn, topicArn(name));
  assert.equal(second.TopicArn, first.TopicArn);
  const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: first.TopicArn }));
  assert.equal(Attributes.DisplayName, 'Orders');
});

test('CreateTopic_WhenNameIsFifoOrInvalid_IsInvalidParameter', async () => {
  await rejects(sns.send(new CreateTopicCommand({ Name: `${unique('t')}.fifo` })), InvalidParameterException, /FIFO/);
  await rejects(sns.send(new CreateTopicCommand({ Name: 'has space' })), InvalidParameterException, /Topic Name/);
});

test('GetTopicAttributes_WhenSubscribed_CountsSubscriptionsAndSetTopicAttributesChangesDisplayName', async () => {
  const topic = await createTopic();
  const queue = await createQueue();
  await sns.send(new SubscribeCommand({ TopicArn: topic.arn, Protocol: 'sqs', Endpoint: queue.arn }));
  await sns.send(new SetTopicAttributesCommand({ TopicArn: topic.arn, AttributeName: 'DisplayName', AttributeValue: 'Renamed' }));
  const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: topic.arn }));
  assert.equal(Attributes.TopicArn, topic.arn);
  assert.equal(Attributes.Owner, '000000000000');
  assert.equal(Attributes.DisplayName, 'Renamed');
  assert.equal(Attributes.SubscriptionsConfirmed, '1');
  assert.equal(Attributes.SubscriptionsPending, '0');
  assert.equal(JSON.parse(Attributes.Policy).Statement[0].Resource, topic.arn);
  await rejects(sns.send(new SetTopicAttributesCommand({ TopicArn: topic.arn, AttributeName: 'FifoTopic', AttributeValue: 'true' })),
    InvalidParameterException, /not supported/);
});

test('GetTopicAttributes_WhenTopicIsMissingOrDeleted_IsNotFound', async () => {
  await rejects(sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn(unique('missing')) })), NotFoundException, /Topic does not exist/);
  const topic = await createTopic();
  await sns.send(new DeleteTopicCommand({ TopicArn: topic.arn }));
  await sns.send(new DeleteTopicCommand({ TopicArn: topic.arn }));
  await rejects(sns.send(new GetTopicAttributesCommand({ TopicArn: topic.arn })), NotFoundException);
  await rejects(sns.send(new PublishCommand({ TopicArn: topic.arn, Message: 'x' })), NotFoundException);
});

test('ListTopics_WhenMoreThanAPage_PagesWithNextToken', async () => {
  const created = new Set();
  await Promise.all(Array.from({ length: 105 }, async () => created.add((await createTopic()).arn)));
  const seen = [];
  let NextToken;
  let pages = 0;
  do {
    const page = await sns.send(new ListTopicsCommand({ NextToken }));
    assert.ok(page.Topics.length <= 100, `a page holds at most 100 topics, got ${page.Topics.length}`);
    seen.push(...page.Topics.map((t) => t.TopicArn));
    NextToken = page.NextToken;
    pages++;
  } while (NextToken);
  assert.ok(pages >= 2, `expected at least 2 pages, got ${pages}`);
  assert.equal(new Set(seen).size, seen.length, 'no topic is listed twice');
  for (const arn of created) {
    assert.ok(seen.includes(arn), `${arn} is listed`);
  }
});

test('Publish_WhenTwoQueuesSubscribe_DeliversTheNotificationEnvelopeToBoth', async () => {
  const topic = await createTopic();
  const [a, b] = [await createQueue(), await createQueue()];
  for (const q of [a, b]) {
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn: topic.arn, Protocol: 'sqs', Endpoint: q.arn }));
    assert.match(SubscriptionArn, new RegExp(`^${topic.arn}:[0-9a-f-]{36}$`));
  }
  const { MessageId } = await sns.send(new PublishCommand({
    TopicArn: topic.arn, Message: 'hello', Subject: 'greeting',
    MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' }, count: { DataType: 'Number', StringValue: '3' } },
  }));
  assert.match(MessageId, /^[0-9a-f-]{36}$/);
  for (const q of [a, b]) {
    const n = assertNotification((await receiveOne(q.url)).Body, { topic: topic.arn, message: 'hello', subject: 'greeting' });
    assert.equal(n.MessageId, MessageId);
    assert.deepEqual(n.MessageAttributes, { count: { Type: 'Number', Value: '3' }, kind: { Type: 'String', Value: 'order' } });
  }
});

test('Publish_WhenRawMessageDelivery_DeliversTheMessageWithItsAttributes', async () => {
  const topic = await createTopic();
  const queue = await createQueue();
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({
    TopicArn: topic.arn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: { RawMessageDelivery: 'true' },
  }));
  const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
  assert.equal(Attributes.RawMessageDelivery, 'true');
  assert.equal(Attributes.Protocol, 'sqs');
  assert.equal(Attributes.Endpoint, queue.arn);
  assert.equal(Attributes.TopicArn, topic.arn);
  assert.equal(Attributes.PendingConfirmation, 'false');
  await sns.send(new PublishCommand({ TopicArn: topic.arn, Message: '{"raw":true}', MessageAttributes: { who: { DataType: 'String', StringValue: 'me' } } }));
  const message = await receiveOne(queue.url, { MessageAttributeNames: ['All'] });
  assert.equal(message.Body, '{"raw":true}');
  assert.equal(message.MessageAttributes.who.StringValue, 'me');
});

test('SetSubscriptionAttributes_WhenRawDeliveryIsTurnedOff_DeliversEnvelopesAgain', async () => {
  const topic = await createTopic();
  const queue = await createQueue();
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({
    TopicArn: topic.arn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: { RawMessageDelivery: 'true' },
  }));
  await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'RawMessageDelivery', AttributeValue: 'false' }));
  assert.equal((await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes.RawMessageDelivery, 'false');
  await sns.send(new PublishCommand({ TopicArn: topic.arn, Message: 'wrapped' }));
  assertNotification((await receiveOne(queue.url)).Body, { topic: topic.arn, message: 'wrapped', subject: undefined });
  await rejects(sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: '{}' })),
    InvalidParameterException, /RawMessageDelivery/);
});

test('ListSubscriptionsByTopic_WhenUnsubscribed_ListsOnlyTheRemainingOnes', async () => {
  const topic = await createTopic();
  const [a, b] = [await createQueue(), await createQueue()];
  const first = await sns.send(new SubscribeCommand({ TopicArn: topic.arn, Protocol: 'sqs', Endpoint: a.arn }));
  const again = await sns.send(new SubscribeCommand({ TopicArn: topic.arn, Protocol: 'sqs', Endpoint: a.arn }));
  assert.equal(again.SubscriptionArn, first.SubscriptionArn, 'the same endpoint subscribed twice is one subscription');
  const second = await sns.send(new SubscribeCommand({ TopicArn: topic.arn, Protocol: 'sqs', Endpoint: b.arn }));
  let listed = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic.arn }))).Subscriptions;
  assert.deepEqual(listed.map((s) => s.Endpoint), [a.arn, b.arn]);
  assert.deepEqual(listed[0], { SubscriptionArn: first.SubscriptionArn, Owner: '000000000000', Protocol: 'sqs', Endpoint: a.arn, TopicArn: topic.arn });

  await sns.send(new UnsubscribeCommand({ SubscriptionArn: first.SubscriptionArn }));
  listed = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic.arn }))).Subscriptions;
  assert.deepEqual(listed.map((s) => s.SubscriptionArn), [second.SubscriptionArn]);

  const all = [];
  let NextToken;
  do {
    const page = await sns.send(new ListSubscriptionsCommand({ NextToken }));
    all.push(...page.Subscriptions.map((s) => s.SubscriptionArn));
    NextToken = page.NextToken;
  } while (NextToken);
  assert.ok(all.includes(second.SubscriptionArn));
  assert.ok(!all.includes(first.SubscriptionArn));
  await rejects(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: first.SubscriptionArn })), NotFoundException);
});

test('Subscribe_WhenProtocolOrEndpointIsUnsupported_IsInvalidParameter', async () => {
  const topic = await createTopic();
  await rejects(sns.send(new SubscribeCommand({ TopicArn: topic.arn, Protocol: 'email', Endpoint: 'a@b.c' })), InvalidParameterException, /email is not supported/);
  await rejects(sns.send(new SubscribeCommand({ TopicArn: topic.arn, Protocol: 'sqs', Endpoint: 'https://example.com/q' })), InvalidParameterException, /not a valid sqs endpoint/);
  await rejects(sns.send(new SubscribeCommand({ TopicArn: topic.arn, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:eu-west-1:000000000000:q' })), InvalidParameterException, /eu-west-1/);
  await rejects(sns.send(new SubscribeCommand({ TopicArn: topicArn(unique('missing')), Protocol: 'sqs', Endpoint: queueArn('q') })), NotFoundException);
});

test('Publish_WhenAnHttpEndpointSubscribes_PostsTheNotificationWithSnsHeaders', async () => {
  let resolveRequest;
  const received = new Promise((resolve) => { resolveRequest = resolve; });
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => { res.end('ok'); resolveRequest({ headers: req.headers, body }); });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const topic = await createTopic();
    const url = `http://127.0.0.1:${server.address().port}/sns`;
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn: topic.arn, Protocol: 'http', Endpoint: url }));
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topic.arn, Message: 'over http', Subject: 's' }));
    const { headers, body } = await received;
    assert.equal(headers['x-amz-sns-message-type'], 'Notification');
    assert.equal(headers['x-amz-sns-message-id'], MessageId);
    assert.equal(headers['x-amz-sns-topic-arn'], topic.arn);
    assert.equal(headers['x-amz-sns-subscription-arn'], SubscriptionArn);
    assertNotification(body, { topic: topic.arn, message: 'over http', subject: 's' });
  } finally {
    server.close();
  }
});

test('Publish_WhenAFunctionSubscribes_InvokesItWithTheSnsEvent', async () => {
  const topic = await createTopic();
  const results = await createQueue();
  const name = unique('sns-fn');
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Role: 'arn:aws:iam::000000000000:role/any', PackageType: 'Image', Code: { ImageUri: 'dotnet:echo' },
  }));
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, DestinationConfig: { OnSuccess: { Destination: results.arn } } }));
  const functionArn = `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn: topic.arn, Protocol: 'lambda', Endpoint: functionArn }));
  const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topic.arn, Message: 'to a function' }));

  const record = JSON.parse((await receiveOne(results.url)).Body);
  const [event] = record.requestPayload.Records;
  assert.equal(event.EventSource, 'aws:sns');
  assert.equal(event.EventVersion, '1.0');
  assert.equal(event.EventSubscriptionArn, SubscriptionArn);
  assert.equal(event.Sns.Type, 'Notification');
  assert.equal(event.Sns.MessageId, MessageId);
  assert.equal(event.Sns.TopicArn, topic.arn);
  assert.equal(event.Sns.Message, 'to a function');
  assert.equal(event.Sns.Subject, null);
  assert.deepEqual(event.Sns.MessageAttributes, {});
});

test('PublishBatch_WhenEntriesAreMixed_ReportsSuccessfulAndFailedEntries', async () => {
  const topic = await createTopic();
  const queue = await createQueue();
  await sns.send(new SubscribeCommand({ TopicArn: topic.arn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: { RawMessageDelivery: 'true' } }));
  const answer = await sns.send(new PublishBatchCommand({
    TopicArn: topic.arn,
    PublishBatchRequestEntries: [
      { Id: 'one', Message: 'first' },
      { Id: 'two', Message: 'second', MessageAttributes: { n: { DataType: 'Number', StringValue: 'not a number' } } },
    ],
  }));
  assert.deepEqual(answer.Successful.map((s) => s.Id), ['one']);
  assert.equal(answer.Failed.length, 1);
  assert.equal(answer.Failed[0].Id, 'two');
  assert.equal(answer.Failed[0].Code, 'ParameterValueInvalid');
  assert.equal(answer.Failed[0].SenderFault, true);
  assert.equal((await receiveOne(queue.url)).Body, 'first');
});

test('Publish_WhenInputIsInvalid_IsInvalidParameter', async () => {
  const topic = await createTopic();
  await rejects(sns.send(new PublishCommand({ TopicArn: topic.arn, Message: '' })), InvalidParameterException, /Empty message/);
  await rejects(sns.send(new PublishCommand({ TopicArn: topic.arn, Message: 'x'.repeat(256 * 1024 + 1) })), InvalidParameterException, /too long/);
  await rejects(sns.send(new PublishCommand({ TopicArn: topic.arn, Message: 'x', MessageStructure: 'json' })), InvalidParameterException, /MessageStructure/);
});

test('OnSuccess_WhenDestinationIsATopicFannedOutToTwoQueues_DeliversTheRecordInNotificationsToBoth', async () => {
  const topic = await createTopic();
  const [a, b] = [await createQueue(), await createQueue()];
  for (const q of [a, b]) {
    await sns.send(new SubscribeCommand({ TopicArn: topic.arn, Protocol: 'sqs', Endpoint: q.arn }));
  }
  const name = unique('to-topic');
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Role: 'arn:aws:iam::000000000000:role/any', PackageType: 'Image', Code: { ImageUri: 'dotnet:echo' },
  }));
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, DestinationConfig: { OnSuccess: { Destination: topic.arn } } }));
  const invoked = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: JSON.stringify({ order: 42 }) }));
  assert.equal(invoked.StatusCode, 202);

  const ids = [];
  for (const q of [a, b]) {
    const n = JSON.parse((await receiveOne(q.url)).Body);
    assert.equal(n.Type, 'Notification');
    assert.equal(n.TopicArn, topic.arn);
    const record = JSON.parse(n.Message);
    assert.equal(record.requestContext.condition, 'Success');
    assert.equal(record.requestContext.functionArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}:$LATEST`);
    assert.deepEqual(record.requestPayload, { order: 42 });
    ids.push(n.MessageId);
  }
  assert.equal(ids[0], ids[1], 'one message id for one published record');
});

test('AwsCli_WhenDrivingSnsOverTheQueryProtocol_CreatesSubscribesPublishesAndDeletes', { skip: hasCli ? false : 'the AWS CLI (aws) is not installed' }, async () => {
  const aws = cli(silo);
  const name = unique('cli-topic');
  const { TopicArn } = await aws('sns', 'create-topic', '--name', name);
  assert.equal(TopicArn, topicArn(name));
  const queue = await createQueue();
  const { SubscriptionArn } = await aws('sns', 'subscribe', '--topic-arn', TopicArn, '--protocol', 'sqs', '--notification-endpoint', queue.arn,
    '--attributes', 'RawMessageDelivery=true');
  assert.match(SubscriptionArn, /^arn:aws:sns:/);
  const listed = await aws('sns', 'list-subscriptions-by-topic', '--topic-arn', TopicArn);
  assert.equal(listed.Subscriptions[0].Endpoint, queue.arn);
  const { MessageId } = await aws('sns', 'publish', '--topic-arn', TopicArn, '--message', 'from the cli',
    '--message-attributes', JSON.stringify({ who: { DataType: 'String', StringValue: 'cli' } }));
  assert.match(MessageId, /^[0-9a-f-]{36}$/);
  const message = await receiveOne(queue.url, { MessageAttributeNames: ['All'] });
  assert.equal(message.Body, 'from the cli');
  assert.equal(message.MessageAttributes.who.StringValue, 'cli');
  const attributes = await aws('sns', 'get-topic-attributes', '--topic-arn', TopicArn);
  assert.equal(attributes.Attributes.SubscriptionsConfirmed, '1');
  await aws('sns', 'unsubscribe', '--subscription-arn', SubscriptionArn);
  await aws('sns', 'delete-topic', '--topic-arn', TopicArn);
  await assert.rejects(aws('sns', 'get-topic-attributes', '--topic-arn', TopicArn), /NotFound/);
});

const createQueue = () => newQueue(sqs);
const receiveOne = (url, extra) => receive(sqs, url, extra);
