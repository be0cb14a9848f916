// COMMAND family. COMMAND INFO and COMMAND DOCS entries are compared byte for byte with what
// redis-server 7.0.15 returns for the same commands, COMMAND DOCS argument trees included.
#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

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
  // Container commands report no flags of their own, then their subcommands.
  CHECK(h.run({"COMMAND", "INFO", "config"}) ==
        "*1\r\n*10\r\n$6\r\nconfig\r\n:-2\r\n*0\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@slow\r\n"
        "*0\r\n*0\r\n*3\r\n"
        "*10\r\n$10\r\nconfig|get\r\n:-3\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n"
        ":0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n*0\r\n*0\r\n*0\r\n"
        "*10\r\n$11\r\nconfig|help\r\n:2\r\n*2\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n"
        "*1\r\n+@slow\r\n*0\r\n*0\r\n*0\r\n"
        "*10\r\n$10\r\nconfig|set\r\n:-4\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n"
        ":0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n"
        "*2\r\n$24\r\nrequest_policy:all_nodes\r\n$29\r\nresponse_policy:all_succeeded\r\n"
        "*0\r\n*0\r\n");
}

TEST_CASE("COMMAND INFO in RESP3") {
  FamilyHarness h;
  h.client().resp = 3;
  CHECK(h.run({"COMMAND", "INFO", "get", "nosuch"}) == "*2\r\n" + kGetInfo3 + "_\r\n");
}

// A RESP2 key spec with its flags (a set, already encoded) and an index/range search.
std::string key_spec2(std::string_view flags, int index, int lastkey) {
  std::string out = "*6\r\n$5\r\nflags\r\n";
  out.append(flags);
  out.append(range_spec2(index, lastkey, 1));
  return out;
}

// An aggregate header: "<type><n>\r\n".
std::string header(char type, size_t n) {
  std::string out(1, type);
  out.append(std::to_string(n));
  out.append("\r\n");
  return out;
}

// A COMMAND DOCS map of n label/value pairs, encoded in `pairs`: a flat array in RESP2, a map in
// RESP3.
std::string docs_map(int resp, size_t n, std::string_view pairs) {
  std::string out = resp == 2 ? header('*', 2 * n) : header('%', n);
  out.append(pairs);
  return out;
}

// One COMMAND DOCS argument: its name and type, then n more label/value pairs encoded in `rest`.
std::string arg(int resp, std::string_view name, std::string_view type, size_t n = 0,
                std::string_view rest = "") {
  std::string pairs = bulk("name");
  pairs.append(bulk(name));
  pairs.append(bulk("type"));
  pairs.append(bulk(type));
  pairs.append(rest);
  return docs_map(resp, 2 + n, pairs);
}

// A key argument found by the first key spec.
std::string key_arg(int resp, std::string_view name) {
  std::string rest = bulk("key_spec_index");
  rest.append(integer(0));
  return arg(resp, name, "key", 1, rest);
}

// An argument's "flags" pair: a set of simple strings.
std::string arg_flags(int resp, std::initializer_list<std::string_view> flags) {
  std::string out = bulk("flags");
  out.append(header(resp == 2 ? '*' : '~', flags.size()));
  for (std::string_view f : flags) {
    out.append("+");
    out.append(f);
    out.append("\r\n");
  }
  return out;
}

// The "arguments" pair: an array of the n arguments encoded in `args`.
std::string args_pair(size_t n, std::string_view args) {
  std::string out = bulk("arguments");
  out.append(header('*', n));
  out.append(args);
  return out;
}

// RESP2 COMMAND DOCS value without history; `args` is its encoded "arguments" pair, if any.
std::string docs2(std::string_view summary, std::string_view since, std::string_view group,
                  std::string_view complexity, std::string_view args = "") {
  std::string out = header('*', args.empty() ? 8 : 10);
  for (std::string_view s :
       {std::string_view("summary"), summary, std::string_view("since"), since,
        std::string_view("group"), group, std::string_view("complexity"), complexity}) {
    out.append(bulk(s));
  }
  out.append(args);
  return out;
}

TEST_CASE("COMMAND INFO with several key specs or notes") {
  FamilyHarness h;
  CHECK(h.run({"COMMAND", "INFO", "rename"}) ==
        "*1\r\n*10\r\n$6\r\nrename\r\n:3\r\n*1\r\n+write\r\n:1\r\n:2\r\n:1\r\n"
        "*3\r\n+@keyspace\r\n+@write\r\n+@slow\r\n*0\r\n*2\r\n" +
            key_spec2("*3\r\n+RW\r\n+access\r\n+delete\r\n", 1, 0) +
            key_spec2("*2\r\n+OW\r\n+update\r\n", 2, 0) + "*0\r\n");
  CHECK(h.run({"COMMAND", "INFO", "bitop"}) ==
        "*1\r\n*10\r\n$5\r\nbitop\r\n:-4\r\n*2\r\n+write\r\n+denyoom\r\n:2\r\n:-1\r\n:1\r\n"
        "*3\r\n+@write\r\n+@bitmap\r\n+@slow\r\n*0\r\n*2\r\n" +
            key_spec2("*2\r\n+OW\r\n+update\r\n", 2, 0) +
            key_spec2("*2\r\n+RO\r\n+access\r\n", 3, -1) + "*0\r\n");
  CHECK(h.run({"COMMAND", "INFO", "getex"}) ==
        "*1\r\n*10\r\n$5\r\ngetex\r\n:-2\r\n*2\r\n+write\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
        "*3\r\n+@write\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n"
        "*8\r\n$5\r\nnotes\r\n$40\r\nRW and UPDATE because it changes the TTL\r\n$5\r\nflags\r\n"
        "*3\r\n+RW\r\n+access\r\n+update\r\n" +
            range_spec2(1, 0, 1) + "*0\r\n");
  CHECK(h.run({"COMMAND", "INFO", "msetnx"}) ==
        "*1\r\n*10\r\n$6\r\nmsetnx\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:-1\r\n:2\r\n"
        "*3\r\n+@write\r\n+@string\r\n+@slow\r\n"
        "*2\r\n$26\r\nrequest_policy:multi_shard\r\n$23\r\nresponse_policy:agg_min\r\n*1\r\n"
        "*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+insert\r\n" +
            range_spec2(1, -1, 2) + "*0\r\n");
  h.client().resp = 3;
  CHECK(h.run({"COMMAND", "INFO", "rename"}) ==
        "*1\r\n*10\r\n$6\r\nrename\r\n:3\r\n~1\r\n+write\r\n:1\r\n:2\r\n:1\r\n"
        "~3\r\n+@keyspace\r\n+@write\r\n+@slow\r\n~0\r\n~2\r\n"
        "%3\r\n$5\r\nflags\r\n~3\r\n+RW\r\n+access\r\n+delete\r\n"
        "$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n"
        "$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n"
        "%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n"
        "%3\r\n$5\r\nflags\r\n~2\r\n+OW\r\n+update\r\n"
        "$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n"
        "$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n"
        "%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n");
}

// An OBJECT subcommand that reads the key at argv[2], as redis-server reports it.
std::string object_key_sub2(std::string_view fullname) {
  std::string out = "*10\r\n";
  out.append(bulk(fullname));
  out.append(
      ":3\r\n*1\r\n+readonly\r\n:2\r\n:2\r\n:1\r\n*3\r\n+@keyspace\r\n+@read\r\n+@slow\r\n"
      "*1\r\n$23\r\nnondeterministic_output\r\n*1\r\n");
  out.append(key_spec2("*1\r\n+RO\r\n", 2, 0));
  out.append("*0\r\n");
  return out;
}

const std::string kObjectHelpInfo2 =
    "*10\r\n$11\r\nobject|help\r\n:2\r\n*2\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n"
    "*2\r\n+@keyspace\r\n+@slow\r\n*0\r\n*0\r\n*0\r\n";

// Redis lists a container's subcommands in hash order, which differs between redis-server
// processes; Shardis lists them alphabetically. Each entry is byte-identical to Redis's.
TEST_CASE("COMMAND INFO of a container lists its subcommands") {
  FamilyHarness h;
  CHECK(h.run({"COMMAND", "INFO", "object"}) ==
        "*1\r\n*10\r\n$6\r\nobject\r\n:-2\r\n*0\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@slow\r\n*0\r\n*0\r\n"
        "*5\r\n" +
            object_key_sub2("object|encoding") + object_key_sub2("object|freq") + kObjectHelpInfo2 +
            object_key_sub2("object|idletime") + object_key_sub2("object|refcount"));
  const std::string memory_usage =
      "*10\r\n$12\r\nmemory|usage\r\n:-3\r\n*1\r\n+readonly\r\n:2\r\n:2\r\n:1\r\n"
      "*2\r\n+@read\r\n+@slow\r\n*0\r\n*1\r\n" +
      key_spec2("*1\r\n+RO\r\n", 2, 0) + "*0\r\n";
  CHECK(h.run({"COMMAND", "INFO", "memory|usage"}) == "*1\r\n" + memory_usage);
  // Names of subcommands: "container|sub", case-insensitive; nil when either part is unknown.
  CHECK(h.run({"COMMAND", "INFO", "OBJECT|Encoding", "object|help"}) ==
        "*2\r\n" + object_key_sub2("object|encoding") + kObjectHelpInfo2);
  CHECK(h.run({"COMMAND", "INFO", "object|nosuch", "object|", "get|x", "object|encoding|x",
               "nosuch|x"}) == "*5\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n");
  std::string all = h.run({"COMMAND"});
  CHECK(all.find(object_key_sub2("object|refcount")) != std::string::npos);
  // RESP3: an empty subcommand list is a set, a non-empty one an array.
  h.client().resp = 3;
  std::string object3 = h.run({"COMMAND", "INFO", "object"});
  CHECK(
      object3.rfind(
          "*1\r\n*10\r\n$6\r\nobject\r\n:-2\r\n~0\r\n:0\r\n:0\r\n:0\r\n~1\r\n+@slow\r\n~0\r\n~0\r\n"
          "*5\r\n*10\r\n$15\r\nobject|encoding\r\n",
          0) == 0);
}

// Every subcommand COMMAND lists is one the container runs (none answers "unknown subcommand").
TEST_CASE("COMMAND lists only subcommands that exist") {
  FamilyHarness h;
  std::string list = h.run({"COMMAND", "LIST"});
  size_t n = 0;
  for (size_t pos = list.find('|'); pos != std::string::npos; pos = list.find('|', pos + 1)) {
    size_t begin = list.rfind('\n', pos) + 1;
    std::string container = list.substr(begin, pos - begin);
    std::string sub = list.substr(pos + 1, list.find('\r', pos) - pos - 1);
    std::string info = h.run({"COMMAND", "INFO", container + "|" + sub});
    int arity = std::stoi(info.substr(info.find(':') + 1));
    std::vector<std::string> args = {container, sub};
    while (args.size() < static_cast<size_t>(arity < 0 ? -arity : arity)) args.push_back("x");
    INFO(container, " ", sub);
    CHECK(h.run(args).find("unknown subcommand") == std::string::npos);
    ++n;
  }
  CHECK(n >= 20);
}

TEST_CASE("COMMAND, COMMAND INFO without names, COMMAND COUNT and COMMAND LIST agree") {
  FamilyHarness h;
  std::string all = h.run({"COMMAND"});
  std::string info = h.run({"COMMAND", "INFO"});
  std::string list = h.run({"COMMAND", "LIST"});
  std::string count = h.run({"COMMAND", "COUNT"});
  CHECK(all == info);
  CHECK(count == integer(header_count(all)));
  CHECK(header_count(all) >= 36);
  // LIST names every command, each followed by its subcommands.
  CHECK(header_count(list) > header_count(all));
  CHECK(list.find(bulk("object") + bulk("object|encoding")) != std::string::npos);
  CHECK(all.find(kGetInfo2) != std::string::npos);
  CHECK(all.find(kMsetInfo2) != std::string::npos);
  CHECK(list.find(bulk("get")) != std::string::npos);
  CHECK(list.find(bulk("command")) != std::string::npos);
  CHECK(list.find(bulk("hello")) != std::string::npos);
}

TEST_CASE("COMMAND DOCS") {
  FamilyHarness h;
  const std::string get_docs = bulk("get") + docs2("Get the value of a key", "1.0.0", "string",
                                                   "O(1)", args_pair(1, key_arg(2, "key")));
  CHECK(h.run({"COMMAND", "DOCS", "get"}) == "*2\r\n" + get_docs);
  CHECK(h.run({"COMMAND", "DOCS", "GET", "nosuch"}) == "*2\r\n" + get_docs);
  CHECK(h.run({"COMMAND", "DOCS", "nosuch"}) == "*0\r\n");
  CHECK(h.run({"COMMAND", "DOCS", "getset"}) ==
        "*2\r\n" + bulk("getset") + "*16\r\n" + bulk("summary") +
            bulk("Set the string value of a key and return its old value") + bulk("since") +
            bulk("1.0.0") + bulk("group") + bulk("string") + bulk("complexity") + bulk("O(1)") +
            bulk("doc_flags") + "*1\r\n+deprecated\r\n" + bulk("deprecated_since") + bulk("6.2.0") +
            bulk("replaced_by") + bulk("`SET` with the `!GET` argument") +
            args_pair(2, key_arg(2, "key") + arg(2, "value", "string")));
  CHECK(h.run({"COMMAND", "DOCS", "exists"}) ==
        "*2\r\n" + bulk("exists") + "*12\r\n" + bulk("summary") +
            bulk("Determine if a key exists") + bulk("since") + bulk("1.0.0") + bulk("group") +
            bulk("generic") + bulk("complexity") +
            bulk("O(N) where N is the number of keys to check.") + bulk("history") +
            "*1\r\n*2\r\n" + bulk("3.0.3") + bulk("Accepts multiple `key` arguments.") +
            args_pair(1, arg(2, "key", "key", 2,
                             bulk("key_spec_index") + integer(0) + arg_flags(2, {"multiple"}))));
  std::string all = h.run({"COMMAND", "DOCS"});
  CHECK(integer(header_count(all) / 2) == h.run({"COMMAND", "COUNT"}));
  CHECK(all.find(get_docs) != std::string::npos);
}

TEST_CASE("COMMAND DOCS of deprecated commands, containers and subcommands") {
  FamilyHarness h;
  CHECK(
      h.run({"COMMAND", "DOCS", "substr"}) ==
      "*2\r\n" + bulk("substr") + "*16\r\n" + bulk("summary") +
          bulk("Get a substring of the string stored at a key") + bulk("since") + bulk("1.0.0") +
          bulk("group") + bulk("string") + bulk("complexity") +
          bulk("O(N) where N is the length of the returned string. The complexity is ultimately "
               "determined by the returned length, but because creating a substring from an "
               "existing string is very cheap, it can be considered O(1) for small strings.") +
          bulk("doc_flags") + "*1\r\n+deprecated\r\n" + bulk("deprecated_since") + bulk("2.0.0") +
          bulk("replaced_by") + bulk("`GETRANGE`") +
          args_pair(3, key_arg(2, "key") + arg(2, "start", "integer") + arg(2, "end", "integer")));
  const std::string object_help =
      docs2("Show helpful text about the different subcommands", "6.2.0", "generic", "O(1)");
  CHECK(h.run({"COMMAND", "DOCS", "object|help"}) == "*2\r\n" + bulk("object|help") + object_help);
  const std::string key = args_pair(1, key_arg(2, "key"));
  CHECK(h.run({"COMMAND", "DOCS", "object"}) ==
        "*2\r\n" + bulk("object") + "*10\r\n" + bulk("summary") +
            bulk("A container for object introspection commands") + bulk("since") + bulk("2.2.3") +
            bulk("group") + bulk("generic") + bulk("complexity") + bulk("Depends on subcommand.") +
            bulk("subcommands") + "*10\r\n" + bulk("object|encoding") +
            docs2("Inspect the internal encoding of a Redis object", "2.2.3", "generic", "O(1)",
                  key) +
            bulk("object|freq") +
            docs2("Get the logarithmic access frequency counter of a Redis object", "4.0.0",
                  "generic", "O(1)", key) +
            bulk("object|help") + object_help + bulk("object|idletime") +
            docs2("Get the time since a Redis object was last accessed", "2.2.3", "generic", "O(1)",
                  key) +
            bulk("object|refcount") +
            docs2("Get the number of references to the value of the key", "2.2.3", "generic",
                  "O(1)", key));
  CHECK(h.run({"COMMAND", "DOCS", "object|nosuch", "get|x"}) == "*0\r\n");
}

TEST_CASE("COMMAND DOCS in RESP3") {
  FamilyHarness h;
  h.client().resp = 3;
  // key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds |
  // PXAT unix-time-milliseconds | KEEPTTL]
  auto token = [](std::string_view t) { return bulk("token") + bulk(t); };
  auto since = [](std::string_view v) { return bulk("since") + bulk(v); };
  const std::string optional = arg_flags(3, {"optional"});
  const std::string set_args =
      key_arg(3, "key") + arg(3, "value", "string") +
      arg(3, "condition", "oneof", 3,
          since("2.6.12") + optional +
              args_pair(2, arg(3, "nx", "pure-token", 1, token("NX")) +
                               arg(3, "xx", "pure-token", 1, token("XX")))) +
      arg(3, "get", "pure-token", 3, token("GET") + since("6.2.0") + optional) +
      arg(3, "expiration", "oneof", 2,
          optional +
              args_pair(
                  5,
                  arg(3, "seconds", "integer", 2, token("EX") + since("2.6.12")) +
                      arg(3, "milliseconds", "integer", 2, token("PX") + since("2.6.12")) +
                      arg(3, "unix-time-seconds", "unix-time", 2, token("EXAT") + since("6.2.0")) +
                      arg(3, "unix-time-milliseconds", "unix-time", 2,
                          token("PXAT") + since("6.2.0")) +
                      arg(3, "keepttl", "pure-token", 2, token("KEEPTTL") + since("6.0.0"))));
  CHECK(h.run({"COMMAND", "DOCS", "set"}) ==
        "%1\r\n" + bulk("set") + "%6\r\n" + bulk("summary") +
            bulk("Set the string value of a key") + bulk("since") + bulk("1.0.0") + bulk("group") +
            bulk("string") + bulk("complexity") + bulk("O(1)") + bulk("history") + "~4\r\n" +
            "*2\r\n" + bulk("2.6.12") + bulk("Added the `EX`, `PX`, `NX` and `XX` options.") +
            "*2\r\n" + bulk("6.0.0") + bulk("Added the `KEEPTTL` option.") + "*2\r\n" +
            bulk("6.2.0") + bulk("Added the `GET`, `EXAT` and `PXAT` option.") + "*2\r\n" +
            bulk("7.0.0") + bulk("Allowed the `NX` and `GET` options to be used together.") +
            args_pair(5, set_args));
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
  CHECK(h.run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "OBJECT|ENC*"}) ==
        "*1\r\n" + bulk("object|encoding"));
  CHECK(h.run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "memory*"}) ==
        "*3\r\n" + bulk("memory") + bulk("memory|help") + bulk("memory|usage"));
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
  // Key counts (keynum key specs), as redis-server 7.0.15: a count below 1 or past the
  // arguments makes the line invalid.
  const std::string invalid_args = "-ERR Invalid arguments specified for command\r\n";
  CHECK(h.run({"COMMAND", "GETKEYS", "zunion", "1", "a"}) == "*1\r\n" + bulk("a"));
  CHECK(h.run({"COMMAND", "GETKEYS", "zunionstore", "d", "2", "a", "b"}) ==
        "*3\r\n" + bulk("d") + bulk("a") + bulk("b"));
  CHECK(h.run({"COMMAND", "GETKEYS", "zunion", "0", "a"}) == invalid_args);
  CHECK(h.run({"COMMAND", "GETKEYS", "zunion", "-1", "a"}) == invalid_args);
  CHECK(h.run({"COMMAND", "GETKEYS", "zunion", "3", "a"}) == invalid_args);
  CHECK(h.run({"COMMAND", "GETKEYS", "sintercard", "0", "a"}) == invalid_args);
  CHECK(h.run({"COMMAND", "GETKEYS", "zunionstore", "d", "0", "a"}) == invalid_args);
  // Several key specs, and the subcommands of OBJECT and MEMORY.
  CHECK(h.run({"COMMAND", "GETKEYS", "bitop", "and", "d", "a", "b"}) ==
        "*3\r\n" + bulk("d") + bulk("a") + bulk("b"));
  CHECK(h.run({"COMMAND", "GETKEYS", "copy", "a", "b", "db", "1"}) ==
        "*2\r\n" + bulk("a") + bulk("b"));
  CHECK(h.run({"COMMAND", "GETKEYS", "object", "encoding", "k"}) == "*1\r\n" + bulk("k"));
  CHECK(h.run({"COMMAND", "GETKEYS", "OBJECT", "FREQ", "k"}) == "*1\r\n" + bulk("k"));
  CHECK(h.run({"COMMAND", "GETKEYS", "memory", "usage", "k", "samples", "5"}) ==
        "*1\r\n" + bulk("k"));
  CHECK(h.run({"COMMAND", "GETKEYS", "object", "help"}) ==
        "-ERR The command has no key arguments\r\n");
  CHECK(h.run({"COMMAND", "GETKEYS", "object", "nosuch", "k"}) ==
        "-ERR Invalid command specified\r\n");
  CHECK(h.run({"COMMAND", "GETKEYS", "object", "encoding"}) ==
        "-ERR Invalid number of arguments specified for command\r\n");
  CHECK(h.run({"COMMAND", "GETKEYS", "object", "encoding", "a", "b"}) ==
        "-ERR Invalid number of arguments specified for command\r\n");
  CHECK(h.run({"COMMAND", "GETKEYS", "config", "get", "x"}) ==
        "-ERR The command has no key arguments\r\n");
  CHECK(h.run({"COMMAND", "GETKEYS"}) == wrong_args("command|getkeys"));
  CHECK(h.run({"COMMAND", "GETKEYS", "get"}) == wrong_args("command|getkeys"));
}

TEST_CASE("COMMAND GETKEYSANDFLAGS") {
  FamilyHarness h;
  CHECK(h.run({"COMMAND", "GETKEYSANDFLAGS", "rename", "a", "b"}) ==
        "*2\r\n*2\r\n" + bulk("a") + "*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n" + bulk("b") +
            "*2\r\n+OW\r\n+update\r\n");
  CHECK(h.run({"COMMAND", "GETKEYSANDFLAGS", "mset", "a", "1", "b", "2"}) ==
        "*2\r\n*2\r\n" + bulk("a") + "*2\r\n+OW\r\n+update\r\n*2\r\n" + bulk("b") +
            "*2\r\n+OW\r\n+update\r\n");
  CHECK(h.run({"COMMAND", "GETKEYSANDFLAGS", "object", "encoding", "k"}) ==
        "*1\r\n*2\r\n" + bulk("k") + "*1\r\n+RO\r\n");
  // SET and BITFIELD: the flags depend on the arguments.
  CHECK(h.run({"COMMAND", "GETKEYSANDFLAGS", "set", "a", "b", "xx"}) ==
        "*1\r\n*2\r\n" + bulk("a") + "*2\r\n+OW\r\n+update\r\n");
  CHECK(h.run({"COMMAND", "GETKEYSANDFLAGS", "set", "a", "b", "GET", "ex", "1"}) ==
        "*1\r\n*2\r\n" + bulk("a") + "*3\r\n+RW\r\n+access\r\n+update\r\n");
  CHECK(h.run({"COMMAND", "GETKEYSANDFLAGS", "bitfield", "k", "overflow", "wrap", "get", "u8",
               "0"}) == "*1\r\n*2\r\n" + bulk("k") + "*2\r\n+RO\r\n+access\r\n");
  CHECK(h.run({"COMMAND", "GETKEYSANDFLAGS", "bitfield", "k", "get", "u8"}) ==
        "*1\r\n*2\r\n" + bulk("k") + "*3\r\n+RW\r\n+access\r\n+update\r\n");
  CHECK(h.run({"COMMAND", "GETKEYSANDFLAGS", "bitfield", "k", "incrby", "u8", "0", "1"}) ==
        "*1\r\n*2\r\n" + bulk("k") + "*3\r\n+RW\r\n+access\r\n+update\r\n");
  CHECK(h.run({"COMMAND", "GETKEYSANDFLAGS", "ping"}) == wrong_args("command|getkeysandflags"));
  CHECK(h.run({"COMMAND", "GETKEYSANDFLAGS", "ping", "x"}) ==
        "-ERR The command has no key arguments\r\n");
  h.client().resp = 3;
  CHECK(h.run({"COMMAND", "GETKEYSANDFLAGS", "get", "a"}) ==
        "*1\r\n*2\r\n" + bulk("a") + "~2\r\n+RO\r\n+access\r\n");
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
  CHECK(help.rfind("*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n",
                   0) == 0);
  CHECK(help.find("+GETKEYS <full-command>\r\n") != std::string::npos);
  CHECK(help.find("+GETKEYSANDFLAGS <full-command>\r\n") != std::string::npos);
  CHECK(help.find("+    Prints this help.\r\n") == help.size() - 24);
}

}  // namespace
}  // namespace shardis::test
