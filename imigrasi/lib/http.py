"""The one outbound HTTP module: every call to an outside system goes through ``OutboundClient``.

Why one module: timeouts, retries, circuit breaking and error classification are easy to get
subtly wrong, and a single wrong adapter (no timeout, a retried non-idempotent POST) can hang
worker threads or charge an applicant twice. Adapters (``imigrasi/lib/billing.py`` and later
ones) only describe their endpoints; this module decides how to talk.

The contract for callers is two exceptions:

* ``DependencyUnavailable``: the outside system could not be reached or is failing (connection
  refused, DNS, timeout, circuit open, 5xx after retries, 408/429). Nothing is known to be wrong
  with our request: keep the work, mark it "pending, retried" and try again later. Never a 500
  for the applicant, never a lost application.
* ``DependencyRejected``: the outside system answered 4xx, i.e. our request was wrong. Retrying
  the same request will not help; ``status`` and the parsed JSON ``body`` say why.

Retries happen only when repeating the request is safe: idempotent methods (GET, HEAD, PUT,
DELETE, OPTIONS) or any request carrying an ``Idempotency-Key`` header, on connection errors,
timeouts and 502/503/504 (plus 408/429, which mean "not now" rather than "wrong"). A POST without
a key is sent exactly once, because a timeout does not tell us whether the server acted on it.

Libraries (docs/decisions/0009): tenacity runs the retry loop, pyrate-limiter the optional
per-system rate limit (an agency's quota); the circuit breaker is ours because pybreaker
serialises every call through one lock.

Logs are at WARNING and never contain request or response bodies, which may hold personal data
(names, NIK, passport numbers); only the client name, method, path (without query string),
status or exception type and attempt number are logged.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx
from pyrate_limiter import Duration, Limiter, Rate
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

logger = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
# Statuses that mean "the dependency (or a proxy in front of it) is struggling, try again".
RETRYABLE_STATUSES = frozenset({502, 503, 504})
# 4xx statuses that are about the server's state, not our request: treated as unavailable so the
# caller keeps the work pending instead of giving up on it.
UNAVAILABLE_4XX = frozenset({408, 429})
IDEMPOTENCY_HEADER = "Idempotency-Key"
# Exponential backoff never waits longer than this between two attempts.
MAX_BACKOFF_SECONDS = 10.0
# A request over the per-system rate limit waits at most this long for a turn, then the
# dependency counts as unavailable (the caller keeps the work pending).
RATE_LIMIT_WAIT_SECONDS = 1.0


class OutboundError(Exception):
    """Base class: a call to an outside system did not produce a usable answer."""

    def __init__(self, message: str, *, dependency: str, method: str, path: str) -> None:
        super().__init__(message)
        self.dependency = dependency
        self.method = method
        self.path = path


class DependencyUnavailable(OutboundError):
    """The outside system is unreachable or failing; keep the work and retry it later.

    ``reason`` is a short machine-readable word: ``connect``, ``timeout``, ``transport``,
    ``circuit_open``, ``status`` (see ``status``) or, from adapters, ``bad_response``.
    ``retry_after`` (seconds) is set when the client knows when trying again makes sense.
    """

    def __init__(
        self,
        message: str,
        *,
        dependency: str,
        method: str,
        path: str,
        reason: str,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, dependency=dependency, method=method, path=path)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


class DependencyRejected(OutboundError):
    """The outside system answered 4xx: our request was wrong and repeating it will not help.

    ``body`` is the parsed JSON answer (or ``None`` when it was not JSON). It may contain
    personal data echoed back, so it is deliberately not part of ``str(exc)``.
    """

    def __init__(
        self, message: str, *, dependency: str, method: str, path: str, status: int, body: Any
    ) -> None:
        super().__init__(message, dependency=dependency, method=method, path=path)
        self.status = status
        self.body = body


class _CircuitBreaker:
    """Consecutive-failure circuit breaker shared by all threads using one client.

    Closed: requests flow; each failed attempt (transport error, timeout, 5xx, 408/429) adds one
    to a counter and any success resets it. After ``failures`` consecutive failed attempts the
    circuit opens: every request fails fast for ``reset`` seconds, so a dead dependency costs
    microseconds instead of a timeout per request (and is not hammered while it recovers).
    Then it is half-open: exactly one trial attempt is let through while other threads keep
    failing fast; success closes the circuit, failure opens it for another ``reset`` seconds.
    """

    def __init__(self, failures: int, reset: float) -> None:
        self._threshold = failures
        self._reset = reset
        self._lock = threading.Lock()
        self._consecutive_failures = 0
        self._opened_at: float | None = None
        self._trial_in_flight = False

    def acquire(self) -> tuple[bool, bool, float]:
        """May an attempt go out now?

        Returns (allowed, is_trial, seconds until a trial may be made when not allowed).
        """
        with self._lock:
            if self._opened_at is None:
                return True, False, 0.0
            remaining = self._opened_at + self._reset - time.monotonic()
            if remaining > 0:
                return False, False, remaining
            if self._trial_in_flight:
                return False, False, 0.0
            self._trial_in_flight = True
            return True, True, 0.0

    def record_success(self, is_trial: bool) -> None:
        with self._lock:
            self._consecutive_failures = 0
            self._opened_at = None
            if is_trial:
                self._trial_in_flight = False

    def record_failure(self, is_trial: bool) -> bool:
        """Count a failed attempt; returns True when this failure opened the circuit."""
        with self._lock:
            self._consecutive_failures += 1
            if is_trial:
                self._trial_in_flight = False
                self._opened_at = time.monotonic()
                return True
            # A request that started before the circuit opened and fails late does not extend
            # the open period: the reset time stays predictable.
            if self._opened_at is None and self._consecutive_failures >= self._threshold:
                self._opened_at = time.monotonic()
                return True
            return False

    def release(self, is_trial: bool) -> None:
        """An attempt ended without a verdict (an unexpected exception): free the trial slot."""
        if is_trial:
            with self._lock:
                self._trial_in_flight = False

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._opened_at is not None


class _Retry(Exception):
    """Raised inside an attempt to ask tenacity for another one; carries the real error."""

    def __init__(self, error: OutboundError) -> None:
        super().__init__(str(error))
        self.error = error


class _Failure:
    """A failed attempt: the exception to raise and whether the request may be repeated."""

    __slots__ = ("error", "retryable")

    def __init__(self, error: OutboundError, *, retryable: bool) -> None:
        self.error = error
        self.retryable = retryable


class OutboundClient:
    """Synchronous HTTP client for one outside system (one base URL, one connection pool).

    Create one per dependency and keep it for the life of the process: it owns the connection
    pool and the circuit state, both shared by all threads. ``retries`` is the number of extra
    attempts after the first; the wait before retry *n* (0-based) is drawn uniformly from
    ``[backoff * 2**n / 2, backoff * 2**n]`` ("equal jitter"), capped at 10 s, so that many
    clients retrying after the same outage do not hit the dependency in lockstep.
    """

    def __init__(
        self,
        base_url: str,
        *,
        name: str,
        timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.2,
        circuit_failures: int = 5,
        circuit_reset: float = 30.0,
        rate_per_second: int | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError(f"{name}: base URL must be an absolute http(s) URL")
        if rate_per_second is not None and rate_per_second < 1:
            raise ValueError(f"{name}: rate_per_second must be at least 1")
        if timeout <= 0 or retries < 0 or backoff < 0 or circuit_failures < 1 or circuit_reset < 0:
            raise ValueError(f"{name}: invalid timeout/retry/circuit settings")
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self._circuit = _CircuitBreaker(circuit_failures, circuit_reset)
        # The agency's quota for us, per process (pyrate-limiter, in memory): W web workers
        # send at most W times the rate; a deployment with a shared quota sets the rate per worker.
        self._limiter = Limiter(Rate(rate_per_second, Duration.SECOND)) if rate_per_second else None
        # One timeout value bounds connecting, each read, each write and waiting for a pooled
        # connection; without it httpx would still default to 5 s, but we want it explicit.
        self._client = httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout),
            headers={"Accept": "application/json", "User-Agent": "imigrasi-digital"},
            follow_redirects=False,
        )

    @property
    def circuit_open(self) -> bool:
        """True while requests fail fast (open or half-open circuit)."""
        return self._circuit.is_open

    def close(self) -> None:
        """Close pooled connections; the client must not be used afterwards."""
        self._client.close()

    def __enter__(self) -> OutboundClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        """Send a request and return the response when its status is below 400.

        Raises ``DependencyUnavailable`` or ``DependencyRejected`` (see the module docstring).
        ``path`` is relative to the base URL and may carry a query string. ``content`` sends
        exact bytes (a signed body) instead of ``json``.
        """
        if not path.startswith("/"):
            # An absolute URL here would silently bypass the base URL (and this client's name,
            # circuit and pool): adapters pass paths only.
            raise ValueError(f"{self.name}: path must start with '/'")
        method = method.upper()
        request_headers = httpx.Headers(headers or {})
        if idempotency_key is not None:
            request_headers[IDEMPOTENCY_HEADER] = idempotency_key
        retryable = method in IDEMPOTENT_METHODS or IDEMPOTENCY_HEADER in request_headers
        log_path = path.split("?", 1)[0]
        body: dict[str, Any] = {"json": json} if content is None else {"content": content}

        attempts = Retrying(
            stop=stop_after_attempt(1 + (self.retries if retryable else 0)),
            wait=self._backoff_delay,
            retry=retry_if_exception(lambda exc: isinstance(exc, _Retry)),
            sleep=time.sleep,
            reraise=True,
        )
        previous: OutboundError | None = None
        try:
            for attempt in attempts:
                with attempt:
                    number = attempt.retry_state.attempt_number - 1
                    try:
                        return self._guarded_attempt(
                            method, path, log_path, body, request_headers, number, retryable
                        )
                    except DependencyUnavailable as exc:
                        if exc.reason == "circuit_open" and previous is not None:
                            # Our own earlier attempt opened the circuit: its error is the
                            # better story.
                            raise previous from previous.__cause__
                        raise
                    except _Retry as exc:
                        previous = exc.error
                        raise
        except _Retry as exhausted:
            raise exhausted.error from exhausted.error.__cause__
        raise AssertionError("unreachable: tenacity either returns, raises or retries")

    def _guarded_attempt(
        self,
        method: str,
        path: str,
        log_path: str,
        body: dict[str, Any],
        headers: httpx.Headers,
        attempt: int,
        retryable: bool,
    ) -> httpx.Response:
        """One attempt through the circuit and the rate limit: the response, or an exception
        (``_Retry`` for a failure worth repeating)."""
        allowed, is_trial, retry_after = self._circuit.acquire()
        if not allowed:
            # DEBUG, not WARNING: with the circuit open this runs for every request, and the
            # opening itself was already logged as a warning.
            logger.debug("%s %s %s: circuit open, failing fast", self.name, method, log_path)
            raise DependencyUnavailable(
                f"{self.name}: circuit open after repeated failures",
                dependency=self.name,
                method=method,
                path=log_path,
                reason="circuit_open",
                retry_after=retry_after,
            )
        if self._limiter is not None and not self._limiter.try_acquire(
            self.name, blocking=True, timeout=RATE_LIMIT_WAIT_SECONDS
        ):
            self._circuit.release(is_trial)
            logger.warning("%s %s %s: own rate limit reached", self.name, method, log_path)
            raise DependencyUnavailable(
                f"{self.name}: our rate limit for this system is reached",
                dependency=self.name,
                method=method,
                path=log_path,
                reason="rate_limited",
                retry_after=1.0,
            )
        outcome = self._attempt(method, path, log_path, body, headers, attempt, is_trial)
        if isinstance(outcome, httpx.Response):
            return outcome
        if outcome.retryable and retryable:
            raise _Retry(outcome.error)
        raise outcome.error

    def _attempt(
        self,
        method: str,
        path: str,
        log_path: str,
        body: dict[str, Any],
        headers: httpx.Headers,
        attempt: int,
        is_trial: bool,
    ) -> httpx.Response | _Failure:
        """One exchange; returns the response, or a failure to raise or retry."""
        try:
            response = self._client.request(method, path, headers=headers, **body)
        except httpx.TimeoutException as exc:
            return self._transport_failure(method, log_path, attempt, is_trial, "timeout", exc)
        except httpx.ConnectError as exc:
            # Also covers DNS failures: httpx reports them as ConnectError.
            return self._transport_failure(method, log_path, attempt, is_trial, "connect", exc)
        except httpx.TransportError as exc:
            # Connection reset, server closed the connection mid-answer, protocol errors.
            return self._transport_failure(method, log_path, attempt, is_trial, "transport", exc)
        except BaseException:
            self._circuit.release(is_trial)
            raise

        status = response.status_code
        if status < 400:
            self._circuit.record_success(is_trial)
            return response
        if status < 500 and status not in UNAVAILABLE_4XX:
            # The dependency is alive and answered: that counts as a success for the circuit.
            self._circuit.record_success(is_trial)
            logger.warning("%s %s %s: rejected with %d", self.name, method, log_path, status)
            return _Failure(
                DependencyRejected(
                    f"{self.name}: {method} {log_path} rejected with {status}",
                    dependency=self.name,
                    method=method,
                    path=log_path,
                    status=status,
                    body=_json_or_none(response),
                ),
                retryable=False,
            )
        opened = self._circuit.record_failure(is_trial)
        logger.warning(
            "%s %s %s: status %d (attempt %d)%s",
            self.name,
            method,
            log_path,
            status,
            attempt + 1,
            "; circuit opened" if opened else "",
        )
        return _Failure(
            DependencyUnavailable(
                f"{self.name}: {method} {log_path} failed with {status}",
                dependency=self.name,
                method=method,
                path=log_path,
                reason="status",
                status=status,
                retry_after=_retry_after_seconds(response),
            ),
            retryable=status in RETRYABLE_STATUSES or status in UNAVAILABLE_4XX,
        )

    def _transport_failure(
        self,
        method: str,
        log_path: str,
        attempt: int,
        is_trial: bool,
        reason: str,
        exc: httpx.HTTPError,
    ) -> _Failure:
        opened = self._circuit.record_failure(is_trial)
        logger.warning(
            "%s %s %s: %s (%s, attempt %d)%s",
            self.name,
            method,
            log_path,
            reason,
            type(exc).__name__,
            attempt + 1,
            "; circuit opened" if opened else "",
        )
        error = DependencyUnavailable(
            f"{self.name}: {method} {log_path} failed: {reason} ({type(exc).__name__})",
            dependency=self.name,
            method=method,
            path=log_path,
            reason=reason,
        )
        error.__cause__ = exc
        return _Failure(error, retryable=True)

    def _backoff_delay(self, state: RetryCallState) -> float:
        """tenacity's wait: "equal jitter" before retry n (0-based) — see the class docstring.
        (tenacity's own ``wait_random_exponential`` is full jitter, which can retry at once.)"""
        retry_index = state.attempt_number - 1
        ceiling = min(self.backoff * (2**retry_index), MAX_BACKOFF_SECONDS)
        # Jitter only spreads retries over time; it protects nothing, so `random` is right here.
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not a secret


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _retry_after_seconds(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds when the dependency sent the numeric form (503, 429)."""
    value = response.headers.get("Retry-After", "").strip()
    return float(value) if value.isascii() and value.isdigit() else None
