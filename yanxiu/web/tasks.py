"""Background tasks that belong to no single domain."""

from django_tasks import task


@task()
def ping(message: str = "pong") -> str:
    """Answer with ``message``: proves the queue and a worker are alive (docs/deployment.md)."""
    return message
