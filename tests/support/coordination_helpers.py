"""Helpers shared by the e2e scripts that drive client coordination through redis-py
(test_client_transactions.py, test_client_pubsub.py, test_client_blocking.py): connections,
raw command-by-command calls, threads with a bounded join, pub/sub message waits, and waits for
a number of blocked clients.

Contract: every socket read has a timeout (SOCKET_TIMEOUT, longer than any blocking timeout the
scripts use) and every wait is bounded.
"""

import argparse
import threading
import time

import redis as redis_py

import server_harness

HOST = server_harness.HOST
SOCKET_TIMEOUT = 15.0   # longer than any blocking timeout used below
SPREAD = 24             # keys per cross-shard check: with 2 or 4 shards some lie on each


def client(port, **kwargs):
    return redis_py.Redis(host=HOST, port=port, socket_timeout=SOCKET_TIMEOUT,
                          socket_connect_timeout=10, **kwargs)


def raw_connection(port):
    """One redis-py connection used command by command, so that each raw reply (QUEUED, nil,
    errors) is seen as the server sent it, and so that a command can be sent now and its
    reply read later."""
    conn = redis_py.Connection(host=HOST, port=port, socket_timeout=SOCKET_TIMEOUT,
                               socket_connect_timeout=10)
    conn.connect()
    return conn


def read_reply(conn):
    """The next reply on `conn`; an error reply is returned as the exception, not raised."""
    try:
        return conn.read_response()
    except redis_py.ResponseError as err:
        return err


def call(conn, *args):
    conn.send_command(*args)
    return read_reply(conn)


def is_error(reply, text, kind=redis_py.ResponseError):
    return isinstance(reply, kind) and str(reply) == text


def spread_keys(prefix, n=SPREAD):
    return ["%s:%d" % (prefix, i) for i in range(n)]


def run_threads(targets, timeout):
    """Starts one thread per callable, joins them all within `timeout` seconds in total.
    Returns the number of threads still running afterwards."""
    threads = [threading.Thread(target=t, daemon=True) for t in targets]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    return sum(t.is_alive() for t in threads)


def next_message(ps, timeout=5.0):
    """The next message of any kind on a redis-py PubSub, or None after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = ps.get_message(timeout=min(0.1, max(0.0, deadline - time.monotonic())))
        if msg is not None:
            return msg
    return None


def no_message(ps, wait=0.3):
    return next_message(ps, timeout=wait) is None


def msg(kind, channel, data, pattern=None):
    return {"type": kind, "pattern": pattern, "channel": channel, "data": data}


def timed(fn, *args):
    start = time.monotonic()
    result = fn(*args)
    return result, time.monotonic() - start


def pop_with_later_push(port, pop, push_name, *push_args, delay=0.3):
    """Runs pop() (a blocking pop) while another connection, `delay` s after the pop is
    called, runs client.<push_name>(*push_args). Returns (pop reply, push reply, seconds from
    the start of the push to the pop's reply). The delay counts from the moment the pop is
    called, not from when the pushing thread started, so a slow thread start cannot move the
    push ahead of the pop."""
    go = threading.Event()
    done = {}

    def run():
        c = client(port)
        try:
            if not go.wait(30):
                raise RuntimeError("the pop was never called")
            time.sleep(delay)
            done["pushed_at"] = time.monotonic()
            done["result"] = getattr(c, push_name)(*push_args)
        except Exception as err:
            done["result"] = err
        finally:
            c.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    go.set()
    got = pop()
    returned = time.monotonic()
    thread.join(30)
    if thread.is_alive() or "pushed_at" not in done:
        raise RuntimeError("the pushing connection did not finish: %r" % done)
    return got, done["result"], returned - done["pushed_at"]


def wait_blocked(c, count):
    """Waits, at most 10 s, until the server reports `count` blocked clients, so that clients
    meant to block in a given order really do. Uses INFO clients' blocked_clients; a server
    whose INFO has no such field gets a fixed 0.5 s pause instead. Returns False only if the
    field exists and never reached `count`."""
    try:
        info = c.info("clients")
    except redis_py.ResponseError:
        info = {}
    if "blocked_clients" not in info:
        time.sleep(0.5)
        return True
    deadline = time.monotonic() + 10
    while info.get("blocked_clients") != count and time.monotonic() < deadline:
        time.sleep(0.01)
        info = c.info("clients")
    return info.get("blocked_clients") == count


def run_sections(doc, title, sections):
    """The main() of a coordination script: parses --server/--cores and the other harness
    arguments, starts the server, runs each (name, fn) of `sections` as fn(check, port) in a
    Checker section, checks that the server is still running, and returns the exit status."""
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    server_harness.add_server_args(parser)
    args = parser.parse_args()
    check = server_harness.Checker("%s (redis-py %s): %s"
                                   % (title, redis_py.__version__, server_harness.describe(args)))
    with server_harness.server_from_args(args) as srv:
        for name, fn in sections:
            check.section(name, fn, check, srv.port)
        check.check(srv.alive(), "server still running")
    return check.finish()
