// BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP and LMPOP: errors, replies, keyspace events,
// propagated forms and dirty counts as redis-server 7.0.15 produces them (events from a
// __keyevent@*__:* subscriber with notify-keyspace-events KEA, propagated forms from its
// append-only file, served clients included).
//
// Three ways to run a blocking handler (ExecContext): run() below, as inside MULTI (the nil of a
// timeout at once); the executor with may_block (nothing to pop: no reply, blocked);
// and with serve_key, as the blocking engine serves a client once a key is ready.
#include <doctest/doctest.h>
#include <shardis/proto/reply_buffer.h>
#include <shardis/proto/reply_builder.h>
#include <shardis/server/command.h>
#include <shardis/server/exec/executor.h>
#include <shardis/server/route/router.h>

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/family_harness.h"
#include "support/resp_expect.h"

namespace shardis::test {
namespace {

const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const std::string kNullArray = "*-1\r\n";
const std::string kNumkeys = error("ERR numkeys should be greater than 0");
const std::string kCount = error("ERR count should be greater than 0");
const std::string kTimeoutNotFloat = error("ERR timeout is not a float or out of range");
const std::string kTimeoutNegative = error("ERR timeout is negative");

struct Report {
  std::string reply;
  std::vector<std::string> events;  // changes and events, as OutcomeLog prints them
  std::vector<std::string> propagated;
  uint64_t dirty = 0;
  bool operator==(const Report&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Report& r) {
  os << "{reply " << r.reply << " events [";
  for (const std::string& e : r.events) os << e << "; ";
  os << "] propagated [";
  for (const std::string& p : r.propagated) os << p << "; ";
  return os << "] dirty " << r.dirty << "}";
}

void clear_log(FamilyHarness& h) {
  h.log().take_events();
  h.log().take_propagated();
  h.log().take_dirty();
}

Report take_report(FamilyHarness& h, std::string reply) {
  Report r;
  r.reply = std::move(reply);
  r.events = h.log().take_events();
  r.propagated = h.log().take_propagated();
  r.dirty = h.log().take_dirty();
  return r;
}

// Checked as the router checks it, then run by the executor as inside MULTI: never blocks.
Report run(FamilyHarness& h, std::initializer_list<std::string_view> cmd) {
  clear_log(h);
  std::vector<std::string_view> argv(cmd);
  const server::CommandSpec* spec = h.registry().find(argv[0]);
  proto::ReplyBuffer buf;
  proto::ReplyBuilder rb(buf, h.client().resp);
  h.store().refresh_clock();
  if (server::validate_command(spec, argv, rb)) {
    if (spec->route == server::Route::kConnection || spec->route == server::Route::kCoordinator) {
      return take_report(h, h.run(cmd));
    }
    h.core().executor().run(*spec, argv, h.client().db, rb, {});
  }
  return take_report(h, buf.to_string());
}

Report quiet(std::string reply) {
  return {std::move(reply), {}, {}, 0};
}

// What the executor's outcome said besides the log: blocked, and how many of the reported items
// were changes (modified keys) rather than bare events.
struct Direct {
  Report report;
  bool blocked = false;
  size_t changes = 0;
  size_t bare_events = 0;
};

// Straight to the executor, as the blocking engine runs a command (db 0, RESP2).
Direct exec(FamilyHarness& h, const std::vector<std::string>& cmd, bool may_block,
            uint32_t serve_key = 0) {
  clear_log(h);
  std::vector<std::string_view> argv(cmd.begin(), cmd.end());
  const server::CommandSpec* spec = h.registry().find(argv[0]);
  REQUIRE(spec != nullptr);
  proto::ReplyBuffer buf;
  proto::ReplyBuilder rb(buf, 2);
  h.store().refresh_clock();
  const server::Outcome& out = h.core().executor().run(
      *spec, argv, 0, rb, server::ExecOptions{.may_block = may_block, .serve_key = serve_key});
  Direct d;
  d.blocked = out.blocked();
  d.changes = out.changes().size();
  d.bare_events = out.events().size();
  d.report = take_report(h, buf.to_string());
  return d;
}

std::string arr(std::initializer_list<std::string_view> elems) {
  std::string out = "*" + std::to_string(elems.size()) + "\r\n";
  for (std::string_view e : elems) out += bulk(e);
  return out;
}

// [key, element]
std::string key_elem(std::string_view key, std::string_view elem) {
  return arr({key, elem});
}

// [key, [elements]]
std::string key_elems(std::string_view key, std::initializer_list<std::string_view> elems) {
  return "*2\r\n" + bulk(key) + arr(elems);
}

TEST_CASE("list blocking: argument errors, in Redis's order, before any key is read") {
  FamilyHarness h;
  h.run({"SET", "str", "1"});
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"BLPOP", "a"}, wrong_args("blpop")},
      {{"BLPOP", "a", "x"}, kTimeoutNotFloat},
      {{"BLPOP", "a", ""}, kTimeoutNotFloat},
      {{"BLPOP", "a", "nan"}, kTimeoutNotFloat},
      {{"BLPOP", "a", "-1"}, kTimeoutNegative},
      {{"BLPOP", "a", "inf"}, kTimeoutNegative},
      {{"BLPOP", "a", "1e300"}, kTimeoutNegative},
      {{"BLPOP", "str", "x"}, kTimeoutNotFloat},
      {{"BRPOP", "a", "b", "-0.5"}, kTimeoutNegative},
      {{"BRPOPLPUSH", "a", "b", "x"}, kTimeoutNotFloat},
      {{"BRPOPLPUSH", "a", "b"}, wrong_args("brpoplpush")},
      {{"BLMOVE", "a", "b", "left", "right", "x"}, kTimeoutNotFloat},
      {{"BLMOVE", "a", "b", "up", "right", "x"}, kSyntax},
      {{"BLMOVE", "a", "b", "left", "up", "-1"}, kSyntax},
      {{"BLMOVE", "a", "b", "left", "right", "-1"}, kTimeoutNegative},
      {{"BLMOVE", "str", "b", "left", "left", "-1"}, kTimeoutNegative},
      {{"BLMPOP", "0", "1", "a"}, wrong_args("blmpop")},
      {{"BLMPOP", "0", "0", "a", "left"}, kNumkeys},
      {{"BLMPOP", "x", "0", "a", "left"}, kNumkeys},
      {{"BLMPOP", "0", "x", "a", "left"}, kNumkeys},
      {{"BLMPOP", "x", "1", "a", "left"}, kTimeoutNotFloat},
      {{"BLMPOP", "-1", "1", "a", "left"}, kTimeoutNegative},
      {{"BLMPOP", "0", "1", "a", "middle"}, kSyntax},
      {{"BLMPOP", "0", "3", "a", "left"}, kSyntax},
      {{"BLMPOP", "0.1", "1", "a", "left", "count", "0"}, kCount},
      {{"BLMPOP", "1", "1", "str", "left", "count", "0"}, kCount},
      {{"LMPOP", "1", "a"}, wrong_args("lmpop")},
      {{"LMPOP", "0", "a", "left"}, kNumkeys},
      {{"LMPOP", "x", "a", "left"}, kNumkeys},
      {{"LMPOP", "-1", "a", "left"}, kNumkeys},
      {{"LMPOP", "99999999999999999999", "a", "left"}, kNumkeys},
      {{"LMPOP", "2", "a", "left"}, kSyntax},
      {{"LMPOP", "3", "a", "left"}, kSyntax},
      {{"LMPOP", "9223372036854775807", "a", "left"}, kSyntax},
      {{"LMPOP", "1", "a", "middle"}, kSyntax},
      {{"LMPOP", "1", "a", "left", "count"}, kSyntax},
      {{"LMPOP", "1", "a", "left", "foo"}, kSyntax},
      {{"LMPOP", "1", "a", "left", "count", "0"}, kCount},
      {{"LMPOP", "1", "a", "left", "count", "-1"}, kCount},
      {{"LMPOP", "1", "a", "left", "count", "x"}, kCount},
      {{"LMPOP", "1", "a", "left", "COUNT", "99999999999999999999"}, kCount},
      {{"LMPOP", "1", "a", "left", "count", "1", "count", "2"}, kSyntax},
      {{"LMPOP", "1", "str", "left", "count", "0"}, kCount},
  };
  for (const auto& [cmd, reply] : cases) {
    CAPTURE(cmd.size());
    CAPTURE(cmd[0]);
    CAPTURE(cmd.back());
    clear_log(h);
    CHECK(h.run(cmd) == reply);
    CHECK(take_report(h, "") == quiet(""));
  }
}

TEST_CASE("list blocking: nothing to pop, not allowed to block (MULTI): Redis's nils") {
  FamilyHarness h;
  CHECK(run(h, {"BLPOP", "a", "b", "0"}) == quiet(kNullArray));
  CHECK(run(h, {"BRPOP", "a", "0"}) == quiet(kNullArray));
  CHECK(run(h, {"BRPOPLPUSH", "a", "b", "0"}) == quiet(kNil));
  CHECK(run(h, {"BLMOVE", "a", "b", "left", "left", "0"}) == quiet(kNil));
  CHECK(run(h, {"BLMPOP", "0", "2", "a", "b", "left"}) == quiet(kNullArray));
  CHECK(run(h, {"BLMPOP", "0", "1", "a", "right", "count", "3"}) == quiet(kNullArray));
  CHECK(run(h, {"LMPOP", "1", "a", "left"}) == quiet(kNullArray));
  h.run({"HELLO", "3"});
  CHECK(run(h, {"BLPOP", "a", "0"}) == quiet("_\r\n"));
  CHECK(run(h, {"BLMOVE", "a", "b", "left", "left", "0"}) == quiet("_\r\n"));
  CHECK(run(h, {"BLMPOP", "0", "1", "a", "left"}) == quiet("_\r\n"));
}

TEST_CASE("list blocking: WRONGTYPE, key by key in order") {
  FamilyHarness h;
  h.run({"SET", "s", "x"});
  CHECK(run(h, {"BLPOP", "a", "s", "0"}) == quiet(kWrongType));
  CHECK(run(h, {"BRPOP", "s", "a", "0"}) == quiet(kWrongType));
  CHECK(run(h, {"BRPOPLPUSH", "s", "b", "0"}) == quiet(kWrongType));
  // A missing source: the destination is not looked at.
  CHECK(run(h, {"BLMOVE", "a", "s", "left", "left", "0"}) == quiet(kNil));
  CHECK(run(h, {"BLMPOP", "0", "2", "a", "s", "left"}) == quiet(kWrongType));
  CHECK(run(h, {"LMPOP", "2", "a", "s", "left"}) == quiet(kWrongType));
  h.run({"RPUSH", "a", "1"});
  CHECK(run(h, {"BLMOVE", "a", "s", "left", "left", "0"}) == quiet(kWrongType));
  CHECK(run(h, {"BRPOPLPUSH", "a", "s", "0"}) == quiet(kWrongType));
  // The first key with elements answers; later keys are not looked at.
  CHECK(run(h, {"BLPOP", "a", "s", "0"}) ==
        Report{key_elem("a", "1"), {"0 lpop a", "0 del a"}, {"LPOP a"}, 1});
}

TEST_CASE("list blocking: a key with elements pops at once, logged as the plain command") {
  FamilyHarness h;
  h.run({"RPUSH", "q", "1", "2", "3"});
  CHECK(run(h, {"BLPOP", "x", "q", "0"}) ==
        Report{key_elem("q", "1"), {"0 lpop q"}, {"LPOP q"}, 1});
  CHECK(run(h, {"BRPOP", "q", "0"}) == Report{key_elem("q", "3"), {"0 rpop q"}, {"RPOP q"}, 1});
  // BLMOVE keeps the directions as sent.
  CHECK(run(h, {"BLMOVE", "q", "dst", "left", "RIGHT", "0"}) ==
        Report{bulk("2"), {"0 rpush dst", "0 lpop q", "0 del q"}, {"LMOVE q dst left RIGHT"}, 1});
  h.run({"RPUSH", "q", "1", "2", "3"});
  CHECK(run(h, {"BRPOPLPUSH", "q", "dst", "0"}) ==
        Report{bulk("3"), {"0 lpush dst", "0 rpop q"}, {"RPOPLPUSH q dst"}, 1});
  // BLMPOP and LMPOP: the count logged is the number popped.
  CHECK(run(h, {"BLMPOP", "0", "2", "x", "q", "RIGHT", "COUNT", "1"}) ==
        Report{key_elems("q", {"2"}), {"0 rpop q"}, {"RPOP q 1"}, 1});
  CHECK(run(h, {"BLMPOP", "0", "2", "x", "q", "left", "count", "10"}) ==
        Report{key_elems("q", {"1"}), {"0 lpop q", "0 del q"}, {"LPOP q 1"}, 1});
  h.run({"RPUSH", "q", "1", "2", "3"});
  CHECK(run(h, {"LMPOP", "2", "x", "q", "left", "count", "2"}) ==
        Report{key_elems("q", {"1", "2"}), {"0 lpop q"}, {"LPOP q 2"}, 2});
  CHECK(run(h, {"LMPOP", "2", "x", "q", "right"}) ==
        Report{key_elems("q", {"3"}), {"0 rpop q", "0 del q"}, {"RPOP q 1"}, 1});
  CHECK(run(h, {"LMPOP", "2", "x", "q", "right"}) == quiet(kNullArray));
  CHECK(h.run({"LRANGE", "dst", "0", "-1"}) == arr({"3", "2"}));
}

TEST_CASE("list blocking: may block: no reply, blocked, nothing reported") {
  FamilyHarness h;
  h.run({"SET", "s", "x"});
  const std::vector<std::vector<std::string>> waiting = {
      {"BLPOP", "a", "b", "0"},
      {"BRPOP", "a", "1.5"},
      {"BRPOPLPUSH", "a", "b", "0"},
      {"BLMOVE", "a", "b", "left", "left", "0"},
      {"BLMOVE", "a", "s", "left", "left", "0"},  // the destination waits to be checked
      {"BLMPOP", "0", "2", "a", "b", "left", "count", "2"},
  };
  for (const std::vector<std::string>& cmd : waiting) {
    CAPTURE(cmd[0]);
    Direct d = exec(h, cmd, true);
    CHECK(d.blocked);
    CHECK(d.report == quiet(""));
  }
  // LMPOP never blocks.
  Direct lmpop = exec(h, {"LMPOP", "1", "a", "left"}, true);
  CHECK_FALSE(lmpop.blocked);
  CHECK(lmpop.report == quiet(kNullArray));
  // A wrong type replies at once.
  Direct wrong = exec(h, {"BLPOP", "a", "s", "0"}, true);
  CHECK_FALSE(wrong.blocked);
  CHECK(wrong.report == quiet(kWrongType));
  // Elements: served at once, as when it may not block.
  h.run({"RPUSH", "b", "1", "2"});
  Direct now = exec(h, {"BLPOP", "a", "b", "0"}, true);
  CHECK_FALSE(now.blocked);
  CHECK(now.report == Report{key_elem("b", "1"), {"0 lpop b"}, {"LPOP b"}, 1});
  CHECK(now.changes == 1);
}

TEST_CASE("list blocking: serving BLPOP and BRPOP") {
  FamilyHarness h;
  h.run({"RPUSH", "x", "other"});
  h.run({"RPUSH", "k", "a", "b"});
  // Only the ready key is served, even when an earlier key has elements. Redis fires the pop
  // without touching the key again (the push that readied it did) and counts no change.
  Direct d = exec(h, {"BLPOP", "x", "k", "0"}, true, 2);
  CHECK_FALSE(d.blocked);
  CHECK(d.report == Report{key_elem("k", "a"), {"0 lpop k"}, {"LPOP k"}, 0});
  CHECK(d.changes == 0);
  CHECK(d.bare_events == 1);
  d = exec(h, {"BRPOP", "x", "k", "0"}, true, 2);
  CHECK(d.report == Report{key_elem("k", "b"), {"0 rpop k", "0 del k"}, {"RPOP k"}, 0});
  CHECK(d.changes == 0);
  CHECK(h.run({"EXISTS", "k"}) == integer(0));
  CHECK(h.run({"LRANGE", "x", "0", "-1"}) == arr({"other"}));
  // Gone again before the client was served: it blocks again, with no reply.
  d = exec(h, {"BLPOP", "x", "k", "0"}, true, 2);
  CHECK(d.blocked);
  CHECK(d.report == quiet(""));
  h.run({"SET", "k", "string now"});
  d = exec(h, {"BLPOP", "x", "k", "0"}, true, 2);
  CHECK(d.blocked);
  CHECK(d.report == quiet(""));
}

TEST_CASE("list blocking: serving BLMOVE and BRPOPLPUSH") {
  FamilyHarness h;
  h.run({"RPUSH", "src", "1", "2", "3"});
  // The destination is touched by its push; the source only gets its pop event. Logged as
  // LMOVE with Redis's lower-case directions.
  Direct d = exec(h, {"BLMOVE", "src", "dst", "RIGHT", "left", "0"}, true, 1);
  CHECK_FALSE(d.blocked);
  CHECK(d.report ==
        Report{bulk("3"), {"0 lpush dst", "0 rpop src"}, {"LMOVE src dst right left"}, 0});
  CHECK(d.changes == 1);
  CHECK(d.bare_events == 1);
  d = exec(h, {"BRPOPLPUSH", "src", "dst", "0"}, true, 1);
  CHECK(d.report == Report{bulk("2"), {"0 lpush dst", "0 rpop src"}, {"RPOPLPUSH src dst"}, 0});
  d = exec(h, {"BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"}, true, 1);
  CHECK(d.report == Report{bulk("1"),
                           {"0 rpush dst", "0 lpop src", "0 del src"},
                           {"LMOVE src dst left right"},
                           0});
  CHECK(d.changes == 1);
  CHECK(d.bare_events == 2);
  CHECK(h.run({"LRANGE", "dst", "0", "-1"}) == arr({"2", "3", "1"}));
  d = exec(h, {"BRPOPLPUSH", "src", "dst", "0"}, true, 1);
  CHECK(d.blocked);
  CHECK(d.report == quiet(""));
  // A destination of another type: the served client gets WRONGTYPE, nothing moves.
  h.run({"SET", "str", "v"});
  h.run({"RPUSH", "z", "1"});
  d = exec(h, {"BLMOVE", "z", "str", "left", "left", "0"}, true, 1);
  CHECK_FALSE(d.blocked);
  CHECK(d.report == quiet(kWrongType));
  CHECK(h.run({"LRANGE", "z", "0", "-1"}) == arr({"1"}));
}

TEST_CASE("list blocking: serving BLMPOP pops its COUNT and touches the key") {
  FamilyHarness h;
  h.run({"RPUSH", "x", "other"});
  h.run({"RPUSH", "m", "1", "2", "3"});
  // Unlike BLPOP, a served BLMPOP goes through Redis's listElementsRemoved: a change, dirty by
  // the number popped.
  Direct d = exec(h, {"BLMPOP", "0", "2", "x", "m", "RIGHT", "COUNT", "5"}, true, 4);
  CHECK_FALSE(d.blocked);
  CHECK(d.report ==
        Report{key_elems("m", {"3", "2", "1"}), {"0 rpop m", "0 del m"}, {"RPOP m 3"}, 3});
  CHECK(d.changes == 1);
  h.run({"RPUSH", "m", "1", "2", "3"});
  d = exec(h, {"BLMPOP", "0", "2", "x", "m", "left"}, true, 4);
  CHECK(d.report == Report{key_elems("m", {"1"}), {"0 lpop m"}, {"LPOP m 1"}, 1});
  h.run({"DEL", "m"});
  d = exec(h, {"BLMPOP", "0", "2", "x", "m", "left"}, true, 4);
  CHECK(d.blocked);
  CHECK(d.report == quiet(""));
  CHECK(h.run({"LRANGE", "x", "0", "-1"}) == arr({"other"}));
}

TEST_CASE("list blocking: BlockSpec and keys") {
  FamilyHarness h;
  auto keys_of = [&](std::initializer_list<std::string_view> cmd) {
    std::vector<std::string_view> argv(cmd);
    return server::key_indices(*h.registry().find(argv[0]), argv);
  };
  auto wait_keys = [&](std::initializer_list<std::string_view> cmd) {
    std::vector<std::string_view> argv(cmd);
    const server::CommandSpec* spec = h.registry().find(argv[0]);
    return spec->block.wait_keys != nullptr ? spec->block.wait_keys(argv)
                                            : server::key_indices(*spec, argv);
  };
  using Idx = std::vector<uint32_t>;
  CHECK(keys_of({"BLPOP", "a", "b", "0"}) == Idx{1, 2});
  CHECK(wait_keys({"BLPOP", "a", "b", "0"}) == Idx{1, 2});
  CHECK(keys_of({"BLMOVE", "a", "b", "left", "left", "0"}) == Idx{1, 2});
  CHECK(wait_keys({"BLMOVE", "a", "b", "left", "left", "0"}) == Idx{1});
  CHECK(wait_keys({"BRPOPLPUSH", "a", "b", "0"}) == Idx{1});
  CHECK(keys_of({"BLMPOP", "0", "2", "a", "b", "left", "count", "3"}) == Idx{3, 4});
  CHECK(wait_keys({"BLMPOP", "0", "2", "a", "b", "left"}) == Idx{3, 4});
  CHECK(keys_of({"LMPOP", "3", "a", "b", "c", "right"}) == Idx{2, 3, 4});
  CHECK(keys_of({"LMPOP", "3", "a", "b", "c"}).empty());
  const server::CommandSpec* blpop = h.registry().find("blpop");
  CHECK(blpop->block.timeout_arg == -1);
  CHECK(blpop->block.type == server::ObjType::kList);
  CHECK(h.registry().find("blmove")->block.timeout_arg == 5);
  CHECK(h.registry().find("brpoplpush")->block.timeout_arg == 3);
  CHECK(h.registry().find("blmpop")->block.timeout_arg == 1);
  CHECK((h.registry().find("lmpop")->flags & server::kBlocking) == 0);
}

}  // namespace
}  // namespace shardis::test
