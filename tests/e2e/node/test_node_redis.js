'use strict';
// node-redis (the `redis` package, v4) against a server on 127.0.0.1:PORT: MULTI/EXEC,
// optimistic locking with executeIsolated + WATCH, pub/sub and blocking pops on isolated
// connections.
//
//   node test_node_redis.js PORT
//
// Contract: keys are plain distinct names (many per transaction, so that with several shards
// a transaction spans them). Every reply is checked against what Redis 7.0 answers. Every wait
// is bounded (withTimeout, waitFor, and a 100 s deadline for the whole script). Exit status 0
// only if every check passed.

const { createClient, commandOptions, WatchError, MultiErrorReply } = require('redis');
const {
  Checker, sleep, withTimeout, waitFor, waitBlocked, timed, spreadKeys, portFromArgs,
} = require('./checks');

const port = portFromArgs();
const check = new Checker(`node-redis ${require('redis/package.json').version}, port ${port}`,
                          100000);
const clients = [];
const isolated = commandOptions({ isolated: true });

async function connect() {
  const client = createClient({
    socket: { host: '127.0.0.1', port, connectTimeout: 10000, reconnectStrategy: false },
    // executeIsolated and { isolated: true } commands take a connection from this pool; its
    // default size of 1 would run them one after the other.
    isolationPoolOptions: { max: 8 },
  });
  client.on('error', (err) => check.check(false, `connection error: ${err.message}`));
  clients.push(client);
  await withTimeout(client.connect(), 10000, 'connect');
  return client;
}

async function transactions() {
  const a = await connect();
  const b = await connect();
  const k = spreadKeys('nr:tx');

  check.equal(await withTimeout(a.multi().set(k[0], 'hello').incr(k[1]).get(k[0]).exec(), 10000,
                                'MULTI'),
              ['OK', 1, 'hello'], 'multi().set().incr().get().exec()');

  const m = a.multi();
  k.forEach((key, i) => m.set(key, `v${i}`));
  k.forEach((key) => m.incrBy(`${key}:n`, 3));
  m.mGet(k);
  m.del(k.slice(20));
  m.exists(k);
  const values = k.map((_, i) => `v${i}`);
  check.equal(await withTimeout(m.exec(), 10000, 'MULTI on 48 keys'),
              [...k.map(() => 'OK'), ...k.map(() => 3), values, 4, 20],
              `MULTI of ${2 * k.length + 3} commands on 48 keys, every reply`);
  check.equal(await b.mGet(k), [...values.slice(0, 20), null, null, null, null],
              'another connection sees every write of the EXEC');

  let failed;
  try {
    failed = await withTimeout(a.multi().set(k[0], 'abc').incr(k[0]).set(k[1], 'after').exec(),
                               10000, 'MULTI');
  } catch (err) {
    failed = err;
  }
  check.check(failed instanceof MultiErrorReply && failed.errorIndexes.length === 1 &&
              failed.errorIndexes[0] === 1 &&
              failed.replies[1].message === 'ERR value is not an integer or out of range',
              'INCR of a non-integer fails inside EXEC (MultiErrorReply at index 1)',
              String(failed));
  check.equal(failed && failed.replies && [failed.replies[0], failed.replies[2]], ['OK', 'OK'],
              'the other commands of that EXEC ran');
  check.equal(await b.get(k[1]), 'after', 'the write after the failing command is there');

  let aborted;
  try {
    aborted = await withTimeout(a.multi().set(k[2], 'never').addCommand(['NOSUCHCOMMAND', 'x'])
      .incr('nr:tx:ctr').exec(), 10000, 'MULTI');
  } catch (err) {
    aborted = err;
  }
  check.check(aborted instanceof Error &&
              aborted.message === 'EXECABORT Transaction discarded because of previous errors.',
              'unknown command while queuing -> EXECABORT', String(aborted));
  check.equal([await b.get(k[2]), await b.get('nr:tx:ctr')], ['v2', null],
              'nothing of the aborted transaction ran');
}

async function optimisticLocking() {
  const client = await connect();
  const k = spreadKeys('nr:w', 8);
  await client.mSet(k.map((key) => [key, '10']));

  // A conflicting write from the main connection between WATCH and EXEC: EXEC answers null,
  // which node-redis raises as WatchError.
  let outcome;
  try {
    outcome = await withTimeout(client.executeIsolated(async (iso) => {
      await iso.watch(k);
      const current = await iso.mGet(k);
      await client.set(k[7], '100');
      return iso.multi().mSet(k.map((key, i) => [key, String(Number(current[i]) + 1)])).exec();
    }), 10000, 'executeIsolated');
  } catch (err) {
    outcome = err;
  }
  check.check(outcome instanceof WatchError, 'executeIsolated: WATCH, conflicting write, EXEC ' +
              '-> WatchError', String(outcome));
  check.equal(await client.mGet(k), [...Array(7).fill('10'), '100'],
              'the aborted transaction wrote nothing');

  // The same on the wire: EXEC's reply itself is null.
  const raw = await withTimeout(client.executeIsolated(async (iso) => {
    const replies = [await iso.sendCommand(['WATCH', ...k])];
    await client.incr(k[0]);
    replies.push(await iso.sendCommand(['MULTI']));
    replies.push(await iso.sendCommand(['SET', k[0], 'mine']));
    replies.push(await iso.sendCommand(['EXEC']));
    return replies;
  }), 10000, 'executeIsolated');
  check.equal(raw, ['OK', 'OK', 'QUEUED', null], 'WATCH / MULTI / SET / EXEC -> OK OK QUEUED null');
  check.equal(await client.get(k[0]), '11', 'the conflicting INCR stands');

  // The usual retry loop: the first attempt meets a conflict, the second commits.
  let attempts = 0;
  let committed = null;
  while (committed === null && attempts < 5) {
    attempts += 1;
    try {
      committed = await withTimeout(client.executeIsolated(async (iso) => {
        await iso.watch(k);
        const current = (await iso.mGet(k)).map(Number);
        if (attempts === 1) await client.set(k[3], '50');
        return iso.multi().mSet(k.map((key, i) => [key, String(current[i] * 2)]))
          .get(k[3]).exec();
      }), 10000, 'executeIsolated');
    } catch (err) {
      if (!(err instanceof WatchError)) throw err;
    }
  }
  check.equal(attempts, 2, 'retry loop: one WatchError, then the transaction committed');
  check.equal(committed, ['OK', '100'], 'retry loop: EXEC replies');
  check.equal(await client.mGet(k), ['22', '20', '20', '100', '20', '20', '20', '200'],
              'retry loop: values computed from the second read');

  // No conflict: EXEC runs.
  check.equal(await client.executeIsolated(async (iso) => {
    await iso.watch(k[1]);
    await client.get(k[1]);
    return iso.multi().incr(k[1]).exec();
  }), [21], 'WATCH with only reads by others: EXEC runs');

  // Concurrent read-modify-write loops on the same keys: no update may be lost.
  const counters = spreadKeys('nr:rmw', 6);
  let retries = 0;
  await withTimeout(Promise.all([0, 1, 2, 3].map(async () => {
    for (let round = 0; round < 15; round++) {
      for (;;) {
        try {
          await client.executeIsolated(async (iso) => {
            await iso.watch(counters);
            const current = (await iso.mGet(counters)).map((v) => Number(v || 0));
            return iso.multi().mSet(counters.map((key, i) => [key, String(current[i] + 1)]))
              .exec();
          });
          break;
        } catch (err) {
          if (!(err instanceof WatchError)) throw err;
          retries += 1;
        }
      }
    }
  })), 60000, 'concurrent read-modify-write');
  check.equal(await client.mGet(counters), Array(6).fill('60'),
              `4 x 15 concurrent WATCH read-modify-writes, none lost (${retries} retries)`);
}

async function pubsub() {
  const client = await connect();
  const subs = [client.duplicate(), client.duplicate(), client.duplicate()];
  clients.push(...subs);
  await withTimeout(Promise.all(subs.map((s) => s.connect())), 10000, 'connect');
  const inbox = subs.map(() => []);
  const patInbox = [];
  const binary = [];

  await withTimeout(subs[0].subscribe(['nr:news', 'nr:sports'],
                                      (message, channel) => inbox[0].push([channel, message])),
                    10000, 'SUBSCRIBE');
  await subs[1].subscribe('nr:news', (message, channel) => inbox[1].push([channel, message]));
  await subs[1].subscribe('nr:news', (message, channel) => binary.push([channel, message]), true);
  await subs[2].pSubscribe(['nr:n*', 'nr:*s'],
                           (message, channel) => patInbox.push([channel, message]));
  check.equal(await client.pubSubNumSub(['nr:news', 'nr:sports', 'nr:none']),
              Object.assign(Object.create(null), { 'nr:news': 2, 'nr:sports': 1, 'nr:none': 0 }),
              'PUBSUB NUMSUB after subscribing');
  check.equal(await client.pubSubNumPat(), 2, 'PUBSUB NUMPAT -> 2');

  const payloads = ['one', 'two \u00e9\u4e2d', 'x'.repeat(5000)];
  const counts = [];
  for (const message of payloads) counts.push(await client.publish('nr:news', message));
  check.equal(counts, [4, 4, 4], 'PUBLISH to 2 subscribers and 2 matching patterns -> 4');
  check.check(await waitFor(() => inbox[0].length >= 3 && inbox[1].length >= 3 &&
                            patInbox.length >= 6 && binary.length >= 3, 5000),
              'every message arrived within 5 s');
  check.equal(inbox[0], payloads.map((m) => ['nr:news', m]), 'subscriber 1 got each message ' +
              'once, in order');
  check.equal(inbox[1], payloads.map((m) => ['nr:news', m]), 'subscriber 2 too');
  check.equal(binary.map(([ch, m]) => [ch.toString(), m.toString()]),
              payloads.map((m) => ['nr:news', m]), 'buffer-mode listener got the same bytes');
  check.equal(patInbox, payloads.flatMap((m) => [['nr:news', m], ['nr:news', m]]),
              'pattern subscriber got each message once per matching pattern');

  check.equal(await client.publish('nr:sports', 'rain'), 2,
              'PUBLISH nr:sports -> 2 (a channel subscriber and nr:*s)');
  check.check(await waitFor(() => inbox[0].length === 4 && patInbox.length === 7, 5000),
              'nr:sports message arrived at both');

  await subs[0].unsubscribe('nr:news');
  await subs[2].pUnsubscribe('nr:*s');
  check.equal(await client.publish('nr:news', 'late'), 2,
              'PUBLISH after an UNSUBSCRIBE and a PUNSUBSCRIBE -> 2');
  check.check(await waitFor(() => inbox[1].length === 4 && patInbox.length === 8, 5000),
              'the remaining subscribers got it');
  await sleep(200);
  check.equal(inbox[0].length, 4, 'the unsubscribed one did not');
  check.equal(await client.pubSubNumSub(['nr:news', 'nr:sports']),
              Object.assign(Object.create(null), { 'nr:news': 1, 'nr:sports': 1 }),
              'PUBSUB NUMSUB after unsubscribing');
}

async function blocking() {
  const client = await connect();
  const k = spreadKeys('nr:bl');

  // blPop on an isolated connection; the push comes from the client's main connection.
  const pending = timed(withTimeout(client.blPop(isolated, k, 5), 10000, 'BLPOP'));
  await sleep(300);
  check.equal(await client.rPush(k[23], ['x', 'y']), 2, 'RPUSH on another connection -> 2');
  const [got, ms] = await pending;
  check.equal(got, { key: k[23], element: 'x' }, 'BLPOP on 24 keys served by that push');
  check.check(ms >= 250 && ms < 5000, `BLPOP blocked until the push (${ms.toFixed(0)} ms)`);

  const [none, waited] = await timed(withTimeout(client.blPop(isolated, 'nr:bl:empty', 1), 10000,
                                                 'BLPOP'));
  check.check(none === null && waited >= 950 && waited < 5000,
              `BLPOP timeout 1 -> null after ${waited.toFixed(0)} ms`);
  const [none2, waited2] = await timed(withTimeout(client.brPop(isolated, 'nr:bl:empty', 0.3),
                                                   10000, 'BRPOP'));
  check.check(none2 === null && waited2 >= 290 && waited2 < 4000,
              `BRPOP timeout 0.3 -> null after ${waited2.toFixed(0)} ms`);

  // Two isolated connections blocked on one key are served in the order they blocked.
  const info = () => client.info('clients');
  const served = [];
  const first = withTimeout(client.blPop(isolated, 'nr:bl:fifo', 10), 15000, 'BLPOP')
    .then((r) => served.push(r) && r);
  const firstBlocked = await waitBlocked(info, 1);
  const second = withTimeout(client.blPop(isolated, 'nr:bl:fifo', 10), 15000, 'BLPOP')
    .then((r) => served.push(r) && r);
  const secondBlocked = await waitBlocked(info, 2);
  check.check(firstBlocked && secondBlocked && served.length === 0,
              'two clients blocked on an empty list, one after the other, no reply yet');
  await client.rPush('nr:bl:fifo', ['1', '2']);
  check.equal(await Promise.all([first, second]),
              [{ key: 'nr:bl:fifo', element: '1' }, { key: 'nr:bl:fifo', element: '2' }],
              'two blocked clients served first come, first served');

  const zpending = withTimeout(client.bzPopMin(isolated, ['nr:bz:a', 'nr:bz:b'], 5), 10000,
                               'BZPOPMIN');
  await sleep(200);
  await client.zAdd('nr:bz:b', [{ score: 2, value: 'b' }, { score: 1, value: 'a' }]);
  check.equal(await zpending, { key: 'nr:bz:b', value: 'a', score: 1 },
              'BZPOPMIN served by a ZADD');

  const mpending = withTimeout(client.blMove(isolated, 'nr:mv:src', 'nr:mv:dst', 'RIGHT', 'LEFT',
                                             5), 10000, 'BLMOVE');
  await sleep(200);
  await client.rPush('nr:mv:src', ['first', 'last']);
  check.equal(await mpending, 'last', 'BLMOVE served by a push');
  check.equal([await client.lRange('nr:mv:src', 0, -1), await client.lRange('nr:mv:dst', 0, -1)],
              [['first'], ['last']], 'BLMOVE moved the element');
}

async function main() {
  await check.section('transactions', transactions);
  await check.section('optimistic locking', optimisticLocking);
  await check.section('pub/sub', pubsub);
  await check.section('blocking', blocking);
  for (const client of clients) {
    if (client.isOpen) await withTimeout(client.quit(), 5000, 'QUIT').catch(() => {});
  }
  return check.finish();
}

main().then((code) => process.exit(code), (err) => {
  console.log(`FAIL ${err && err.stack}`);
  process.exit(1);
});
