'use strict';
// ioredis against a server on 127.0.0.1:PORT: MULTI/EXEC, WATCH, pub/sub and blocking pops,
// once over RESP3 (ioredis's default, HELLO 3) and once over RESP2.
//
//   node test_ioredis.js PORT
//
// Contract: keys are plain distinct names (many per transaction, so that with several shards
// a transaction spans them), prefixed per protocol so the two rounds do not meet. Every reply
// is checked against what Redis 7.0 answers. Every wait is bounded (withTimeout, waitFor, and
// a 100 s deadline for the whole script). Exit status 0 only if every check passed.

const Redis = require('ioredis');
const { Checker, sleep, withTimeout, waitFor, timed, spreadKeys, portFromArgs } =
  require('./checks');

const port = portFromArgs();
const check = new Checker(`ioredis ${require('ioredis/package.json').version}, port ${port}`,
                          100000);
const clients = [];

function connect(protocol) {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    protocol,
    connectTimeout: 10000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,  // a dropped connection is a failure here, not retried
  });
  client.on('error', (err) => check.check(false, `connection error: ${err.message}`));
  clients.push(client);
  return client;
}

async function transactions(p, protocol) {
  const a = connect(protocol);
  const b = connect(protocol);
  const k = spreadKeys(`${p}:tx`);

  check.equal(await withTimeout(a.multi().set(k[0], 'hello').incr(k[1]).get(k[0]).exec(), 10000,
                                'MULTI'),
              [[null, 'OK'], [null, 1], [null, 'hello']],
              `${p}: multi().set().incr().get().exec()`);

  const m = a.multi();
  k.forEach((key, i) => m.set(key, `v${i}`));
  k.forEach((key) => m.append(key, '!'));
  m.mget(k);
  m.incrby(`${p}:tx:ctr`, 7);
  m.del(...k.slice(20));
  m.exists(...k);
  const got = await withTimeout(m.exec(), 10000, 'MULTI on 24 keys');
  const values = k.map((_, i) => `v${i}!`);
  const want = [
    ...k.map(() => [null, 'OK']),
    ...values.map((v) => [null, v.length]),
    [null, values],
    [null, 7],
    [null, 4],
    [null, 20],
  ];
  check.equal(got, want, `${p}: MULTI of ${want.length} commands on 24 keys, every reply`);
  check.equal(await b.mget(k), [...values.slice(0, 20), null, null, null, null],
              `${p}: another connection sees every write of the EXEC`);

  const withError = await withTimeout(
    a.multi().set(k[0], 'abc').incr(k[0]).set(k[1], 'after').get(k[1]).exec(), 10000, 'MULTI');
  check.check(withError.length === 4 && withError[1][0] instanceof Error &&
              withError[1][0].message === 'ERR value is not an integer or out of range',
              `${p}: INCR of a non-integer fails inside EXEC`, String(withError[1]));
  check.equal(withError.filter((_, i) => i !== 1),
              [[null, 'OK'], [null, 'OK'], [null, 'after']],
              `${p}: the other commands of that EXEC ran`);

  let aborted;
  try {
    aborted = await withTimeout(a.multi().set(k[2], 'never').call('NOSUCHCOMMAND', 'x')
      .incr(`${p}:tx:ctr`).exec(), 10000, 'MULTI');
  } catch (err) {
    aborted = err;
  }
  check.check(aborted instanceof Error &&
              aborted.message === 'EXECABORT Transaction discarded because of previous errors.',
              `${p}: unknown command while queuing -> EXECABORT`, String(aborted));
  check.equal([await b.get(k[2]), await b.get(`${p}:tx:ctr`)], ['v2!', '7'],
              `${p}: nothing of the aborted transaction ran`);

  // Concurrent transactions on the same counters (spread over the shards): atomic each.
  const counters = spreadKeys(`${p}:atom`, 12);
  const writers = [0, 1, 2, 3].map(() => connect(protocol));
  const handed = [];
  let unequal = 0;
  await withTimeout(Promise.all(writers.map(async (w) => {
    for (let round = 0; round < 25; round++) {
      const tx = w.multi();
      counters.forEach((c) => tx.incr(c));
      const replies = (await tx.exec()).map(([err, v]) => (err ? err.message : v));
      if (new Set(replies).size !== 1) unequal += 1;
      handed.push(replies[0]);
    }
  })), 60000, 'concurrent transactions');
  check.check(unequal === 0, `${p}: 100 concurrent EXECs of 12 INCRs each saw equal counters`,
              `${unequal} EXECs saw unequal counters`);
  check.equal(handed.sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i + 1),
              `${p}: the INCRs handed out 1..100 once each`);

  // WATCH: a write from another connection between WATCH and EXEC makes EXEC answer null.
  await a.set(k[3], 'start');
  check.equal(await a.watch(k[3], k[4], k[5]), 'OK', `${p}: WATCH 3 keys`);
  await b.set(k[5], 'theirs');
  check.equal(await withTimeout(a.multi().set(k[3], 'mine').exec(), 10000, 'EXEC'), null,
              `${p}: EXEC after another client wrote a watched key -> null`);
  check.equal(await a.mget(k[3], k[5]), ['start', 'theirs'], `${p}: the transaction did not run`);
  await a.watch(k[3]);
  await b.get(k[3]);
  check.equal(await a.multi().set(k[3], 'mine').exec(), [[null, 'OK']],
              `${p}: EXEC with the watched key only read by others runs`);
}

async function pubsub(p, protocol) {
  const pub = connect(protocol);
  const subs = [connect(protocol), connect(protocol), connect(protocol)];
  const patterns = connect(protocol);
  const ch = `${p}:news`;
  const other = `${p}:weather`;
  const inbox = subs.map(() => []);
  const patInbox = [];
  subs.forEach((s, i) => s.on('message', (channel, message) => inbox[i].push([channel, message])));
  patterns.on('pmessage', (pattern, channel, message) =>
    patInbox.push([pattern, channel, message]));

  check.equal(await withTimeout(subs[0].subscribe(ch, other), 10000, 'SUBSCRIBE'), 2,
              `${p}: SUBSCRIBE 2 channels -> 2`);
  check.equal(await subs[1].subscribe(ch), 1, `${p}: second connection SUBSCRIBE -> 1`);
  check.equal(await subs[2].subscribe(ch), 1, `${p}: third connection SUBSCRIBE -> 1`);
  check.equal(await patterns.psubscribe(`${p}:n*`, `${p}:*s`), 2,
              `${p}: PSUBSCRIBE 2 patterns -> 2`);

  const messages = ['one', 'two', 'three'];
  const counts = [];
  for (const msg of messages) counts.push(await pub.publish(ch, msg));
  check.equal(counts, [5, 5, 5], `${p}: PUBLISH to 3 subscribers and 2 matching patterns -> 5`);
  const all = () => inbox.every((box) => box.length >= 3) && patInbox.length >= 6;
  check.check(await waitFor(all, 5000), `${p}: every message arrived within 5 s`);
  inbox.forEach((box, i) => check.equal(box, messages.map((msg) => [ch, msg]),
                                        `${p}: subscriber ${i + 1} got each message once, ` +
                                        'in order'));
  check.equal(patInbox.map((m) => m[2]), ['one', 'one', 'two', 'two', 'three', 'three'],
              `${p}: pattern subscriber got each message once per pattern, in order`);
  check.equal(patInbox.map((m) => m.join(' ')).sort(),
              messages.flatMap((msg) => [`${p}:*s ${ch} ${msg}`, `${p}:n* ${ch} ${msg}`]).sort(),
              `${p}: one pmessage per matching pattern, with the pattern and the channel`);

  check.equal(await pub.publish(other, 'rain'), 1, `${p}: PUBLISH to a channel of 1 -> 1`);
  check.check(await waitFor(() => inbox[0].length === 4, 5000) &&
              inbox[0][3][0] === other && inbox[0][3][1] === 'rain',
              `${p}: the second channel's message arrived`);

  check.equal(await subs[0].unsubscribe(ch), 1, `${p}: UNSUBSCRIBE one of 2 -> 1`);
  check.equal(await subs[1].unsubscribe(), 0, `${p}: UNSUBSCRIBE all -> 0`);
  check.equal(await patterns.punsubscribe(`${p}:*s`), 1, `${p}: PUNSUBSCRIBE one of 2 -> 1`);
  check.equal(await pub.publish(ch, 'four'), 2, `${p}: PUBLISH after unsubscribes -> 2`);
  check.check(await waitFor(() => inbox[2].length === 4 && patInbox.length === 7, 5000),
              `${p}: the remaining subscribers got it`);
  await sleep(200);
  check.equal([inbox[0].length, inbox[1].length, patInbox[6][0]], [4, 3, `${p}:n*`],
              `${p}: the unsubscribed ones did not`);

  if (protocol === 3) {
    // RESP3: a subscribed connection still answers ordinary commands.
    await pub.set(`${p}:plain`, 'value');
    check.equal(await withTimeout(subs[2].get(`${p}:plain`), 10000, 'GET'), 'value',
                `${p}: GET on a subscribed RESP3 connection`);
  }
}

async function blocking(p, protocol) {
  const a = connect(protocol);
  const b = connect(protocol);
  const k = spreadKeys(`${p}:bl`);

  const pending = timed(withTimeout(a.blpop(...k, 5), 10000, 'BLPOP'));
  await sleep(300);
  check.equal(await b.rpush(k[23], 'x', 'y'), 2, `${p}: RPUSH on another connection -> 2`);
  const [got, ms] = await pending;
  check.equal(got, [k[23], 'x'], `${p}: BLPOP on 24 keys served by that push`);
  check.check(ms >= 250 && ms < 5000, `${p}: BLPOP blocked until the push (${ms.toFixed(0)} ms)`);
  check.equal(await b.lrange(k[23], 0, -1), ['y'], `${p}: the second element stays`);

  const [none, waited] = await timed(withTimeout(a.blpop(`${p}:bl:empty`, 1), 10000, 'BLPOP'));
  check.check(none === null && waited >= 950 && waited < 5000,
              `${p}: BLPOP timeout 1 -> null after ${waited.toFixed(0)} ms`);
  const [none2, waited2] = await timed(withTimeout(a.brpop(`${p}:bl:empty`, 0.3), 10000, 'BRPOP'));
  check.check(none2 === null && waited2 >= 290 && waited2 < 4000,
              `${p}: BRPOP timeout 0.3 -> null after ${waited2.toFixed(0)} ms`);

  const zpending = withTimeout(a.bzpopmin(`${p}:bz:a`, `${p}:bz:b`, 5), 10000, 'BZPOPMIN');
  await sleep(200);
  await b.zadd(`${p}:bz:b`, 3, 'c', 1, 'a', 2, 'b');
  check.equal(await zpending, [`${p}:bz:b`, 'a', '1'], `${p}: BZPOPMIN served by a ZADD`);

  const mpending = withTimeout(a.blmove(`${p}:mv:src`, `${p}:mv:dst`, 'RIGHT', 'LEFT', 5),
                               10000, 'BLMOVE');
  await sleep(200);
  await b.rpush(`${p}:mv:src`, 'first', 'last');
  check.equal(await mpending, 'last', `${p}: BLMOVE served by a push`);
  check.equal([await b.lrange(`${p}:mv:src`, 0, -1), await b.lrange(`${p}:mv:dst`, 0, -1)],
              [['first'], ['last']], `${p}: BLMOVE moved the element`);
}

async function main() {
  for (const protocol of [3, 2]) {
    const p = `resp${protocol}`;
    await check.section(`${p} transactions`, () => transactions(p, protocol));
    await check.section(`${p} pub/sub`, () => pubsub(p, protocol));
    await check.section(`${p} blocking`, () => blocking(p, protocol));
  }
  for (const client of clients) client.disconnect();
  return check.finish();
}

main().then((code) => process.exit(code), (err) => {
  console.log(`FAIL ${err && err.stack}`);
  process.exit(1);
});
