"""Rate limiting of POST /predict: a token bucket per client address (exercise rate-limit).

main.py already applies `rate_limit` to the prediction router as a dependency: FastAPI calls it
before every request to /predict, and whatever it raises becomes the answer.
"""

from fastapi import HTTPException, Request  # noqa: F401  (HTTPException: for your 429)

RATE = 10.0  # tokens a client gains per second: its sustained request rate
BURST = 10  # the bucket's size: how many requests a client that was idle may make at once


def rate_limit(request: Request) -> None:
    """Let the request through, or raise a 429 that says when to retry."""
    # TODO (exercise rate-limit): keep a bucket per client address (request.client.host),
    # refill it at RATE tokens per second up to BURST, take one token per request, and when
    # none is left raise HTTPException(status_code=429, headers={"Retry-After": "<seconds>"}).
    return None
