"""Shared pieces of tools/atomicity_stress.py: the state of one scenario run and an asyncio
raw-RESP connection whose every read is bounded.

Contract:
  * One asyncio thread owns everything here; nothing is locked.
  * Every read has a deadline. A reply that does not arrive in time raises HangError, an EOF
    raises ClosedError, a reply that is not what the scenario allows raises Mismatch. Nothing
    here waits forever.
  * Run.guard() turns those exceptions into one failure line each. The first failure stops the
    run: every client loop checks Run.running() before its next round.
"""

import asyncio
import collections
import random
import socket
import time
import traceback

import resp_wire

OK = b"+OK\r\n"
QUEUED = b"+QUEUED\r\n"
PONG = b"+PONG\r\n"
HOST = "127.0.0.1"


class HangError(Exception):
    pass


class ClosedError(Exception):
    pass


class Mismatch(Exception):
    pass


def short(data, limit=300):
    """Bytes as their repr, anything else (a decoded reply) as its repr, cut to `limit`."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        text = repr(data)
        return text if len(text) <= limit else "%s... (%d characters)" % (text[:limit], len(text))
    data = bytes(data)
    if len(data) <= limit:
        return repr(data)
    return "%r... (%d bytes)" % (data[:limit], len(data))


def to_int(raw):
    """The integer in a bulk value (bytes) or integer reply, or None."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, bytes):
        try:
            return int(raw)
        except ValueError:
            return None
    return None


class Run:
    """State of one scenario run: figures, failures, the deadline and the seed."""

    def __init__(self, scenario, args, seed, port):
        self.scenario = scenario
        self.args = args
        self.seed = seed
        self.port = port
        self.started = time.monotonic()
        self.deadline = self.started + args.seconds
        self.stop = False
        self.failures = []
        self.counts = collections.Counter()   # figures printed in the summary
        self.reply_timeout = args.reply_timeout

    def restart_clock(self):
        self.started = time.monotonic()
        self.deadline = self.started + self.args.seconds

    def fail(self, line):
        self.failures.append(line)
        self.stop = True
        if len(self.failures) <= 20:
            print(line, flush=True)
        elif len(self.failures) == 21:
            print("(further problems are counted, not printed)", flush=True)

    def running(self):
        return not self.stop and time.monotonic() < self.deadline

    def rng(self, tag):
        """A random source for one client, fixed by the seed, the scenario and the tag."""
        return random.Random("%d:%s:%s" % (self.seed, self.scenario, tag))

    async def guard(self, who, coro):
        """Runs one client coroutine; its exceptions become failures of the run."""
        try:
            return await coro
        except Mismatch as err:
            self.counts["mismatches"] += 1
            self.fail("MISMATCH %s: %s" % (who, err))
        except HangError as err:
            self.counts["hangs"] += 1
            self.fail("HANG %s: %s" % (who, err))
        except (ClosedError, ConnectionError, OSError) as err:
            self.fail("CONNECTION %s: %s: %s" % (who, type(err).__name__, err))
        except resp_wire.WireError as err:
            self.fail("PROTOCOL %s: %s" % (who, err))
        except Exception as err:  # noqa: BLE001 - a fault of this script is a failure too
            frames = traceback.format_exc().strip().splitlines()[-6:]
            self.fail("ERROR %s: %s: %s\n  %s" % (who, type(err).__name__, err,
                                                   "\n  ".join(frames)))
        return None


class Conn:
    """One client connection. Commands are lists of byte strings; replies come back as the
    exact bytes of one reply (raw) or decoded (value)."""

    def __init__(self, run, who):
        self.run = run
        self.who = who
        self.reader = None
        self.writer = None
        self.buf = bytearray()
        self.resp3 = False
        self.null_array = b"*-1\r\n"      # EXEC after a touched WATCH, BLPOP after its timeout

    async def open(self, resp3=False):
        timeout = self.run.reply_timeout
        try:
            self.reader, self.writer = await asyncio.wait_for(
                asyncio.open_connection(HOST, self.run.port, limit=1 << 20), timeout)
        except asyncio.TimeoutError:
            raise HangError("connecting took more than %.0f s" % timeout) from None
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if resp3:
            self.send([b"HELLO", b"3"])
            hello = await self.value("the reply to HELLO 3")
            if not isinstance(hello, dict) or hello.get(b"proto", hello.get("proto")) != 3:
                raise Mismatch("HELLO 3 replied %r" % (hello,))
            self.resp3 = True
            self.null_array = b"_\r\n"
        return self

    def close(self):
        if self.writer is not None:
            try:
                self.writer.close()
            except (OSError, RuntimeError):
                pass
            self.writer = None

    def send(self, *commands):
        self.writer.write(b"".join(resp_wire.encode(*cmd) for cmd in commands))

    async def flush(self):
        try:
            await asyncio.wait_for(self.writer.drain(), self.run.reply_timeout)
        except asyncio.TimeoutError:
            raise HangError("the server took nothing from the socket for %.0f s"
                            % self.run.reply_timeout) from None

    async def _fill(self, timeout, what):
        try:
            data = await asyncio.wait_for(self.reader.read(1 << 18), timeout)
        except asyncio.TimeoutError:
            raise HangError("no reply for %.1f s while waiting for %s; unparsed bytes: %s"
                            % (timeout, what, short(self.buf, 200))) from None
        if not data:
            raise ClosedError("the server closed the connection while %s was awaited" % what)
        self.buf += data

    def take(self):
        """The next complete reply already received, or None."""
        end = resp_wire.reply_end(self.buf)
        if end is None:
            return None
        raw = bytes(self.buf[:end])
        del self.buf[:end]
        return raw

    async def raw(self, what, timeout=None):
        """The bytes of the next reply; HangError if none comes within the timeout."""
        deadline = time.monotonic() + (self.run.reply_timeout if timeout is None else timeout)
        while True:
            raw = self.take()
            if raw is not None:
                return raw
            await self._fill(max(0.001, deadline - time.monotonic()), what)

    async def value(self, what, timeout=None):
        return resp_wire.decode(await self.raw(what, timeout))

    async def poll(self, timeout):
        """The next reply if one arrives within `timeout`, else None (not a hang)."""
        raw = self.take()
        if raw is not None:
            return raw
        try:
            await self._fill(timeout, "a pushed message")
        except HangError:
            return None
        return self.take()

    async def expect(self, want, what):
        raw = await self.raw(what)
        if raw != want:
            raise Mismatch("%s: expected %s, got %s" % (what, short(want), short(raw)))


async def open_many(run, conns, parallel=64):
    """Opens every (connection, speaks RESP3) pair, at most `parallel` at a time (a burst of a
    thousand SYNs could overflow the listen backlog and turn into one-second retransmits).
    Returns True if all opened."""
    gate = asyncio.Semaphore(parallel)

    async def one(conn, resp3):
        async with gate:
            await conn.open(resp3=resp3)
        return True

    results = await asyncio.gather(*(run.guard(c.who, one(c, r)) for c, r in conns))
    return all(results)
