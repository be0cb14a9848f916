// Server family against Redis 7.0's exact replies (checked on redis-server 7.0.15).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/family_harness.h"
#include "support/resp_expect.h"

namespace shardis::test {
namespace {

TEST_CASE("DBSIZE counts the selected database") {
  FamilyHarness h;
  CHECK(h.run({"DBSIZE"}) == integer(0));
  CHECK(h.run({"MSET", "a", "1", "b", "2"}) == kOk);
  CHECK(h.run({"DBSIZE"}) == integer(2));
  CHECK(h.run({"SELECT", "3"}) == kOk);
  CHECK(h.run({"DBSIZE"}) == integer(0));
  CHECK(h.run({"SET", "c", "3"}) == kOk);
  CHECK(h.run({"DBSIZE"}) == integer(1));
  CHECK(h.run({"SELECT", "0"}) == kOk);
  CHECK(h.run({"DBSIZE"}) == integer(2));
  CHECK(h.run({"DBSIZE", "x"}) == "-ERR wrong number of arguments for 'dbsize' command\r\n");
}

TEST_CASE("FLUSHDB empties only the selected database") {
  FamilyHarness h;
  CHECK(h.run({"SET", "a", "1"}) == kOk);
  CHECK(h.run({"SELECT", "5"}) == kOk);
  CHECK(h.run({"SET", "b", "1"}) == kOk);
  CHECK(h.run({"FLUSHDB"}) == kOk);
  CHECK(h.run({"DBSIZE"}) == integer(0));
  CHECK(h.run({"SELECT", "0"}) == kOk);
  CHECK(h.run({"GET", "a"}) == bulk("1"));
  CHECK(h.run({"FLUSHDB", "ASYNC"}) == kOk);
  CHECK(h.run({"DBSIZE"}) == integer(0));
  CHECK(h.run({"SET", "a", "1"}) == kOk);
  CHECK(h.run({"flushdb", "sync"}) == kOk);
  CHECK(h.run({"DBSIZE"}) == integer(0));
}

TEST_CASE("FLUSHALL empties every database") {
  FamilyHarness h;
  CHECK(h.run({"SET", "a", "1"}) == kOk);
  CHECK(h.run({"SELECT", "15"}) == kOk);
  CHECK(h.run({"SET", "b", "1"}) == kOk);
  CHECK(h.run({"FLUSHALL"}) == kOk);
  CHECK(h.run({"DBSIZE"}) == integer(0));
  CHECK(h.run({"SELECT", "0"}) == kOk);
  CHECK(h.run({"DBSIZE"}) == integer(0));
  CHECK(h.run({"SET", "a", "1"}) == kOk);
  CHECK(h.run({"FLUSHALL", "async"}) == kOk);
  CHECK(h.run({"EXISTS", "a"}) == integer(0));
  CHECK(h.run({"FLUSHALL", "SYNC"}) == kOk);
}

TEST_CASE("FLUSHDB and FLUSHALL argument errors change nothing") {
  FamilyHarness h;
  CHECK(h.run({"SET", "a", "1"}) == kOk);
  CHECK(h.run({"FLUSHDB", "foo"}) == kSyntax);
  CHECK(h.run({"FLUSHDB", "async", "sync"}) == kSyntax);
  CHECK(h.run({"FLUSHALL", "foo"}) == kSyntax);
  CHECK(h.run({"FLUSHALL", "a", "b"}) == kSyntax);
  CHECK(h.run({"FLUSHALL", "ASYNC", "ASYNC"}) == kSyntax);
  CHECK(h.run({"DBSIZE"}) == integer(1));
}

TEST_CASE("SWAPDB exchanges two databases for every client") {
  FamilyHarness h;
  CHECK(h.run({"SET", "a", "db0"}) == kOk);
  CHECK(h.run({"SET", "t", "x", "EX", "100"}) == kOk);
  CHECK(h.run({"SELECT", "1"}) == kOk);
  CHECK(h.run({"SET", "b", "db1"}) == kOk);
  CHECK(h.run({"SWAPDB", "0", "1"}) == kOk);
  // The client on database 1 now sees what database 0 held, TTLs included.
  CHECK(h.run({"GET", "a"}) == bulk("db0"));
  CHECK(h.run({"TTL", "t"}) == integer(100));
  CHECK(h.run({"EXISTS", "b"}) == integer(0));
  CHECK(h.run({"DBSIZE"}) == integer(2));
  CHECK(h.run({"SELECT", "0"}) == kOk);
  CHECK(h.run({"GET", "b"}) == bulk("db1"));
  CHECK(h.run({"DBSIZE"}) == integer(1));
  // Swapping a database with itself changes nothing.
  CHECK(h.run({"SWAPDB", "0", "0"}) == kOk);
  CHECK(h.run({"GET", "b"}) == bulk("db1"));
  // With an empty database.
  CHECK(h.run({"SWAPDB", "0", "15"}) == kOk);
  CHECK(h.run({"DBSIZE"}) == integer(0));
  CHECK(h.run({"SELECT", "15"}) == kOk);
  CHECK(h.run({"GET", "b"}) == bulk("db1"));
  // Keys keep expiring after the swap.
  h.clock().advance_ms(100000);
  CHECK(h.run({"SELECT", "1"}) == kOk);
  CHECK(h.run({"EXISTS", "t"}) == integer(0));
  CHECK(h.run({"GET", "a"}) == bulk("db0"));
}

TEST_CASE("SWAPDB argument errors") {
  FamilyHarness h;
  CHECK(h.run({"SET", "a", "1"}) == kOk);
  CHECK(h.run({"SWAPDB"}) == "-ERR wrong number of arguments for 'swapdb' command\r\n");
  CHECK(h.run({"SWAPDB", "0"}) == "-ERR wrong number of arguments for 'swapdb' command\r\n");
  CHECK(h.run({"SWAPDB", "0", "1", "2"}) ==
        "-ERR wrong number of arguments for 'swapdb' command\r\n");
  const std::string range = "-ERR DB index is out of range\r\n";
  const std::string first = "-ERR invalid first DB index\r\n";
  const std::string second = "-ERR invalid second DB index\r\n";
  CHECK(h.run({"SWAPDB", "0", "16"}) == range);
  CHECK(h.run({"SWAPDB", "16", "0"}) == range);
  CHECK(h.run({"SWAPDB", "-1", "0"}) == range);
  CHECK(h.run({"SWAPDB", "a", "0"}) == first);
  CHECK(h.run({"SWAPDB", "0", "a"}) == second);
  CHECK(h.run({"SWAPDB", "a", "b"}) == first);
  CHECK(h.run({"SWAPDB", "99999999999", "0"}) == first);
  CHECK(h.run({"SWAPDB", "0", "99999999999"}) == second);
  // Both indices are parsed before the range check.
  CHECK(h.run({"SWAPDB", "16", "a"}) == second);
  CHECK(h.run({"SWAPDB", "1.5", "0"}) == first);
  CHECK(h.run({"SWAPDB", " 1", "0"}) == first);
  CHECK(h.run({"SWAPDB", "01", "0"}) == first);
  CHECK(h.run({"GET", "a"}) == bulk("1"));
}

TEST_CASE("CONFIG GET") {
  FamilyHarness h;
  CHECK(h.run({"CONFIG", "GET", "save"}) == "*2\r\n" + bulk("save") + bulk(""));
  CHECK(h.run({"CONFIG", "GET", "appendonly"}) == "*2\r\n" + bulk("appendonly") + bulk("no"));
  CHECK(h.run({"config", "get", "databases"}) == "*2\r\n" + bulk("databases") + bulk("16"));
  CHECK(h.run({"CONFIG", "GET", "maxmemory"}) == "*2\r\n" + bulk("maxmemory") + bulk("0"));
  CHECK(h.run({"CONFIG", "GET", "port"}) == "*2\r\n" + bulk("port") + bulk("0"));
  CHECK(h.run({"CONFIG", "GET", "nonexist"}) == "*0\r\n");
  CHECK(h.run({"CONFIG", "GET", ""}) == "*0\r\n");
  // Several patterns; each parameter once; an exact name is echoed as given.
  CHECK(h.run({"CONFIG", "GET", "save", "appendonly"}) ==
        "*4\r\n" + bulk("save") + bulk("") + bulk("appendonly") + bulk("no"));
  CHECK(h.run({"CONFIG", "GET", "save", "save"}) == "*2\r\n" + bulk("save") + bulk(""));
  CHECK(h.run({"CONFIG", "GET", "SAVE"}) == "*2\r\n" + bulk("SAVE") + bulk(""));
  CHECK(h.run({"CONFIG", "GET", "save", "SAVE"}) == "*2\r\n" + bulk("save") + bulk(""));
  CHECK(h.run({"CONFIG", "GET", "SAVE", "sav*"}) == "*2\r\n" + bulk("SAVE") + bulk(""));
}

TEST_CASE("CONFIG GET glob patterns") {
  FamilyHarness h;
  CHECK(h.run({"CONFIG", "GET", "sav*"}) == "*2\r\n" + bulk("save") + bulk(""));
  CHECK(h.run({"CONFIG", "GET", "SAV*"}) == "*2\r\n" + bulk("save") + bulk(""));
  CHECK(h.run({"CONFIG", "GET", "?ort"}) == "*2\r\n" + bulk("port") + bulk("0"));
  CHECK(h.run({"CONFIG", "GET", "[ab]ind"}) == "*2\r\n" + bulk("bind") + bulk("127.0.0.1"));
  CHECK(h.run({"CONFIG", "GET", "[^a]ind"}) == "*2\r\n" + bulk("bind") + bulk("127.0.0.1"));
  CHECK(h.run({"CONFIG", "GET", "[a-c]ind"}) == "*2\r\n" + bulk("bind") + bulk("127.0.0.1"));
  CHECK(h.run({"CONFIG", "GET", "[^b]ind"}) == "*0\r\n");
  CHECK(h.run({"CONFIG", "GET", "maxmemory*"}) ==
        "*4\r\n" + bulk("maxmemory") + bulk("0") + bulk("maxmemory-policy") + bulk("noeviction"));
  CHECK(h.run({"CONFIG", "GET", "*memory", "max*"}) ==
        "*6\r\n" + bulk("maxmemory") + bulk("0") + bulk("maxclients") + bulk("10000") +
            bulk("maxmemory-policy") + bulk("noeviction"));
  // A backslash escapes inside a glob, but alone it does not make a pattern a glob.
  CHECK(h.run({"CONFIG", "GET", "appendonl\\y*"}) == "*2\r\n" + bulk("appendonly") + bulk("no"));
  CHECK(h.run({"CONFIG", "GET", "appendonl\\y"}) == "*0\r\n");
  CHECK(h.run({"CONFIG", "GET", "sav[e"}) == "*2\r\n" + bulk("save") + bulk(""));
  CHECK(h.run({"CONFIG", "GET", "save["}) == "*0\r\n");
  std::string all = h.run({"CONFIG", "GET", "*"});
  CHECK(all.rfind("*54\r\n", 0) == 0);
  CHECK(all.find(bulk("databases") + bulk("16")) != std::string::npos);
}

TEST_CASE("CONFIG GET replies a map in RESP3") {
  FamilyHarness h;
  h.client().resp = 3;
  CHECK(h.run({"CONFIG", "GET", "save", "appendonly"}) ==
        "%2\r\n" + bulk("save") + bulk("") + bulk("appendonly") + bulk("no"));
  CHECK(h.run({"CONFIG", "GET", "nonexist"}) == "%0\r\n");
}

TEST_CASE("CONFIG subcommand errors and HELP") {
  FamilyHarness h;
  CHECK(h.run({"CONFIG"}) == "-ERR wrong number of arguments for 'config' command\r\n");
  CHECK(h.run({"CONFIG", "GET"}) == "-ERR wrong number of arguments for 'config|get' command\r\n");
  CHECK(h.run({"CONFIG", "foo"}) == "-ERR unknown subcommand 'foo'. Try CONFIG HELP.\r\n");
  CHECK(h.run({"CONFIG", "foo", "bar"}) == "-ERR unknown subcommand 'foo'. Try CONFIG HELP.\r\n");
  CHECK(h.run({"CONFIG", "HELP", "x"}) ==
        "-ERR wrong number of arguments for 'config|help' command\r\n");
  CHECK(h.run({"CONFIG", "help"}) ==
        "*7\r\n"
        "+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
        "+GET <pattern>\r\n"
        "+    Return parameters matching the glob-like <pattern> and their values.\r\n"
        "+SET <directive> <value>\r\n"
        "+    Set the configuration <directive> to <value>.\r\n"
        "+HELP\r\n"
        "+    Prints this help.\r\n");
}

// ---- Keyspace events, dirty and propagation (checked against redis-server 7.0.15 with
// notify-keyspace-events KEA, its append-only file and rdb_changes_since_last_save) ----

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) {
    if (!out.empty()) out.append(", ");
    out.append(s);
  }
  return out;
}

// What a log recorded since the last call: "[events] [propagated commands] dirty", each event
// "db event key", each command its arguments joined by spaces.
std::string reported(OutcomeLog& log) {
  std::string out = "[" + joined(log.take_events()) + "] [";
  out.append(joined(log.take_propagated()));
  out.append("] ");
  out.append(std::to_string(log.take_dirty()));
  return out;
}
std::string reported(FamilyHarness& h) {
  return reported(h.log());
}
const std::string kNothing = "[] [] 0";

// FLUSHDB, FLUSHALL and SWAPDB fire no keyspace event. FLUSHDB and FLUSHALL count the keys they
// remove and are propagated even when there were none (Redis forces it); SWAPDB counts one,
// even swapping a database with itself.
TEST_CASE("FLUSHDB, FLUSHALL, SWAPDB: events and propagation") {
  FamilyHarness h;
  CHECK(h.run({"MSET", "a", "1", "b", "2"}) == kOk);
  reported(h);
  CHECK(h.run({"FLUSHDB"}) == kOk);
  CHECK(reported(h) == "[] [FLUSHDB] 2");
  CHECK(h.run({"FLUSHDB"}) == kOk);
  CHECK(h.run({"FLUSHDB", "SYNC"}) == kOk);
  CHECK(reported(h) == "[] [FLUSHDB, FLUSHDB SYNC] 0");
  CHECK(h.run({"SET", "a", "1"}) == kOk);
  reported(h);
  CHECK(h.run({"FLUSHALL"}) == kOk);
  CHECK(h.run({"FLUSHALL", "ASYNC"}) == kOk);
  CHECK(reported(h) == "[] [FLUSHALL, FLUSHALL ASYNC] 1");
  CHECK(h.run({"SWAPDB", "0", "1"}) == kOk);
  CHECK(h.run({"SWAPDB", "0", "0"}) == kOk);
  CHECK(reported(h) == "[] [SWAPDB 0 1, SWAPDB 0 0] 2");
  CHECK(h.run({"FLUSHDB", "now"}) == kSyntax);
  CHECK(h.run({"SWAPDB", "0", "16"}) == "-ERR DB index is out of range\r\n");
  CHECK(reported(h) == kNothing);
}

}  // namespace
}  // namespace shardis::test
