'use strict';
// Bookkeeping shared by the client scripts in this folder.
//
// Contract: every check prints one line ("ok" or "FAIL" and what was checked). finish() gives
// the exit status: 0 only if at least one check ran and none failed. Every wait is bounded:
// withTimeout() and waitFor() reject after their limit, and the Checker's deadline ends the
// whole process (status 2) if the script is stuck anyway.

const util = require('node:util');

class Checker {
  constructor(title, deadlineMs) {
    this.title = title;
    this.passed = 0;
    this.failures = [];
    console.log(`== ${title}`);
    const timer = setTimeout(() => {
      console.log(`FAIL ${title}: not finished after ${deadlineMs} ms`);
      process.exit(2);
    }, deadlineMs);
    timer.unref();
  }

  check(ok, what, detail) {
    if (ok) {
      this.passed += 1;
      console.log(`  ok   ${what}`);
    } else {
      this.failures.push(what);
      console.log(`  FAIL ${what}${detail === undefined ? '' : `\n       ${detail}`}`);
    }
    return ok;
  }

  // Checks that `got` deep-equals `want`; shows both when not.
  equal(got, want, what) {
    return this.check(util.isDeepStrictEqual(got, want), what,
                      `got ${show(got)}, expected ${show(want)}`);
  }

  // Runs an async section; a throw becomes one failed check, and later sections still run.
  async section(title, fn) {
    try {
      await fn();
    } catch (err) {
      this.check(false, `${title} threw ${err && err.name}: ${err && err.message}`,
                 err && err.stack ? err.stack.split('\n').slice(1, 6).join('\n       ') : '');
    }
  }

  finish() {
    if (this.failures.length > 0) {
      console.log(`${this.title}: ${this.failures.length} check(s) failed, ${this.passed} passed`);
      return 1;
    }
    if (this.passed === 0) {
      console.log(`${this.title}: no checks ran`);
      return 1;
    }
    console.log(`${this.title}: all ${this.passed} checks passed`);
    return 0;
  }
}

function show(value) {
  return util.inspect(value, { depth: 6, breakLength: Infinity, maxStringLength: 200 });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Resolves like `promise`, or rejects when it has not settled within `ms`.
function withTimeout(promise, ms, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

// Polls `predicate` every 10 ms; resolves true as soon as it holds, false after `ms`.
async function waitFor(predicate, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await sleep(10);
  }
  return predicate();
}

// Waits, at most 10 s, until the server reports `count` blocked clients (INFO clients,
// blocked_clients), so that clients meant to block in a given order really do. `info` is an
// async function returning INFO clients' text. A server whose INFO has no such field gets a
// fixed 500 ms pause instead. Resolves false only if the field exists and never reached `count`.
async function waitBlocked(info, count) {
  const blocked = async () => {
    const text = await info().catch(() => '');
    const m = /^blocked_clients:(\d+)\r?$/m.exec(String(text));
    return m ? Number(m[1]) : null;
  };
  let now = await blocked();
  if (now === null) {
    await sleep(500);
    return true;
  }
  const deadline = Date.now() + 10000;
  while (now !== count && Date.now() < deadline) {
    await sleep(10);
    now = await blocked();
  }
  return now === count;
}

// Resolves with [value, elapsed ms].
async function timed(promise) {
  const start = process.hrtime.bigint();
  const value = await promise;
  return [value, Number(process.hrtime.bigint() - start) / 1e6];
}

// Plain distinct names: with 2 or 4 shards, some of 24 keys live on each shard.
function spreadKeys(prefix, n = 24) {
  return Array.from({ length: n }, (_, i) => `${prefix}:${i}`);
}

function portFromArgs() {
  const port = Number(process.argv[2]);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    console.log(`usage: node ${process.argv[1]} PORT`);
    process.exit(2);
  }
  return port;
}

module.exports = {
  Checker, sleep, withTimeout, waitFor, waitBlocked, timed, spreadKeys, portFromArgs, show,
};
