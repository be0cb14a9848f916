#include <fcntl.h>
#include <shardis/base/crc.h>
#include <shardis/server/persist/file_util.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace shardis::server {

std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty() || name.starts_with('/')) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

bool fsync_dir(const std::string& dir, std::string* error) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    *error = errno_text("cannot open directory", dir);
    return false;
  }
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) *error = errno_text("cannot fsync directory", dir);
  return rc == 0;
}

bool write_text_file(const std::string& path, const std::string& text, std::string* error) {
  FileSink sink;
  if (!sink.open(path, error)) return false;
  sink.buffer() = text;
  return sink.finish(error);
}

bool replace_text_file(const std::string& dir, const std::string& path, const std::string& text,
                       std::string* error) {
  const std::string tmp = path + ".tmp";
  if (!write_text_file(tmp, text, error)) return false;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    *error = errno_text("cannot rename " + tmp + " to", path);
    return false;
  }
  return fsync_dir(dir, error);
}

bool read_text_lines(const std::string& path, std::string_view magic, const char* what,
                     std::vector<std::string>* lines, bool* missing, std::string* error) {
  std::ifstream in(path);
  *missing = !in.is_open();
  if (*missing) return false;
  std::string line;
  if (!std::getline(in, line) || line != magic) {
    *error =
        path + ": not a Shardis " + what + " (first line must be \"" + std::string(magic) + "\")";
    return false;
  }
  while (std::getline(in, line)) lines->push_back(line);
  return true;
}

FileSink::~FileSink() {
  if (fd_ >= 0) ::close(fd_);
}

bool FileSink::open(const std::string& path, std::string* error) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) *error = errno_text("cannot create", path);
  return fd_ >= 0;
}

bool FileSink::flush(bool force, std::string* error) {
  if (buf_.empty() || (!force && buf_.size() < kFlushBytes)) return true;
  crc_ = base::crc64(crc_, buf_);
  size_t off = 0;
  while (off < buf_.size()) {
    ssize_t n = ::write(fd_, buf_.data() + off, buf_.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = errno_text("cannot write", path_);
      return false;
    }
    off += static_cast<size_t>(n);
  }
  buf_.clear();
  return true;
}

bool FileSink::finish(std::string* error) {
  if (!flush(true, error)) return false;
  if (::fsync(fd_) != 0) {
    *error = errno_text("cannot fsync", path_);
    return false;
  }
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    *error = errno_text("cannot close", path_);
    return false;
  }
  return true;
}

void FileSink::start_writeback() {
  if (fd_ >= 0) ::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

bool MappedFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return false;
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ > 0) {
    data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data_ == MAP_FAILED) {
      data_ = nullptr;
      ::close(fd);
      return false;
    }
    ::madvise(data_, size_, MADV_SEQUENTIAL);
  }
  ::close(fd);
  return true;
}

}  // namespace shardis::server
