// shardis-aof-check: inspects, validates and repairs Shardis AOF segments.
//
//   shardis-aof-check [--print] [--fix] SEGMENT...
//
// For each segment it reads the header and every record, and reports: how many records and
// commands are valid, and where the first bad record starts, as a torn tail (a write cut short)
// or as corruption (damage with valid records after it). --print lists every command, one per
// line, as "<offset> db <n> [txn <id>/<participants>] <command>". --fix truncates the segment
// at the first bad record (the torn tail, or the corrupt record and everything after it),
// keeping the valid prefix; the dropped byte count is printed.
//
// Exit status: 0 when every segment is valid (or was fixed), 1 when one is not, 2 on usage or
// I/O errors.
#include <fcntl.h>
#include <shardis/persist/aof_format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace {

using shardis::persist::AofRecord;
using shardis::persist::AofSegmentHeader;
using shardis::persist::AofSegmentReader;

bool read_file(const char* path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

bool truncate_at(const char* path, size_t size) {
  const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::ftruncate(fd, static_cast<off_t>(size)) == 0 && ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

// 0 valid, 1 invalid (not fixed), 2 I/O error.
int check(const char* path, bool print, bool fix) {
  std::string data;
  if (!read_file(path, &data)) {
    std::fprintf(stderr, "%s: cannot read: %s\n", path, std::strerror(errno));
    return 2;
  }
  AofSegmentReader r(data);
  AofSegmentHeader h;
  if (!r.read_header(&h)) {
    std::printf("%s: %s\n", path, r.error().c_str());
    return 1;
  }
  std::printf("%s: Shardis AOF segment version %u, shard %u of %u, sequence %llu\n", path,
              h.version, h.shard, h.shards, static_cast<unsigned long long>(h.sequence));
  AofRecord rec;
  size_t records = 0;
  size_t commands = 0;
  AofSegmentReader::Next next;
  while ((next = r.next(&rec)) == AofSegmentReader::Next::kRecord) {
    ++records;
    commands += rec.commands.size();
    if (!print) continue;
    for (const auto& c : rec.commands) {
      std::printf("%zu db %d", rec.offset, c.db);
      if (rec.txn_id != 0) {
        std::printf(" txn %llu/%u", static_cast<unsigned long long>(rec.txn_id),
                    static_cast<unsigned>(rec.participants));
      }
      std::printf(" %s\n", shardis::persist::format_aof_command(c).c_str());
    }
  }
  std::printf("%s: %zu valid records, %zu commands, %zu bytes\n", path, records, commands,
              r.offset());
  if (next == AofSegmentReader::Next::kEnd) {
    std::printf("%s: OK\n", path);
    return 0;
  }
  const bool torn = next == AofSegmentReader::Next::kTornTail;
  std::printf("%s: %s: %s\n", path, torn ? "torn tail" : "CORRUPT", r.error().c_str());
  if (!fix) {
    std::printf("%s: run with --fix to truncate it to its %zu valid bytes\n", path, r.offset());
    return 1;
  }
  if (!truncate_at(path, r.offset())) {
    std::fprintf(stderr, "%s: cannot truncate: %s\n", path, std::strerror(errno));
    return 2;
  }
  std::printf("%s: truncated to %zu bytes (%zu dropped)\n", path, r.offset(),
              data.size() - r.offset());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool print = false;
  bool fix = false;
  std::vector<const char*> files;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--print") {
      print = true;
    } else if (a == "--fix") {
      fix = true;
    } else if (a == "--help" || a == "-h" || a.starts_with("--")) {
      std::fprintf(a.starts_with("--h") || a == "-h" ? stdout : stderr,
                   "usage: shardis-aof-check [--print] [--fix] SEGMENT...\n");
      return a == "--help" || a == "-h" ? 0 : 2;
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: shardis-aof-check [--print] [--fix] SEGMENT...\n");
    return 2;
  }
  int status = 0;
  for (const char* f : files) status = std::max(status, check(f, print, fix));
  return status;
}
