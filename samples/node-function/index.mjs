// A Lambda handler as written for AWS: module state survives between invocations of a warm environment.
let invocations = 0;

export const handler = async (event, context) => {
  invocations += 1;
  console.log(`order ${event.order} under request ${context.awsRequestId}`);
  if (event.fail) {
    throw new RangeError(`order ${event.order} cannot be processed`);
  }
  return { order: event.order, stage: process.env.STAGE ?? 'dev', warmInvocations: invocations, remainingMs: context.getRemainingTimeInMillis() };
};
