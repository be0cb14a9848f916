#pragma once
// File helpers of the persistence code: buffered output with a running CRC-64, whole files
// mapped read-only, atomic publication (fsync of a directory), and error texts naming the file.
//
// Thread: plain objects, used by one thread at a time.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shardis::server {

// dir/name (name as is when it is absolute or dir is empty).
std::string join_path(const std::string& dir, const std::string& name);
// "<what> <path>: <strerror(errno)>".
std::string errno_text(const std::string& what, const std::string& path);
// fsync of a directory, so that renames and creations in it are durable.
bool fsync_dir(const std::string& dir, std::string* error);
// Writes text to path (created or truncated) and fsyncs it.
bool write_text_file(const std::string& path, const std::string& text, std::string* error);
// Replaces path with text atomically: a temporary file (path + ".tmp") written and fsynced,
// renamed over path, then dir (path's directory) fsynced.
bool replace_text_file(const std::string& dir, const std::string& path, const std::string& text,
                       std::string* error);
// The lines of a manifest-like text file after its first line, which must be `magic` (`what`
// names the kind of file in the error). false with *missing when the file does not exist, or
// with *error when its first line is not magic.
bool read_text_lines(const std::string& path, std::string_view magic, const char* what,
                     std::vector<std::string>* lines, bool* missing, std::string* error);

// A file written through a buffer, with the CRC-64 of everything written so far.
class FileSink {
 public:
  static constexpr size_t kFlushBytes = 1 << 20;  // write out the buffer past this

  FileSink() = default;
  ~FileSink();
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  bool open(const std::string& path, std::string* error);
  std::string& buffer() { return buf_; }
  uint64_t crc() const { return crc_; }
  // Writes out the buffer (when it is over kFlushBytes, unless force).
  bool flush(bool force, std::string* error);
  // Flushes, fsyncs and closes.
  bool finish(std::string* error);
  // Starts the kernel's write-back of what was written so far, without waiting, so that the
  // final fsync finds little left to do.
  void start_writeback();

 private:
  std::string path_;
  int fd_ = -1;
  std::string buf_;
  uint64_t crc_ = 0;
};

// The whole file in memory, read-only (mapped).
class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  // false with errno set; a missing file sets ENOENT.
  bool open(const std::string& path);
  std::string_view view() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace shardis::server
