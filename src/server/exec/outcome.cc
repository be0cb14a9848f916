#include <shardis/server/exec/outcome.h>

#include <algorithm>
#include <cstring>

namespace shardis::server {

namespace {
constexpr size_t kFirstBlock = 512;
}  // namespace

void Outcome::clear() {
  dirty_ = 0;
  blocked_ = false;
  in_part_ = false;
  part_ = {};
  prop_mode_ = PropMode::kVerbatim;
  changes_.clear();
  events_.clear();
  flushed_.clear();
  prop_args_.clear();
  prop_starts_.clear();
  // Keep the first block only: one large command must not pin memory for every later one.
  if (blocks_.size() > 1) blocks_.resize(1);
  block_size_ = first_block_size_;
  block_used_ = 0;
}

std::string_view Outcome::keep(std::string_view s) {
  if (s.empty()) return {};
  if (blocks_.empty() || block_size_ - block_used_ < s.size()) {
    size_t size = blocks_.empty() ? kFirstBlock : std::max(block_size_ * 2, s.size());
    size = std::max(size, s.size());
    if (blocks_.empty()) first_block_size_ = size;
    blocks_.push_back(std::make_unique<char[]>(size));
    block_size_ = size;
    block_used_ = 0;
  }
  char* dst = blocks_.back().get() + block_used_;
  std::memcpy(dst, s.data(), s.size());
  block_used_ += s.size();
  return {dst, s.size()};
}

void Outcome::changed(int db, uint32_t cls, std::string_view event, std::string_view key,
                      uint64_t dirty) {
  dirty_ += dirty;
  changes_.push_back({db, cls, keep(key), keep(event)});
}

void Outcome::event(int db, uint32_t cls, std::string_view event, std::string_view key) {
  events_.push_back({db, cls, keep(key), keep(event)});
}

void Outcome::flushed(int db, uint64_t dirty, int swapped_with) {
  if (flush_listener_ != nullptr) flush_listener_->before_flush(db, swapped_with);
  dirty_ += dirty;
  flushed_.push_back(db);
}

void Outcome::propagate(std::span<const std::string_view> argv) {
  prop_mode_ = PropMode::kRewritten;
  prop_starts_.push_back(prop_args_.size());
  for (std::string_view a : argv) prop_args_.push_back(keep(a));
}

void Outcome::propagate(std::initializer_list<std::string_view> argv) {
  propagate(std::span<const std::string_view>(argv.begin(), argv.size()));
}

std::vector<std::string_view> Outcome::rewritten(size_t i) const {
  size_t begin = prop_starts_[i];
  size_t end = i + 1 < prop_starts_.size() ? prop_starts_[i + 1] : prop_args_.size();
  return {prop_args_.begin() + static_cast<ptrdiff_t>(begin),
          prop_args_.begin() + static_cast<ptrdiff_t>(end)};
}

}  // namespace shardis::server
