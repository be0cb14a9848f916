// Connection family against Redis 7.0's exact replies (checked on redis-server 7.0.15).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/family_harness.h"
#include "support/resp_expect.h"

namespace shardis::test {
namespace {

const std::string kBadName =
    "-ERR Client names cannot contain spaces, newlines or special characters.\r\n";

// The HELLO reply body after the map header, for client id 1.
std::string hello_fields(int proto) {
  return bulk("server") + bulk("redis") + bulk("version") + bulk("7.0.15") + bulk("proto") +
         integer(proto) + bulk("id") + integer(1) + bulk("mode") + bulk("standalone") +
         bulk("role") + bulk("master") + bulk("modules") + "*0\r\n";
}
const std::string kHello2 = "*14\r\n" + hello_fields(2);
const std::string kHello3 = "%7\r\n" + hello_fields(3);

TEST_CASE("PING and ECHO") {
  FamilyHarness h;
  CHECK(h.run({"PING"}) == "+PONG\r\n");
  CHECK(h.run({"ping", "hello"}) == bulk("hello"));
  CHECK(h.run(std::vector<std::string>{"PING", std::string("a\r\n\0", 4)}) ==
        bulk(std::string("a\r\n\0", 4)));
  CHECK(h.run({"PING", "a", "b"}) == wrong_args("ping"));
  CHECK(h.run({"ECHO", "hi"}) == bulk("hi"));
  CHECK(h.run({"ECHO", ""}) == bulk(""));
  CHECK(h.run({"ECHO"}) == wrong_args("echo"));
  CHECK(h.run({"ECHO", "a", "b"}) == wrong_args("echo"));
  h.client().resp = 3;
  CHECK(h.run({"PING"}) == "+PONG\r\n");
  CHECK(h.run({"ECHO", "hi"}) == bulk("hi"));
}

TEST_CASE("QUIT replies OK and closes after the reply") {
  FamilyHarness h;
  CHECK_FALSE(h.client().close_after_reply);
  CHECK(h.run({"QUIT"}) == kOk);
  CHECK(h.client().close_after_reply);
  FamilyHarness h2;
  CHECK(h2.run({"quit", "extra", "args"}) == kOk);
  CHECK(h2.client().close_after_reply);
}

TEST_CASE("SELECT") {
  FamilyHarness h;
  CHECK(h.run({"SET", "k", "db0"}) == kOk);
  CHECK(h.run({"SELECT", "15"}) == kOk);
  CHECK(h.client().db == 15);
  CHECK(h.run({"GET", "k"}) == "$-1\r\n");
  CHECK(h.run({"SET", "k", "db15"}) == kOk);
  CHECK(h.run({"SELECT", "0"}) == kOk);
  CHECK(h.run({"GET", "k"}) == bulk("db0"));
  CHECK(h.run({"SELECT", "16"}) == "-ERR DB index is out of range\r\n");
  CHECK(h.run({"SELECT", "-1"}) == "-ERR DB index is out of range\r\n");
  CHECK(h.run({"SELECT", "2147483647"}) == "-ERR DB index is out of range\r\n");
  CHECK(h.run({"SELECT", "abc"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"SELECT", "1.5"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"SELECT", " 1"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"SELECT", "9999999999999999999"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"SELECT", "2147483648"}) ==
        "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
  CHECK(h.run({"SELECT", "-2147483649"}) ==
        "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
  CHECK(h.run({"SELECT"}) == wrong_args("select"));
  CHECK(h.client().db == 0);
}

TEST_CASE("HELLO replies in the protocol it selects") {
  FamilyHarness h;
  CHECK(h.run({"HELLO"}) == kHello2);
  CHECK(h.run({"HELLO", "3"}) == kHello3);
  CHECK(h.client().resp == 3);
  CHECK(h.run({"GET", "missing"}) == "_\r\n");
  CHECK(h.run({"HELLO"}) == kHello3);
  CHECK(h.run({"hello", "2"}) == kHello2);
  CHECK(h.client().resp == 2);
  CHECK(h.run({"GET", "missing"}) == "$-1\r\n");
}

TEST_CASE("HELLO errors leave the protocol unchanged") {
  FamilyHarness h;
  const std::string noproto = "-NOPROTO unsupported protocol version\r\n";
  const std::string notint = "-ERR Protocol version is not an integer or out of range\r\n";
  CHECK(h.run({"HELLO", "4"}) == noproto);
  CHECK(h.run({"HELLO", "1"}) == noproto);
  CHECK(h.run({"HELLO", "0"}) == noproto);
  CHECK(h.run({"HELLO", "-1"}) == noproto);
  CHECK(h.run({"HELLO", "abc"}) == notint);
  CHECK(h.run({"HELLO", "3.0"}) == notint);
  CHECK(h.run({"HELLO", "99999999999999999999"}) == notint);
  CHECK(h.run({"HELLO", "4", "AUTH", "foo", "x"}) == noproto);
  CHECK(h.run({"HELLO", "3", "foo"}) == "-ERR Syntax error in HELLO option 'foo'\r\n");
  CHECK(h.run({"HELLO", "3", "AUTH", "default"}) == "-ERR Syntax error in HELLO option 'AUTH'\r\n");
  CHECK(h.run({"HELLO", "3", "SETNAME"}) == "-ERR Syntax error in HELLO option 'SETNAME'\r\n");
  CHECK(h.run({"HELLO", "3", "setname", "a", "b"}) == "-ERR Syntax error in HELLO option 'b'\r\n");
  CHECK(h.run({"HELLO", "3", "AUTH", "foo", "x"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(h.run({"HELLO", "3", "AUTH", "DEFAULT", "x"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(h.run({"HELLO", "3", "AUTH", "", "x"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(h.run({"HELLO", "3", "SETNAME", "a b"}) == kBadName);
  CHECK(h.run({"HELLO", "3", "AUTH", "nobody", "x", "SETNAME", "a b"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(h.run({"HELLO", "3", "AUTH", "default", "x", "foo"}) ==
        "-ERR Syntax error in HELLO option 'foo'\r\n");
  CHECK(h.client().resp == 2);
  // "setname a" took effect before the syntax error on "b"; nothing after it did.
  CHECK(h.client().name == "a");
}

TEST_CASE("HELLO applies SETNAME in order, even when a later option fails") {
  FamilyHarness h;
  CHECK(h.run({"HELLO", "3", "SETNAME", "x", "AUTH", "nobody", "x"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(h.client().name == "x");
  CHECK(h.run({"HELLO", "3", "setname", "y", "foo"}) ==
        "-ERR Syntax error in HELLO option 'foo'\r\n");
  CHECK(h.client().name == "y");
  CHECK(h.run({"HELLO", "3", "setname", "z", "auth", "nobody", "x", "setname", "w"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(h.client().name == "z");
  CHECK(h.client().resp == 2);
}

TEST_CASE("HELLO AUTH default and SETNAME") {
  FamilyHarness h;
  // No password is configured: the default user accepts any password.
  CHECK(h.run({"HELLO", "2", "AUTH", "default", "anything"}) == kHello2);
  CHECK(h.run({"HELLO", "2", "auth", "default", ""}) == kHello2);
  CHECK(h.run({"HELLO", "3", "SETNAME", "myname", "AUTH", "default", "x"}) == kHello3);
  CHECK(h.client().name == "myname");
  CHECK(h.run({"CLIENT", "GETNAME"}) == bulk("myname"));
  CHECK(h.run({"HELLO", "3", "setname", "a", "setname", "b"}) == kHello3);
  CHECK(h.client().name == "b");
  CHECK(h.run({"HELLO", "3", "SETNAME", ""}) == kHello3);
  CHECK(h.run({"CLIENT", "GETNAME"}) == "_\r\n");
  CHECK(h.client().resp == 3);
}

TEST_CASE("CLIENT ID, GETNAME, SETNAME") {
  FamilyHarness h;
  CHECK(h.run({"CLIENT", "ID"}) == ":1\r\n");
  CHECK(h.run({"client", "id"}) == ":1\r\n");
  CHECK(h.run({"CLIENT", "GETNAME"}) == "$-1\r\n");
  CHECK(h.run({"CLIENT", "SETNAME", "foo"}) == kOk);
  CHECK(h.run({"CLIENT", "GETNAME"}) == bulk("foo"));
  CHECK(h.run({"CLIENT", "SETNAME", "a~!"}) == kOk);
  CHECK(h.run({"CLIENT", "GETNAME"}) == bulk("a~!"));
  for (std::string bad : {std::string("a b"), std::string("a\nb"), std::string("a\0b", 3),
                          std::string("a\x7f"), std::string("\xc3\xa9")}) {
    CHECK(h.run(std::vector<std::string>{"CLIENT", "SETNAME", bad}) == kBadName);
  }
  CHECK(h.run({"CLIENT", "GETNAME"}) == bulk("a~!"));
  CHECK(h.run({"CLIENT", "SETNAME", ""}) == kOk);
  CHECK(h.run({"CLIENT", "GETNAME"}) == "$-1\r\n");
}

TEST_CASE("CLIENT errors and HELP") {
  FamilyHarness h;
  CHECK(h.run({"CLIENT"}) == wrong_args("client"));
  CHECK(h.run({"CLIENT", "ID", "x"}) == wrong_args("client|id"));
  CHECK(h.run({"CLIENT", "GETNAME", "x"}) == wrong_args("client|getname"));
  CHECK(h.run({"CLIENT", "SETNAME"}) == wrong_args("client|setname"));
  CHECK(h.run({"CLIENT", "SETNAME", "a", "b"}) == wrong_args("client|setname"));
  CHECK(h.run({"CLIENT", "HELP", "x"}) == wrong_args("client|help"));
  CHECK(h.run({"CLIENT", "foo"}) == "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
  CHECK(h.run({"CLIENT", "foo", "bar"}) == "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
  CHECK(h.run({"CLIENT", "help"}) ==
        "*11\r\n"
        "+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
        "+GETNAME\r\n"
        "+    Return the name of the current connection.\r\n"
        "+ID\r\n"
        "+    Return the ID of the current connection.\r\n"
        "+SETNAME <name>\r\n"
        "+    Assign the name <name> to the current connection.\r\n"
        "+UNBLOCK <clientid> [TIMEOUT|ERROR]\r\n"
        "+    Unblock the specified blocked client.\r\n"
        "+HELP\r\n"
        "+    Prints this help.\r\n");
}

}  // namespace
}  // namespace shardis::test
