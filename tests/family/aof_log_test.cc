// AofLog: the records a shard appends for what its commands did, read back from the segment
// with the format's reader. One shard, commands through the router and executor (family
// harness); the log is written out by close().
#include <doctest/doctest.h>
#include <shardis/persist/aof_format.h>
#include <shardis/server/persist/aof_log.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "support/family_harness.h"

namespace shardis::test {
namespace {

struct LoggedRecord {
  uint64_t txn = 0;
  uint16_t participants = 0;
  std::vector<std::string> commands;  // format_aof_command, "db N: " in front
};

// A harness whose shard logs to a fresh segment in a temporary file.
class AofHarness {
 public:
  AofHarness() {
    char name[] = "/tmp/shardis-aof-log-XXXXXX";
    const int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    path_ = name;
    std::string header;
    persist::write_aof_header(header, persist::AofSegmentHeader{});
    REQUIRE(::write(fd, header.data(), header.size()) == static_cast<ssize_t>(header.size()));
    ::close(fd);
    std::string error;
    REQUIRE(h.core().aof().open(path_, header.size(), &error));
    h.core().start_logging(1);
  }
  ~AofHarness() { std::remove(path_.c_str()); }

  // Writes out what was logged and reads every record back.
  std::vector<LoggedRecord> records() {
    std::string error;
    REQUIRE(h.core().aof().close(&error));
    std::ifstream in(path_, std::ios::binary);
    seg_.assign(std::istreambuf_iterator<char>(in), {});
    persist::AofSegmentReader r(seg_);
    persist::AofSegmentHeader head;
    REQUIRE(r.read_header(&head));
    std::vector<LoggedRecord> out;
    persist::AofRecord rec;
    persist::AofSegmentReader::Next next;
    while ((next = r.next(&rec)) == persist::AofSegmentReader::Next::kRecord) {
      LoggedRecord l{rec.txn_id, rec.participants, {}};
      for (const persist::AofCommandView& c : rec.commands) {
        l.commands.push_back("db " + std::to_string(c.db) + ": " + persist::format_aof_command(c));
      }
      out.push_back(std::move(l));
    }
    CHECK(next == persist::AofSegmentReader::Next::kEnd);
    return out;
  }

  FamilyHarness h;

 private:
  std::string path_;
  std::string seg_;
};

TEST_CASE("AofLog: one record per write, in its propagated form; reads log nothing") {
  AofHarness a;
  a.h.run({"SET", "k", "v"});
  a.h.run({"GET", "k"});
  a.h.run({"SET", "t", "x", "EX", "100"});
  a.h.run({"SELECT", "3"});
  a.h.run({"SADD", "s", "only"});
  a.h.run({"SPOP", "s"});
  a.h.run({"DEL", "missing"});  // changes nothing: not logged
  const std::string at = std::to_string(a.h.clock().now_ms() + 100000);
  auto recs = a.records();
  REQUIRE(recs.size() == 4);
  for (const LoggedRecord& r : recs) {
    CHECK(r.txn == 0);
    CHECK(r.participants == 1);
    CHECK(r.commands.size() == 1);
  }
  CHECK(recs[0].commands[0] == "db 0: SET k v");
  CHECK(recs[1].commands[0] == "db 0: SET t x PXAT " + at);
  CHECK(recs[2].commands[0] == "db 3: SADD s only");
  CHECK(recs[3].commands[0] == "db 3: SREM s only");
}

TEST_CASE("AofLog: a key that expires is logged as DEL; nothing is logged while replaying") {
  AofHarness a;
  a.h.run({"SET", "k", "v", "PX", "10"});
  a.h.clock().advance_ms(20);
  a.h.run({"GET", "k"});  // finds it expired
  a.h.core().aof().set_replaying(true);
  a.h.run({"SET", "replayed", "1"});
  a.h.core().aof().set_replaying(false);
  auto recs = a.records();
  REQUIRE(recs.size() == 2);
  CHECK(recs[0].commands[0].starts_with("db 0: SET k v PXAT "));
  CHECK(recs[1].commands[0] == "db 0: DEL k");
}

TEST_CASE("AofLog: a fanned-out part names this shard's keys only") {
  AofHarness a;
  const server::CommandSpec* mset = a.h.registry().find("mset");
  REQUIRE(mset != nullptr);
  std::vector<std::string_view> argv = {"MSET", "a", "1", "b", "2", "c", "3"};
  const std::vector<uint32_t> mine = {1, 5};
  server::PartResult part;
  a.h.core().executor().run_part(*mset, argv, 0, mine, part);
  const server::CommandSpec* del = a.h.registry().find("del");
  std::vector<std::string_view> dargv = {"DEL", "a", "b", "c"};
  const std::vector<uint32_t> dmine = {3};
  a.h.core().executor().run_part(*del, dargv, 0, dmine, part);
  auto recs = a.records();
  REQUIRE(recs.size() == 2);
  CHECK(recs[0].commands[0] == "db 0: MSET a 1 c 3");
  CHECK(recs[1].commands[0] == "db 0: DEL c");
}

TEST_CASE("AofLog: a transaction is one record with its id and participants") {
  AofHarness a;
  a.h.run({"MULTI"});
  a.h.run({"SET", "x", "1"});
  a.h.run({"INCR", "x"});
  a.h.run({"GET", "x"});
  CHECK(a.h.run({"EXEC"}) == "*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n");
  a.h.run({"MULTI"});
  a.h.run({"GET", "x"});
  a.h.run({"EXEC"});  // reads only: no record
  // A participant's capture, as Transactions drives it for a part on another shard.
  server::AofLog& aof = a.h.core().aof();
  server::TxnLog log;
  aof.capture(&log);
  a.h.run({"SET", "y", "2"});
  aof.capture(nullptr);
  aof.commit(log, 4242, 3);
  server::TxnLog empty;
  aof.commit(empty, 4243, 2);
  auto recs = a.records();
  REQUIRE(recs.size() == 3);
  CHECK(recs[0].txn != 0);
  CHECK(recs[0].participants == 1);
  CHECK(recs[0].commands == std::vector<std::string>{"db 0: SET x 1", "db 0: INCR x"});
  CHECK(recs[1].txn == 4242);
  CHECK(recs[1].participants == 3);
  CHECK(recs[1].commands == std::vector<std::string>{"db 0: SET y 2"});
  CHECK(recs[2].txn == 4243);
  CHECK(recs[2].participants == 2);
  CHECK(recs[2].commands.empty());
}

TEST_CASE("AofLog: keys changed elsewhere are logged as their resulting state") {
  AofHarness a;
  a.h.run({"RPUSH", "l", "a", "b"});
  a.h.run({"PEXPIREAT", "l", std::to_string(a.h.clock().now_ms() + 5000)});
  a.h.run({"SET", "gone", "1"});
  a.h.run({"DEL", "gone"});
  server::AofLog& aof = a.h.core().aof();
  aof.capture_state(a.h.store(), {{0, "l"}, {0, "gone"}});
  auto recs = a.records();
  REQUIRE(recs.size() == 5);
  const std::string at = std::to_string(a.h.clock().now_ms() + 5000);
  REQUIRE(recs[4].commands.size() == 2);
  CHECK(recs[4].commands[0].starts_with("db 0: RESTORE l " + at + " "));
  CHECK(recs[4].commands[0].ends_with(" REPLACE ABSTTL"));
  CHECK(recs[4].commands[1] == "db 0: DEL gone");
}

}  // namespace
}  // namespace shardis::test
