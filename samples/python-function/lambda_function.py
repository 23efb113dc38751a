import json
import os

invocations = 0


def lambda_handler(event, context):
    """A Lambda handler as written for AWS: the module stays loaded between invocations of a warm environment."""
    global invocations
    invocations += 1
    print(f"order {event.get('order')} under request {context.aws_request_id}")
    if event.get("fail"):
        raise ValueError(f"order {event.get('order')} cannot be processed")
    return {
        "order": event.get("order"),
        "stage": os.environ.get("STAGE", "dev"),
        "warmInvocations": invocations,
        "remainingMs": context.get_remaining_time_in_millis(),
    }
