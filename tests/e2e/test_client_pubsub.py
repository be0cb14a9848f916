"""redis-py driving pub/sub: channels, patterns and shard channels.

Contract:
  * Every reply is compared with what Redis 7.0 answers (redis-server 7.0.15 passes this script
    with --server redis). Keys are plain distinct names, many per check, so that with --cores 2
    or 4 each check spans several shards.
  * Every socket read has a timeout and every wait is bounded; threads are joined with a
    timeout and a thread still running counts as a failure.
  * PUBLISH answers the exact number of receivers, counting every matching pattern; each
    subscriber gets each message once, in publish order, bytes intact.
"""

import sys
import time

import redis as redis_py

from coordination_helpers import (call, client, is_error, msg, next_message, no_message,
                                  raw_connection, read_reply, run_sections, spread_keys)


def check_pubsub(check, port):
    pub = client(port)
    subs = [client(port).pubsub() for _ in range(3)]
    watcher = client(port).pubsub()
    s1, s2, s3 = subs
    try:
        s1.subscribe("news", "sports")
        check.check(next_message(s1) == msg("subscribe", b"news", 1)
                    and next_message(s1) == msg("subscribe", b"sports", 2),
                    "SUBSCRIBE news sports: confirmations with counts 1 and 2")
        s2.subscribe("news")
        s3.subscribe("news")
        check.check(next_message(s2) == msg("subscribe", b"news", 1)
                    and next_message(s3) == msg("subscribe", b"news", 1),
                    "two more connections subscribe to news")
        watcher.psubscribe("n*", "*s")
        check.check(next_message(watcher) == msg("psubscribe", b"n*", 1)
                    and next_message(watcher) == msg("psubscribe", b"*s", 2),
                    "PSUBSCRIBE n* *s: confirmations with counts 1 and 2")
        s1.psubscribe("ne?s")
        check.check(next_message(s1) == msg("psubscribe", b"ne?s", 3),
                    "PSUBSCRIBE on a connection with 2 channels: count 3")

        check.check(pub.pubsub_numsub("news", "sports", "unheard")
                    == [(b"news", 3), (b"sports", 1), (b"unheard", 0)], "PUBSUB NUMSUB")
        check.check(pub.pubsub_numpat() == 3, "PUBSUB NUMPAT -> 3")
        check.check(sorted(pub.pubsub_channels("*")) == [b"news", b"sports"],
                    "PUBSUB CHANNELS -> news, sports")

        # news: 3 channel subscribers + n* + *s + ne?s = 6 receivers.
        payloads = [b"first", b"second \x00\xff\r\n binary", b"x" * 10000]
        counts = [pub.publish("news", p) for p in payloads]
        check.check(counts == [6, 6, 6], "PUBLISH news x3 -> 6 receivers each (%r)" % counts)
        for i, s in enumerate(subs):
            got = [next_message(s) for _ in range(3 if i else 6)]
            if i:
                want = [msg("message", b"news", p) for p in payloads]
            else:
                want = [m for p in payloads for m in (msg("message", b"news", p),
                                                      msg("pmessage", b"news", p, b"ne?s"))]
            check.check(got == want, "subscriber %d got every message once, in order" % (i + 1),
                        repr(got)[:300])
        got = [next_message(watcher) for _ in range(6)]
        want = [msg("pmessage", b"news", p, pat) for p in payloads for pat in (b"n*", b"*s")]
        check.check(sorted(got, key=repr) == sorted(want, key=repr)
                    and [m["data"] for m in got] == [p for p in payloads for _ in (0, 1)],
                    "pattern subscriber got each message once per matching pattern, in order")
        check.check(pub.publish("sports", "goal") == 2, "PUBLISH sports -> 2 (sports, *s)")
        check.check(next_message(s1) == msg("message", b"sports", b"goal")
                    and next_message(watcher) == msg("pmessage", b"sports", b"goal", b"*s"),
                    "sports message delivered to the channel and the pattern subscriber")
        check.check(pub.publish("quiet-channels", "x") == 1 and pub.publish("q", "x") == 0,
                    "PUBLISH to unsubscribed channels -> 1 (*s matches) and 0")
        check.check(next_message(watcher) == msg("pmessage", b"quiet-channels", b"x", b"*s"),
                    "pattern *s matched quiet-channels")
        check.check(all(no_message(s) for s in subs) and no_message(watcher),
                    "no subscriber got anything extra")

        # Commands other than (P|S)SUBSCRIBE, PING, QUIT, RESET are refused in RESP2.
        s2.ping()
        check.check(next_message(s2) == msg("pong", None, b""), "PING while subscribed -> pong")
        s2.execute_command("GET", "news")
        try:
            got = next_message(s2)
        except redis_py.ResponseError as err:
            got = err
        check.check(is_error(got, "Can't execute 'get': only (P|S)SUBSCRIBE / "
                             "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
                             "context"), "GET while subscribed is refused (%r)" % got)

        s2.unsubscribe("news")
        check.check(next_message(s2) == msg("unsubscribe", b"news", 0),
                    "UNSUBSCRIBE news -> count 0")
        s1.punsubscribe()
        check.check(next_message(s1) == msg("punsubscribe", b"ne?s", 2),
                    "PUNSUBSCRIBE (all) -> the pattern, count 2")
        watcher.punsubscribe("n*")
        check.check(next_message(watcher) == msg("punsubscribe", b"n*", 1),
                    "PUNSUBSCRIBE n* -> count 1")
        check.check(pub.publish("news", "late") == 3, "PUBLISH news after unsubscribes -> 3 "
                    "(two channel subscribers and *s)")
        check.check(next_message(s1) == msg("message", b"news", b"late")
                    and next_message(s3) == msg("message", b"news", b"late")
                    and next_message(watcher) == msg("pmessage", b"news", b"late", b"*s")
                    and no_message(s2), "only the remaining subscribers got it")
        s1.unsubscribe()
        got = sorted([next_message(s1), next_message(s1)], key=lambda m: m["channel"])
        check.check(got == [msg("unsubscribe", b"news", 1), msg("unsubscribe", b"sports", 0)]
                    or got == [msg("unsubscribe", b"news", 0), msg("unsubscribe", b"sports", 1)],
                    "UNSUBSCRIBE (all) -> one reply per channel, counts down to 0", repr(got))
        check.check(pub.pubsub_numsub("news", "sports") == [(b"news", 1), (b"sports", 0)]
                    and pub.pubsub_numpat() == 1, "PUBSUB NUMSUB / NUMPAT after unsubscribing")

        # A subscriber that disconnects stops counting.
        s3.close()
        deadline = time.monotonic() + 5
        while pub.pubsub_numsub("news") != [(b"news", 0)] and time.monotonic() < deadline:
            time.sleep(0.02)
        check.check(pub.publish("news", "after close") == 1,
                    "PUBLISH after the last channel subscriber disconnected -> 1 (*s)")
    finally:
        for s in subs + [watcher]:
            s.close()
        pub.close()


def check_shard_pubsub(check, port):
    """SSUBSCRIBE / SPUBLISH (Redis 7.0), on raw redis-py connections: redis-py 4.3 has no
    helper for shard channels."""
    pub = client(port)
    a = raw_connection(port)
    b = raw_connection(port)
    try:
        channels = spread_keys("shch", 8)
        got = [call(a, "SSUBSCRIBE", ch) for ch in channels]
        check.check(got == [[b"ssubscribe", ch.encode(), i + 1] for i, ch in enumerate(channels)],
                    "SSUBSCRIBE 8 shard channels, one at a time: counts 1..8")
        check.check(call(b, "SSUBSCRIBE", channels[0]) == [b"ssubscribe", channels[0].encode(), 1],
                    "a second connection SSUBSCRIBEs to the first")
        counts = [pub.execute_command("SPUBLISH", ch, "m-" + ch) for ch in channels]
        check.check(counts == [2] + [1] * 7, "SPUBLISH counts shard-channel receivers (%r)"
                    % counts)
        got = [read_reply(a) for _ in channels]
        check.check(got == [[b"smessage", ch.encode(), ("m-" + ch).encode()] for ch in channels],
                    "every shard message arrived as smessage, in publish order")
        check.check(read_reply(b) == [b"smessage", channels[0].encode(),
                                      ("m-" + channels[0]).encode()], "second subscriber too")
        check.check(pub.publish(channels[0], "plain") == 0,
                    "PUBLISH does not reach shard-channel subscribers (0)")
        check.check(pub.execute_command("PUBSUB", "SHARDNUMSUB", channels[0], channels[1])
                    == [channels[0].encode(), 2, channels[1].encode(), 1], "PUBSUB SHARDNUMSUB")
        check.check(call(b, "SUNSUBSCRIBE", channels[0]) == [b"sunsubscribe",
                                                               channels[0].encode(), 0],
                    "SUNSUBSCRIBE -> count 0")
        check.check(pub.execute_command("SPUBLISH", channels[0], "again") == 1,
                    "SPUBLISH after one unsubscribed -> 1")
        check.check(read_reply(a) == [b"smessage", channels[0].encode(), b"again"]
                    and not b.can_read(timeout=0.3), "only the remaining subscriber got it")
    finally:
        a.disconnect()
        b.disconnect()
        pub.close()


# ---------------------------------------------------------------------------------------------


def main():
    return run_sections(__doc__, "client pub/sub",
                        (("pub/sub", check_pubsub),
                         ("shard pub/sub", check_shard_pubsub)))


if __name__ == "__main__":
    sys.exit(main())
