// SetObject and SetMember: see set_object.h for the contract.
#include <malloc.h>
#include <shardis/base/number_format.h>
#include <shardis/core/set_object.h>
#include <xxhash.h>

#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <optional>
#include <random>
#include <stdexcept>
#include <utility>

namespace shardis::core {
namespace {

// Drawn once per process, so that which members collide cannot be worked out in advance.
uint64_t member_seed() {
  static const uint64_t seed = [] {
    std::random_device rd;
    return (uint64_t{rd()} << 32) ^ rd();
  }();
  return seed;
}

}  // namespace

// ---- SetMember ----

SetMember* SetMember::create(std::string_view bytes) {
  if (bytes.size() > std::numeric_limits<uint32_t>::max()) {
    throw std::length_error("set member too long");
  }
  void* p = std::malloc(sizeof(SetMember) + bytes.size());
  if (p == nullptr) throw std::bad_alloc();
  auto* m = new (p) SetMember();
  m->len_ = static_cast<uint32_t>(bytes.size());
  if (!bytes.empty()) std::memcpy(m->data(), bytes.data(), bytes.size());
  return m;
}

void SetMember::destroy(SetMember* m) {
  if (m == nullptr) return;
  m->~SetMember();
  std::free(m);
}

size_t SetMember::alloc_bytes() const {
  return malloc_usable_size(const_cast<SetMember*>(this));
}

uint64_t SetMemberTraits::hash(std::string_view member) {
  return XXH3_64bits_withSeed(member.data(), member.size(), member_seed());
}

// ---- SetObject ----

SetObject::~SetObject() {
  destroy_table();
}

SetObject::SetObject(const SetObject& other) : ints_(other.ints_) {
  if (!other.table_) return;
  table_ = std::make_unique<Table>();
  try {
    other.table_->for_each([&](SetMember* m) {
      SetMember* copy = SetMember::create(m->view());
      table_->insert(copy, SetMemberTraits::hash(copy->view()));
      member_bytes_ += copy->alloc_bytes();
    });
  } catch (...) {
    destroy_table();
    throw;
  }
}

SetObject::SetObject(SetObject&& other) noexcept
    : ints_(std::move(other.ints_)),
      table_(std::move(other.table_)),
      member_bytes_(std::exchange(other.member_bytes_, 0)) {}

SetObject& SetObject::operator=(SetObject&& other) noexcept {
  if (this != &other) {
    destroy_table();
    ints_ = std::move(other.ints_);
    table_ = std::move(other.table_);
    member_bytes_ = std::exchange(other.member_bytes_, 0);
  }
  return *this;
}

void SetObject::destroy_table() {
  if (!table_) return;
  table_->clear([](SetMember* m) { SetMember::destroy(m); });
  table_.reset();
  member_bytes_ = 0;
}

const char* SetObject::encoding_name() const {
  return table_ ? "hashtable" : "intset";
}

size_t SetObject::format_int(int64_t v, char* buf) {
  return base::format_int64(v, buf);
}

SetMember* SetObject::find_member(std::string_view member) const {
  SetMember** slot = table_->find(member, SetMemberTraits::hash(member));
  return slot ? *slot : nullptr;
}

void SetObject::convert_to_hashtable() {
  if (table_) return;
  auto table = std::make_unique<Table>();
  size_t bytes = 0;
  try {
    for (int64_t v : ints_) {
      char buf[24];
      SetMember* m = SetMember::create(std::string_view(buf, format_int(v, buf)));
      table->insert(m, SetMemberTraits::hash(m->view()));
      bytes += m->alloc_bytes();
    }
  } catch (...) {
    table->clear([](SetMember* m) { SetMember::destroy(m); });
    throw;
  }
  table_ = std::move(table);
  member_bytes_ = bytes;
  ints_.clear();
}

bool SetObject::add(std::string_view member) {
  if (!table_) {
    std::optional<int64_t> v = base::parse_int64(member);
    if (v) {
      if (ints_.contains(*v)) return false;
      if (ints_.size() < kMaxIntsetEntries) return ints_.add(*v);
    }
    convert_to_hashtable();
  }
  const uint64_t h = SetMemberTraits::hash(member);
  if (table_->find(member, h) != nullptr) return false;
  SetMember* m = SetMember::create(member);
  table_->insert(m, h);
  member_bytes_ += m->alloc_bytes();
  return true;
}

bool SetObject::remove(std::string_view member) {
  if (!table_) {
    std::optional<int64_t> v = base::parse_int64(member);
    return v && ints_.remove(*v);
  }
  SetMember* m = table_->erase(member, SetMemberTraits::hash(member));
  if (m == nullptr) return false;
  member_bytes_ -= m->alloc_bytes();
  SetMember::destroy(m);
  return true;
}

bool SetObject::contains(std::string_view member) const {
  if (!table_) {
    std::optional<int64_t> v = base::parse_int64(member);
    return v && ints_.contains(*v);
  }
  return find_member(member) != nullptr;
}

std::string SetObject::random_member(uint64_t rnd) const {
  if (!table_) return base::int64_to_string(ints_.random(rnd));
  return std::string(table_->random(rnd)->view());
}

std::string SetObject::pop_random(uint64_t rnd) {
  std::string out = random_member(rnd);
  remove(out);
  return out;
}

size_t SetObject::bytes() const {
  size_t n = sizeof(SetObject) + ints_.bytes();
  if (table_) n += sizeof(Table) + table_->bucket_bytes() + member_bytes_;
  return n;
}

}  // namespace shardis::core
