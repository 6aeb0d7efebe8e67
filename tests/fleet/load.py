"""A load generator for the fleet test: unary calls and streams without pause,
recording the fate of every post.

Clients are configured as production clients should be:
- gRPC's retry policy (a service config): calls that end UNAVAILABLE before
  any answer arrived (the replica refused, vanished or drained) are retried,
  up to 5 attempts with jittered backoff;
- keepalive pings, so a dead connection is noticed within seconds even when
  idle;
- streams carry post ids: when a stream breaks (its replica died or
  drained), the posts it had not answered yet are sent again on a new stream.
  That is the ModerateStream contract, since a stream cannot be retried once
  answers have flowed.

    load = Load(target, pb2, grpc_module, unary_workers=4, stream_workers=2)
    load.start(); ...; load.stop()
    load.posts  # post_id -> PostRecord

Thread-safety: each worker owns its posts; `posts` is filled under a lock
and read only after stop().
"""

import json
import threading
import time

import grpc

COMMUNITY = "forum-de"
TEXTS = [
    "Du Oberbl0edm@nn, ich bring dich um!",
    "Die Regierung hat versagt, ich bring dich um acht zum Bahnhof.",
    "Danke fuer den Hinweis, das probiere ich morgen aus.",
    "Kauft jetzt billig Follower auf meiner Seite!!!",
]
STREAM_WINDOW = 32  # posts in flight per stream
UNARY_DEADLINE_S = 10
RETRYABLE_POST_ERROR = 14  # UNAVAILABLE: this replica could not judge it now

SERVICE_CONFIG = json.dumps({
    "methodConfig": [{
        "name": [{"service": "moderation.v1.ModerationService"}],
        "retryPolicy": {
            "maxAttempts": 5,
            "initialBackoff": "0.05s",
            "maxBackoff": "0.5s",
            "backoffMultiplier": 2,
            "retryableStatusCodes": ["UNAVAILABLE"],
        },
    }],
    # A client that retries a lot because the whole fleet is sick stops
    # retrying (token bucket) instead of multiplying the load.
    "retryThrottling": {"maxTokens": 100, "tokenRatio": 0.5},
})

CHANNEL_OPTIONS = [
    ("grpc.service_config", SERVICE_CONFIG),
    ("grpc.enable_retries", 1),
    ("grpc.keepalive_time_ms", 10000),
    ("grpc.keepalive_timeout_ms", 5000),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.http2.max_pings_without_data", 0),
]


class PostRecord:
    """What happened to one post: when it was last sent, and its answers."""

    __slots__ = ("post_id", "kind", "sent_at", "sends", "answers", "error")

    def __init__(self, post_id, kind):
        self.post_id = post_id
        self.kind = kind  # "unary" or "stream"
        self.sent_at = None  # monotonic time of the last send (unary: the call)
        self.sends = 0
        self.answers = []  # (monotonic time, ruleset version)
        self.error = None  # the final error of a unary call, if it failed


class Load:
    def __init__(self, target, pb2, unary_workers=4, stream_workers=2, retries=True):
        self.target = target
        self.retries = retries
        self.pb2 = pb2
        self.unary_workers = unary_workers
        self.stream_workers = stream_workers
        self.posts = {}
        self.stream_breaks = []  # (status code name, details)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._abandon = threading.Event()  # stop() ran out of time: give up resending
        self._threads = []
        self._channels = []
        self._calls = set()  # open streams, guarded by _lock

    def _channel(self):
        options = CHANNEL_OPTIONS if self.retries else CHANNEL_OPTIONS[2:] + [("grpc.enable_retries", 0)]
        channel = grpc.insecure_channel(self.target, options=options)
        self._channels.append(channel)
        return channel

    def _record(self, post_id, kind):
        record = PostRecord(post_id, kind)
        with self._lock:
            self.posts[post_id] = record
        return record

    def _request(self, post_id, n):
        return self.pb2.ModerateRequest(post=self.pb2.Post(
            post_id=post_id, community=COMMUNITY, body=TEXTS[n % len(TEXTS)]))

    def start(self):
        from moderation.v1 import moderation_pb2_grpc  # generated next to pb2

        for w in range(self.unary_workers):
            stub = moderation_pb2_grpc.ModerationServiceStub(self._channel())
            self._threads.append(threading.Thread(target=self._unary_worker, args=(w, stub), daemon=True))
        for w in range(self.stream_workers):
            stub = moderation_pb2_grpc.ModerationServiceStub(self._channel())
            self._threads.append(threading.Thread(target=self._stream_worker, args=(w, stub), daemon=True))
        for t in self._threads:
            t.start()

    def stop(self, timeout=30):
        """Stops sending new posts and waits until every post sent has its
        answer, for up to `timeout` seconds; after that, unanswered posts stay
        unanswered (and count as lost)."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))
        self._abandon.set()
        with self._lock:
            for call in self._calls:
                call.cancel()  # a stream still waiting for answers
        for t in self._threads:
            t.join(10)
        stuck = [t.name for t in self._threads if t.is_alive()]
        for channel in self._channels:
            channel.close()
        if stuck:
            raise RuntimeError("load workers did not stop within %d s: %s" % (timeout, stuck))

    # --- unary: one call after another, only gRPC's retry policy in between

    def _unary_worker(self, w, stub):
        n = 0
        while not self._stop.is_set():
            record = self._record("u%d-%d" % (w, n), "unary")
            request = self._request(record.post_id, n)
            record.sent_at = time.monotonic()
            record.sends = 1
            try:
                response = stub.Moderate(request, timeout=UNARY_DEADLINE_S)
                record.answers.append((time.monotonic(), response.ruleset.version))
            except grpc.RpcError as error:
                record.error = "%s: %s" % (error.code().name, error.details())
            n += 1

    # --- streams: a window of posts in flight; unanswered posts are resent

    def _stream_worker(self, w, stub):
        pending = []  # records to (re)send first
        n = 0
        while True:
            outstanding = {}
            window = threading.Semaphore(STREAM_WINDOW)
            lock = threading.Lock()
            # Set under `lock` once this stream is over: gRPC may still call
            # its request generator once, which must then take nothing, or
            # the post it took would be neither answered nor sent again.
            done = threading.Event()

            def requests():
                # After stop(): only what is still pending, then half-close.
                nonlocal n
                while True:
                    if self._abandon.is_set() or done.is_set():
                        return
                    if not window.acquire(timeout=0.1):
                        if self._stop.is_set() and not pending:
                            return
                        continue
                    with lock:
                        if done.is_set():
                            return
                        if pending:
                            record = pending.pop(0)
                        elif self._stop.is_set():
                            window.release()
                            return
                        else:
                            record = self._record("s%d-%d" % (w, n), "stream")
                            n += 1
                        record.sent_at = time.monotonic()
                        record.sends += 1
                        outstanding[record.post_id] = record
                    yield self._request(record.post_id, sum(map(ord, record.post_id)))

            call = stub.ModerateStream(requests())
            with self._lock:
                self._calls.add(call)
            try:
                for answer in call:
                    with lock:
                        record = outstanding.pop(answer.post_id, None)
                    if record is None:
                        continue  # an answer for a post we did not send on this stream
                    if answer.HasField("error") and answer.error.code == RETRYABLE_POST_ERROR:
                        with lock:
                            pending.append(record)  # refused, not judged: send again
                    elif answer.HasField("error"):
                        record.error = "post error %d: %s" % (answer.error.code, answer.error.message)
                    else:
                        record.answers.append((time.monotonic(), answer.response.ruleset.version))
                    window.release()
                if not outstanding and self._stop.is_set():
                    return
                self.stream_breaks.append(("OK", "stream ended with %d unanswered" % len(outstanding)))
            except grpc.RpcError as error:
                self.stream_breaks.append((error.code().name, error.details()))
            finally:
                with self._lock:
                    self._calls.discard(call)
            with lock:
                done.set()
                pending = sorted(outstanding.values(), key=lambda r: r.sent_at) + pending
            if (self._stop.is_set() and not pending) or self._abandon.is_set():
                return
            time.sleep(0.05)  # then a new stream, through the balancer to a live replica
