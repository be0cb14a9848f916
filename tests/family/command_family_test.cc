// COMMAND family. COMMAND INFO entries are compared byte for byte with what redis-server 7.0.15
// returns for the same commands; COMMAND DOCS matches Redis except that argument trees are not
// reported.
#include <doctest/doctest.h>

#include <string>

#include "support/family_harness.h"
#include "support/resp_expect.h"

namespace shardis::test {
namespace {

// The begin_search and find_keys part of a key spec, RESP2.
std::string range_spec2(int index, int lastkey, int step) {
  std::string out =
      "$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n"
      "$5\r\nindex\r\n";
  out.append(integer(index));
  out.append(
      "$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n"
      "$7\r\nlastkey\r\n");
  out.append(integer(lastkey));
  out.append("$7\r\nkeystep\r\n");
  out.append(integer(step));
  out.append("$5\r\nlimit\r\n:0\r\n");
  return out;
}

const std::string kGetInfo2 =
    "*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
    "*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n"
    "*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n" +
    range_spec2(1, 0, 1) + "*0\r\n";

const std::string kSetInfo2 =
    "*10\r\n$3\r\nset\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:1\r\n:1\r\n"
    "*3\r\n+@write\r\n+@string\r\n+@slow\r\n*0\r\n"
    "*1\r\n*8\r\n$5\r\nnotes\r\n$48\r\nRW and ACCESS due to the optional `GET` argument\r\n"
    "$5\r\nflags\r\n*4\r\n+RW\r\n+access\r\n+update\r\n+variable_flags\r\n" +
    range_spec2(1, 0, 1) + "*0\r\n";

const std::string kMsetInfo2 =
    "*10\r\n$4\r\nmset\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:-1\r\n:2\r\n"
    "*3\r\n+@write\r\n+@string\r\n+@slow\r\n"
    "*2\r\n$26\r\nrequest_policy:multi_shard\r\n$29\r\nresponse_policy:all_succeeded\r\n"
    "*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n" +
    range_spec2(1, -1, 2) + "*0\r\n";

const std::string kDelInfo2 =
    "*10\r\n$3\r\ndel\r\n:-2\r\n*1\r\n+write\r\n:1\r\n:-1\r\n:1\r\n"
    "*3\r\n+@keyspace\r\n+@write\r\n+@slow\r\n"
    "*2\r\n$26\r\nrequest_policy:multi_shard\r\n$23\r\nresponse_policy:agg_sum\r\n"
    "*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RM\r\n+delete\r\n" +
    range_spec2(1, -1, 1) + "*0\r\n";

const std::string kPingInfo2 =
    "*10\r\n$4\r\nping\r\n:-1\r\n*1\r\n+fast\r\n:0\r\n:0\r\n:0\r\n"
    "*2\r\n+@fast\r\n+@connection\r\n"
    "*2\r\n$25\r\nrequest_policy:all_shards\r\n$29\r\nresponse_policy:all_succeeded\r\n"
    "*0\r\n*0\r\n";

const std::string kGetInfo3 =
    "*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
    "~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n"
    "~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n"
    "$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n"
    "$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n"
    "%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n";

// The number of elements announced by an aggregate header at the start of a reply.
long long header_count(const std::string& reply) {
  return std::stoll(reply.substr(1, reply.find('\r') - 1));
}

TEST_CASE("COMMAND INFO matches redis-server") {
  FamilyHarness h;
  CHECK(h.run({"COMMAND", "INFO", "get"}) == "*1\r\n" + kGetInfo2);
  CHECK(h.run({"COMMAND", "INFO", "GET"}) == "*1\r\n" + kGetInfo2);
  CHECK(h.run({"command", "info", "set"}) == "*1\r\n" + kSetInfo2);
  CHECK(h.run({"COMMAND", "INFO", "mset"}) == "*1\r\n" + kMsetInfo2);
  CHECK(h.run({"COMMAND", "INFO", "del"}) == "*1\r\n" + kDelInfo2);
  CHECK(h.run({"COMMAND", "INFO", "ping"}) == "*1\r\n" + kPingInfo2);
  CHECK(h.run({"COMMAND", "INFO", "get", "nosuch", "del"}) ==
        "*3\r\n" + kGetInfo2 + "$-1\r\n" + kDelInfo2);
}

TEST_CASE("COMMAND INFO flags, categories and key specs of other commands") {
  FamilyHarness h;
  CHECK(h.run({"COMMAND", "INFO", "hello"}) ==
        "*1\r\n*10\r\n$5\r\nhello\r\n:-1\r\n"
        "*6\r\n+noscript\r\n+loading\r\n+stale\r\n+fast\r\n+no_auth\r\n+allow_busy\r\n"
        ":0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n");
  CHECK(h.run({"COMMAND", "INFO", "flushall"}) ==
        "*1\r\n*10\r\n$8\r\nflushall\r\n:-1\r\n*1\r\n+write\r\n:0\r\n:0\r\n:0\r\n"
        "*4\r\n+@keyspace\r\n+@write\r\n+@slow\r\n+@dangerous\r\n"
        "*2\r\n$25\r\nrequest_policy:all_shards\r\n$29\r\nresponse_policy:all_succeeded\r\n"
        "*0\r\n*0\r\n");
  CHECK(h.run({"COMMAND", "INFO", "strlen"}) ==
        "*1\r\n*10\r\n$6\r\nstrlen\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
        "*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*1\r\n+RO\r\n" +
            range_spec2(1, 0, 1) + "*0\r\n");
  CHECK(h.run({"COMMAND", "INFO", "ttl"}) ==
        "*1\r\n*10\r\n$3\r\nttl\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
        "*3\r\n+@keyspace\r\n+@read\r\n+@fast\r\n*1\r\n$23\r\nnondeterministic_output\r\n"
        "*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n" +
            range_spec2(1, 0, 1) + "*0\r\n");
  // Container commands report no flags of their own.
  CHECK(h.run({"COMMAND", "INFO", "config"}) ==
        "*1\r\n*10\r\n$6\r\nconfig\r\n:-2\r\n*0\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@slow\r\n"
        "*0\r\n*0\r\n*0\r\n");
}

TEST_CASE("COMMAND INFO in RESP3") {
  FamilyHarness h;
  h.client().resp = 3;
  CHECK(h.run({"COMMAND", "INFO", "get", "nosuch"}) == "*2\r\n" + kGetInfo3 + "_\r\n");
}

TEST_CASE("COMMAND, COMMAND INFO without names, COMMAND COUNT and COMMAND LIST agree") {
  FamilyHarness h;
  std::string all = h.run({"COMMAND"});
  std::string info = h.run({"COMMAND", "INFO"});
  std::string list = h.run({"COMMAND", "LIST"});
  std::string count = h.run({"COMMAND", "COUNT"});
  CHECK(all == info);
  CHECK(header_count(all) == header_count(list));
  CHECK(count == integer(header_count(list)));
  CHECK(header_count(list) >= 36);
  CHECK(all.find(kGetInfo2) != std::string::npos);
  CHECK(all.find(kMsetInfo2) != std::string::npos);
  CHECK(list.find(bulk("get")) != std::string::npos);
  CHECK(list.find(bulk("command")) != std::string::npos);
  CHECK(list.find(bulk("hello")) != std::string::npos);
}

TEST_CASE("COMMAND DOCS") {
  FamilyHarness h;
  const std::string get_docs = bulk("get") + "*8\r\n" + bulk("summary") +
                               bulk("Get the value of a key") + bulk("since") + bulk("1.0.0") +
                               bulk("group") + bulk("string") + bulk("complexity") + bulk("O(1)");
  CHECK(h.run({"COMMAND", "DOCS", "get"}) == "*2\r\n" + get_docs);
  CHECK(h.run({"COMMAND", "DOCS", "GET", "nosuch"}) == "*2\r\n" + get_docs);
  CHECK(h.run({"COMMAND", "DOCS", "nosuch"}) == "*0\r\n");
  CHECK(h.run({"COMMAND", "DOCS", "getset"}) ==
        "*2\r\n" + bulk("getset") + "*14\r\n" + bulk("summary") +
            bulk("Set the string value of a key and return its old value") + bulk("since") +
            bulk("1.0.0") + bulk("group") + bulk("string") + bulk("complexity") + bulk("O(1)") +
            bulk("doc_flags") + "*1\r\n+deprecated\r\n" + bulk("deprecated_since") + bulk("6.2.0") +
            bulk("replaced_by") + bulk("`SET` with the `!GET` argument"));
  CHECK(h.run({"COMMAND", "DOCS", "exists"}) ==
        "*2\r\n" + bulk("exists") + "*10\r\n" + bulk("summary") +
            bulk("Determine if a key exists") + bulk("since") + bulk("1.0.0") + bulk("group") +
            bulk("generic") + bulk("complexity") +
            bulk("O(N) where N is the number of keys to check.") + bulk("history") +
            "*1\r\n*2\r\n" + bulk("3.0.3") + bulk("Accepts multiple `key` arguments."));
  std::string all = h.run({"COMMAND", "DOCS"});
  CHECK(header_count(all) == 2 * header_count(h.run({"COMMAND", "LIST"})));
  CHECK(all.find(get_docs) != std::string::npos);
}

TEST_CASE("COMMAND DOCS in RESP3") {
  FamilyHarness h;
  h.client().resp = 3;
  CHECK(h.run({"COMMAND", "DOCS", "set"}) ==
        "%1\r\n" + bulk("set") + "%5\r\n" + bulk("summary") +
            bulk("Set the string value of a key") + bulk("since") + bulk("1.0.0") + bulk("group") +
            bulk("string") + bulk("complexity") + bulk("O(1)") + bulk("history") + "~4\r\n" +
            "*2\r\n" + bulk("2.6.12") + bulk("Added the `EX`, `PX`, `NX` and `XX` options.") +
            "*2\r\n" + bulk("6.0.0") + bulk("Added the `KEEPTTL` option.") + "*2\r\n" +
            bulk("6.2.0") + bulk("Added the `GET`, `EXAT` and `PXAT` option.") + "*2\r\n" +
            bulk("7.0.0") + bulk("Allowed the `NX` and `GET` options to be used together."));
  CHECK(h.run({"COMMAND", "DOCS", "nosuch"}) == "%0\r\n");
}

TEST_CASE("COMMAND LIST FILTERBY") {
  FamilyHarness h;
  CHECK(h.run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "get"}) == "*1\r\n" + bulk("get"));
  CHECK(h.run({"command", "list", "filterby", "pattern", "GETD*"}) == "*1\r\n" + bulk("getdel"));
  CHECK(h.run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "[ps]ersist"}) ==
        "*1\r\n" + bulk("persist"));
  CHECK(h.run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "nosuch*"}) == "*0\r\n");
  CHECK(h.run({"COMMAND", "LIST", "FILTERBY", "MODULE", "x"}) == "*0\r\n");
  CHECK(h.run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"}) == "*0\r\n");
  std::string conn = h.run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "CONNECTION"});
  CHECK(conn.find(bulk("ping")) != std::string::npos);
  CHECK(conn.find(bulk("hello")) != std::string::npos);
  CHECK(conn.find(bulk("command")) != std::string::npos);
  CHECK(conn.find(bulk("get")) == std::string::npos);
  std::string dangerous = h.run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "dangerous"});
  CHECK(dangerous.find(bulk("flushall")) != std::string::npos);
  CHECK(dangerous.find(bulk("flushdb")) != std::string::npos);
  CHECK(dangerous.find(bulk("del")) == std::string::npos);
}

TEST_CASE("COMMAND GETKEYS") {
  FamilyHarness h;
  CHECK(h.run({"COMMAND", "GETKEYS", "GET", "a"}) == "*1\r\n" + bulk("a"));
  CHECK(h.run({"COMMAND", "GETKEYS", "set", "a", "b", "ex", "10"}) == "*1\r\n" + bulk("a"));
  CHECK(h.run({"COMMAND", "GETKEYS", "exists", "a", "b", "c"}) ==
        "*3\r\n" + bulk("a") + bulk("b") + bulk("c"));
  CHECK(h.run({"COMMAND", "GETKEYS", "mset", "a", "b", "c"}) == "*2\r\n" + bulk("a") + bulk("c"));
  CHECK(h.run({"COMMAND", "GETKEYS", "mset", "a", "b"}) == "*1\r\n" + bulk("a"));
  CHECK(h.run({"COMMAND", "GETKEYS", "nosuch", "a"}) == "-ERR Invalid command specified\r\n");
  CHECK(h.run({"COMMAND", "GETKEYS", "ping", "x"}) == "-ERR The command has no key arguments\r\n");
  CHECK(h.run({"COMMAND", "GETKEYS", "get", "a", "b"}) ==
        "-ERR Invalid number of arguments specified for command\r\n");
  CHECK(h.run({"COMMAND", "GETKEYS"}) == wrong_args("command|getkeys"));
  CHECK(h.run({"COMMAND", "GETKEYS", "get"}) == wrong_args("command|getkeys"));
}

TEST_CASE("COMMAND subcommand errors and HELP") {
  FamilyHarness h;
  CHECK(h.run({"COMMAND", "foo"}) == "-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n");
  CHECK(h.run({"COMMAND", "COUNT", "x"}) == wrong_args("command|count"));
  CHECK(h.run({"COMMAND", "HELP", "x"}) == wrong_args("command|help"));
  CHECK(h.run({"COMMAND", "LIST", "x"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"COMMAND", "LIST", "FILTERBY"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"COMMAND", "LIST", "FILTERBY", "PATTERN"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"COMMAND", "LIST", "FILTERBY", "foo", "x"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "a", "b"}) == "-ERR syntax error\r\n");
  std::string help = h.run({"COMMAND", "HELP"});
  CHECK(help.rfind("*19\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n",
                   0) == 0);
  CHECK(help.find("+GETKEYS <full-command>\r\n") != std::string::npos);
  CHECK(help.find("+    Prints this help.\r\n") == help.size() - 24);
}

}  // namespace
}  // namespace shardis::test
