// What the list writes report: keyspace events in order, the propagated form and the dirty count,
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

std::string arr(std::initializer_list<std::string_view> elems) {
  std::string out = "*" + std::to_string(elems.size()) + "\r\n";
  for (std::string_view e : elems) out += bulk(e);
  return out;
}

TEST_CASE("list events: pushes") {
  FamilyHarness h;
  CHECK(run(h, {"LPUSH", "l", "a", "b", "c"}) ==
        Report{integer(3), {"0 lpush l"}, {"LPUSH l a b c"}, 3});
  CHECK(run(h, {"RPUSH", "l", "d"}) == Report{integer(4), {"0 rpush l"}, {"RPUSH l d"}, 1});
  CHECK(run(h, {"LPUSHX", "nope", "x"}) == quiet(integer(0)));
  CHECK(run(h, {"RPUSHX", "nope", "x", "y"}) == quiet(integer(0)));
  CHECK(run(h, {"RPUSHX", "l", "e", "f"}) ==
        Report{integer(6), {"0 rpush l"}, {"RPUSHX l e f"}, 2});
  CHECK(run(h, {"lpushx", "l", "g"}) == Report{integer(7), {"0 lpush l"}, {"lpushx l g"}, 1});
  h.run({"SET", "str", "1"});
  CHECK(run(h, {"LPUSH", "str", "a"}) == quiet(kWrongType));
  CHECK(run(h, {"RPUSHX", "str", "a"}) == quiet(kWrongType));
  // Another database reports its own index.
  h.run({"SELECT", "3"});
  CHECK(run(h, {"RPUSH", "l", "x"}) == Report{integer(1), {"3 rpush l"}, {"RPUSH l x"}, 1});
}

TEST_CASE("list events: pops") {
  FamilyHarness h;
  h.run({"RPUSH", "l", "c", "b", "a", "d", "e", "f"});
  CHECK(run(h, {"LPOP", "l"}) == Report{bulk("c"), {"0 lpop l"}, {"LPOP l"}, 1});
  CHECK(run(h, {"RPOP", "l", "2"}) == Report{arr({"f", "e"}), {"0 rpop l"}, {"RPOP l 2"}, 2});
  CHECK(run(h, {"LPOP", "l", "0"}) == quiet("*0\r\n"));
  CHECK(run(h, {"RPOP", "l", "-1"}) == quiet(error("ERR value is out of range, must be positive")));
  CHECK(run(h, {"LPOP", "nope"}) == quiet(kNil));
  CHECK(run(h, {"RPOP", "nope", "3"}) == quiet("*-1\r\n"));
  // The last element takes the key: "del" after the pop.
  CHECK(run(h, {"LPOP", "l", "10"}) ==
        Report{arr({"b", "a", "d"}), {"0 lpop l", "0 del l"}, {"LPOP l 10"}, 3});
  h.run({"RPUSH", "one", "x"});
  CHECK(run(h, {"RPOP", "one"}) == Report{bulk("x"), {"0 rpop one", "0 del one"}, {"RPOP one"}, 1});
  h.run({"SET", "str", "1"});
  CHECK(run(h, {"LPOP", "str"}) == quiet(kWrongType));
}

TEST_CASE("list events: LSET LREM LINSERT") {
  FamilyHarness h;
  h.run({"RPUSH", "l", "a", "b", "c", "b"});
  CHECK(run(h, {"LSET", "l", "0", "z"}) == Report{kOk, {"0 lset l"}, {"LSET l 0 z"}, 1});
  CHECK(run(h, {"LSET", "l", "99", "z"}) == quiet(error("ERR index out of range")));
  CHECK(run(h, {"LSET", "l", "x", "z"}) == quiet(kNotInt));
  CHECK(run(h, {"LSET", "nope", "0", "z"}) == quiet(error("ERR no such key")));

  CHECK(run(h, {"LREM", "l", "0", "b"}) == Report{integer(2), {"0 lrem l"}, {"LREM l 0 b"}, 2});
  CHECK(run(h, {"LREM", "l", "0", "nope"}) == quiet(integer(0)));
  CHECK(run(h, {"LREM", "nope", "1", "a"}) == quiet(integer(0)));
  CHECK(run(h, {"LREM", "l", "x", "a"}) == quiet(kNotInt));

  CHECK(run(h, {"LINSERT", "l", "BEFORE", "c", "y"}) ==
        Report{integer(3), {"0 linsert l"}, {"LINSERT l BEFORE c y"}, 1});
  CHECK(run(h, {"LINSERT", "l", "AFTER", "nope", "y"}) == quiet(integer(-1)));
  CHECK(run(h, {"LINSERT", "nope", "AFTER", "a", "y"}) == quiet(integer(0)));
  CHECK(run(h, {"LINSERT", "l", "MIDDLE", "a", "y"}) == quiet(kSyntax));

  // LREM that empties the list: "lrem", then "del".
  h.run({"RPUSH", "d", "1", "2", "1"});
  CHECK(run(h, {"LREM", "d", "-5", "1"}) == Report{integer(2), {"0 lrem d"}, {"LREM d -5 1"}, 2});
  CHECK(run(h, {"LREM", "d", "1", "2"}) ==
        Report{integer(1), {"0 lrem d", "0 del d"}, {"LREM d 1 2"}, 1});

  h.run({"SET", "str", "1"});
  CHECK(run(h, {"LSET", "str", "0", "a"}) == quiet(kWrongType));
  CHECK(run(h, {"LREM", "str", "0", "a"}) == quiet(kWrongType));
  CHECK(run(h, {"LINSERT", "str", "BEFORE", "a", "b"}) == quiet(kWrongType));
}

TEST_CASE("list events: LTRIM fires even when it trims nothing") {
  FamilyHarness h;
  h.run({"RPUSH", "l", "z", "y", "c"});
  // Redis touches the key and fires "ltrim" with nothing removed; no change is counted, so
  // nothing is propagated.
  CHECK(run(h, {"LTRIM", "l", "0", "-1"}) == Report{kOk, {"0 ltrim l"}, {}, 0});
  CHECK(run(h, {"LTRIM", "l", "1", "1"}) == Report{kOk, {"0 ltrim l"}, {"LTRIM l 1 1"}, 2});
  CHECK(run(h, {"LTRIM", "l", "5", "1"}) ==
        Report{kOk, {"0 ltrim l", "0 del l"}, {"LTRIM l 5 1"}, 1});
  CHECK(run(h, {"LTRIM", "nope", "0", "1"}) == quiet(kOk));
  CHECK(run(h, {"LTRIM", "l", "a", "1"}) == quiet(kNotInt));
  h.run({"SET", "str", "1"});
  CHECK(run(h, {"LTRIM", "str", "0", "1"}) == quiet(kWrongType));
}

TEST_CASE("list events: LMOVE and RPOPLPUSH") {
  FamilyHarness h;
  h.run({"RPUSH", "s", "1", "2"});
  // The destination's push first, then the source's pop; one change counted.
  CHECK(run(h, {"LMOVE", "s", "d", "LEFT", "right"}) ==
        Report{bulk("1"), {"0 rpush d", "0 lpop s"}, {"LMOVE s d LEFT right"}, 1});
  CHECK(run(h, {"RPOPLPUSH", "s", "d"}) ==
        Report{bulk("2"), {"0 lpush d", "0 rpop s", "0 del s"}, {"RPOPLPUSH s d"}, 1});
  // Rotation in place.
  CHECK(run(h, {"RPOPLPUSH", "d", "d"}) ==
        Report{bulk("1"), {"0 lpush d", "0 rpop d"}, {"RPOPLPUSH d d"}, 1});
  CHECK(run(h, {"LMOVE", "d", "d", "left", "left"}) ==
        Report{bulk("1"), {"0 lpush d", "0 lpop d"}, {"LMOVE d d left left"}, 1});
  CHECK(run(h, {"LMOVE", "nope", "d", "left", "left"}) == quiet(kNil));
  CHECK(run(h, {"RPOPLPUSH", "nope", "d"}) == quiet(kNil));
  CHECK(run(h, {"LMOVE", "d", "x", "up", "left"}) == quiet(kSyntax));
  h.run({"SET", "str", "1"});
  CHECK(run(h, {"LMOVE", "d", "str", "left", "left"}) == quiet(kWrongType));
  CHECK(run(h, {"RPOPLPUSH", "str", "d"}) == quiet(kWrongType));
  CHECK(h.run({"LRANGE", "d", "0", "-1"}) == arr({"1", "2"}));
}

// The changes reach WATCH: a client's own write to a watched key aborts its transaction, as in
// Redis; a no-op does not.
TEST_CASE("list events: WATCH sees the writes that Redis signals") {
  FamilyHarness h;
  h.run({"RPUSH", "l", "a", "b", "c"});
  h.run({"SET", "str", "1"});
  struct Case {
    std::vector<std::string> cmd;
    bool aborts;
  };
  const std::vector<Case> cases = {
      {{"LPUSH", "l", "x"}, true},
      {{"LPUSHX", "nope", "x"}, false},
      {{"RPOP", "l"}, true},
      {{"LPOP", "l", "0"}, false},
      {{"LSET", "l", "0", "y"}, true},
      {{"LSET", "l", "50", "y"}, false},
      {{"LREM", "l", "0", "nothing"}, false},
      {{"LREM", "l", "1", "y"}, true},
      {{"LINSERT", "l", "AFTER", "nothing", "v"}, false},
      {{"LINSERT", "l", "AFTER", "a", "v"}, true},
      {{"LTRIM", "l", "0", "-1"}, true},
      {{"LMOVE", "l", "str", "left", "left"}, false},
      {{"LMOVE", "l", "other", "left", "left"}, true},
      {{"RPOPLPUSH", "other", "l"}, true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.cmd[0]);
    CAPTURE(c.cmd.size());
    CHECK(h.run({"WATCH", "l"}) == kOk);
    h.run(c.cmd);
    CHECK(h.run({"MULTI"}) == kOk);
    CHECK(h.run({"PING"}) == "+QUEUED\r\n");
    CHECK(h.run({"EXEC"}) == (c.aborts ? std::string("*-1\r\n") : std::string("*1\r\n+PONG\r\n")));
  }
}

}  // namespace
}  // namespace shardis::test
