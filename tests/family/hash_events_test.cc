// What the hash writes report: keyspace events in order, the propagated form and the dirty count,
// each as redis-server 7.0.15 produces them (events from a __keyevent@*__:* subscriber with
// notify-keyspace-events KEA, propagated forms from its append-only file). A command that changes
// nothing (a no-op, an error) reports nothing.
#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "support/family_harness.h"
#include "support/outcome_expect.h"
#include "support/resp_expect.h"

namespace shardis::test {
namespace {

const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

using Report = Reported;

// Runs one command and returns its reply with what it reported (earlier commands' reports are
// dropped first).
Report run(FamilyHarness& h, std::initializer_list<std::string_view> cmd) {
  take_reported(h, {});
  return run_reported(h, cmd);
}

TEST_CASE("hash events: HSET HMSET HSETNX") {
  FamilyHarness h;
  // Every pair counts as a change, new field or not.
  CHECK(run(h, {"HSET", "h", "a", "1", "b", "2"}) ==
        Report{integer(2), {"0 hset h"}, {"HSET h a 1 b 2"}, 2});
  CHECK(run(h, {"HSET", "h", "a", "1"}) == Report{integer(0), {"0 hset h"}, {"HSET h a 1"}, 1});
  CHECK(run(h, {"HMSET", "h", "c", "3", "a", "9"}) ==
        Report{kOk, {"0 hset h"}, {"HMSET h c 3 a 9"}, 2});
  CHECK(run(h, {"HSETNX", "h", "a", "x"}) == quiet(integer(0)));
  CHECK(run(h, {"HSETNX", "h", "z", "x"}) == Report{integer(1), {"0 hset h"}, {"HSETNX h z x"}, 1});
  CHECK(run(h, {"HSETNX", "h2", "z", "x"}) ==
        Report{integer(1), {"0 hset h2"}, {"HSETNX h2 z x"}, 1});
  CHECK(run(h, {"HSET", "h", "a"}) == quiet(wrong_args("hset")));
  CHECK(run(h, {"HMSET", "h", "a", "1", "b"}) == quiet(wrong_args("hmset")));
  h.run({"SET", "str", "1"});
  CHECK(run(h, {"HSET", "str", "a", "1"}) == quiet(kWrongType));
  CHECK(run(h, {"HMSET", "str", "a", "1"}) == quiet(kWrongType));
  CHECK(run(h, {"HSETNX", "str", "a", "1"}) == quiet(kWrongType));
  h.run({"SELECT", "5"});
  CHECK(run(h, {"HSET", "h", "a", "1"}) == Report{integer(1), {"5 hset h"}, {"HSET h a 1"}, 1});
}

TEST_CASE("hash events: HDEL") {
  FamilyHarness h;
  h.run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  CHECK(run(h, {"HDEL", "h", "nope"}) == quiet(integer(0)));
  CHECK(run(h, {"HDEL", "nope", "a"}) == quiet(integer(0)));
  CHECK(run(h, {"HDEL", "h", "a", "nope", "b"}) ==
        Report{integer(2), {"0 hdel h"}, {"HDEL h a nope b"}, 2});
  // The last field takes the key: "del" after "hdel".
  CHECK(run(h, {"HDEL", "h", "x", "c", "y"}) ==
        Report{integer(1), {"0 hdel h", "0 del h"}, {"HDEL h x c y"}, 1});
  h.run({"SET", "str", "1"});
  CHECK(run(h, {"HDEL", "str", "a"}) == quiet(kWrongType));
}

TEST_CASE("hash events: HINCRBY and HINCRBYFLOAT") {
  FamilyHarness h;
  h.run({"HSET", "h", "z", "abc"});
  CHECK(run(h, {"HINCRBY", "h", "n", "5"}) ==
        Report{integer(5), {"0 hincrby h"}, {"HINCRBY h n 5"}, 1});
  CHECK(run(h, {"HINCRBY", "new", "n", "-2"}) ==
        Report{integer(-2), {"0 hincrby new"}, {"HINCRBY new n -2"}, 1});
  CHECK(run(h, {"HINCRBY", "h", "z", "1"}) == quiet(error("ERR hash value is not an integer")));
  CHECK(run(h, {"HINCRBY", "h", "n", "9223372036854775807"}) ==
        quiet(error("ERR increment or decrement would overflow")));
  CHECK(run(h, {"HINCRBY", "h", "n", "x"}) == quiet(kNotInt));

  // HINCRBYFLOAT is logged as the HSET of the value it stored.
  CHECK(run(h, {"HINCRBYFLOAT", "h", "f", "1.5"}) ==
        Report{bulk("1.5"), {"0 hincrbyfloat h"}, {"HSET h f 1.5"}, 1});
  CHECK(run(h, {"HINCRBYFLOAT", "h", "f", "1e3"}) ==
        Report{bulk("1001.5"), {"0 hincrbyfloat h"}, {"HSET h f 1001.5"}, 1});
  CHECK(run(h, {"HINCRBYFLOAT", "h3", "F", "3.0"}) ==
        Report{bulk("3"), {"0 hincrbyfloat h3"}, {"HSET h3 F 3"}, 1});
  CHECK(run(h, {"HINCRBYFLOAT", "h3", "F", "-3e0"}) ==
        Report{bulk("0"), {"0 hincrbyfloat h3"}, {"HSET h3 F 0"}, 1});
  CHECK(run(h, {"HINCRBYFLOAT", "h", "z", "1"}) == quiet(error("ERR hash value is not a float")));
  CHECK(run(h, {"HINCRBYFLOAT", "h", "f", "inf"}) == quiet(error("ERR value is NaN or Infinity")));
  CHECK(run(h, {"HINCRBYFLOAT", "h", "f", "x"}) == quiet(error("ERR value is not a valid float")));
  // A failed increment on a missing key leaves no key behind and reports nothing.
  CHECK(run(h, {"HINCRBYFLOAT", "gone", "f", "nan"}) ==
        quiet(error("ERR value is not a valid float")));
  CHECK(run(h, {"HINCRBYFLOAT", "gone", "f", "-inf"}) ==
        quiet(error("ERR value is NaN or Infinity")));
  CHECK(h.run({"EXISTS", "gone"}) == integer(0));

  h.run({"SET", "str", "1"});
  CHECK(run(h, {"HINCRBY", "str", "a", "1"}) == quiet(kWrongType));
  CHECK(run(h, {"HINCRBYFLOAT", "str", "a", "1"}) == quiet(kWrongType));
}

// The changes reach WATCH: a client's own write to a watched key aborts its transaction, as in
// Redis; a no-op does not.
TEST_CASE("hash events: WATCH sees the writes that Redis signals") {
  FamilyHarness h;
  h.run({"HSET", "h", "a", "1", "s", "text"});
  struct Case {
    std::vector<std::string> cmd;
    bool aborts;
  };
  const std::vector<Case> cases = {
      {{"HSET", "h", "a", "1"}, true},  // same value: still a change
      {{"HSETNX", "h", "a", "2"}, false},
      {{"HSETNX", "h", "b", "2"}, true},
      {{"HMSET", "h", "c", "3"}, true},
      {{"HDEL", "h", "nope"}, false},
      {{"HDEL", "h", "c"}, true},
      {{"HINCRBY", "h", "s", "1"}, false},
      {{"HINCRBY", "h", "n", "1"}, true},
      {{"HINCRBYFLOAT", "h", "s", "1"}, false},
      {{"HINCRBYFLOAT", "h", "n", "1.5"}, true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.cmd[0]);
    CAPTURE(c.cmd.size());
    CHECK(h.run({"WATCH", "h"}) == kOk);
    h.run(c.cmd);
    CHECK(h.run({"MULTI"}) == kOk);
    CHECK(h.run({"PING"}) == "+QUEUED\r\n");
    CHECK(h.run({"EXEC"}) == (c.aborts ? std::string("*-1\r\n") : std::string("*1\r\n+PONG\r\n")));
  }
}

}  // namespace
}  // namespace shardis::test
