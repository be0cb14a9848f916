// Server family against Redis 7.0's exact replies (checked on redis-server 7.0.15).
#include <doctest/doctest.h>

#include <string>

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
  CHECK(all.rfind("*42\r\n", 0) == 0);
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
        "*5\r\n"
        "+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
        "+GET <pattern>\r\n"
        "+    Return parameters matching the glob-like <pattern> and their values.\r\n"
        "+HELP\r\n"
        "+    Prints this help.\r\n");
}

}  // namespace
}  // namespace shardis::test
