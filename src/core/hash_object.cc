// HashObject and HashNode: see hash_object.h for the contract.
#include <malloc.h>
#include <shardis/base/number_format.h>
#include <shardis/core/hash_object.h>
#include <xxhash.h>

#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <random>
#include <stdexcept>

namespace shardis::core {
namespace {

// Fields are hashed with a seed drawn once per process, so that which fields collide cannot be
// worked out in advance from the source alone.
uint64_t field_seed() {
  static const uint64_t seed = [] {
    std::random_device rd;
    return (uint64_t{rd()} << 32) ^ rd();
  }();
  return seed;
}

void* checked_malloc(size_t n) {
  void* p = std::malloc(n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

uint32_t checked_len(size_t n) {
  if (n > std::numeric_limits<uint32_t>::max()) throw std::length_error("hash field too long");
  return static_cast<uint32_t>(n);
}

}  // namespace

// ---- HashNode ----

uint64_t HashNodeTraits::hash(std::string_view field) {
  return XXH3_64bits_withSeed(field.data(), field.size(), field_seed());
}

HashNode* HashNode::create(std::string_view field, std::string_view value) {
  const uint32_t flen = checked_len(field.size());
  const uint32_t vlen = checked_len(value.size());
  auto* n = new (checked_malloc(need(flen, vlen))) HashNode();
  n->field_len_ = flen;
  n->value_len_ = vlen;
  if (flen != 0) std::memcpy(n->bytes(), field.data(), flen);
  if (vlen != 0) std::memcpy(n->bytes() + flen, value.data(), vlen);
  return n;
}

void HashNode::destroy(HashNode* n) {
  if (n == nullptr) return;
  n->~HashNode();
  std::free(n);
}

HashNode* HashNode::clone(const HashNode* n) {
  return create(n->field(), n->value());
}

size_t HashNode::alloc_bytes() const {
  return malloc_usable_size(const_cast<HashNode*>(this));
}

HashNode* HashNode::set_value(HashNode* n, std::string_view v) {
  const uint32_t vlen = checked_len(v.size());
  const size_t want = need(n->field_len_, vlen);
  const size_t have = n->alloc_bytes();
  // In place when it fits, unless most of the block would then be slack.
  const bool wasteful = have > 2 * want && have - want > 64;
  if (want <= have && !wasteful) {
    if (vlen != 0) std::memmove(n->bytes() + n->field_len_, v.data(), vlen);
    n->value_len_ = vlen;
    return n;
  }
  HashNode* m = create(n->field(), v);  // v may view n's bytes: copy before freeing n
  destroy(n);
  return m;
}

// ---- HashObject ----

HashObject::~HashObject() {
  free_nodes();
}

HashObject::HashObject(HashObject&& other) noexcept
    : lp_(std::move(other.lp_)),
      table_(std::move(other.table_)),
      node_bytes_(std::exchange(other.node_bytes_, 0)) {}

HashObject& HashObject::operator=(HashObject&& other) noexcept {
  if (this != &other) {
    free_nodes();
    lp_ = std::move(other.lp_);
    table_ = std::move(other.table_);
    node_bytes_ = std::exchange(other.node_bytes_, 0);
  }
  return *this;
}

void HashObject::free_nodes() {
  if (table_) table_->clear([](HashNode* n) { HashNode::destroy(n); });
  table_.reset();
  node_bytes_ = 0;
}

HashObject HashObject::clone() const {
  HashObject out;
  if (!table_) {
    out.lp_ = lp_.clone();
    return out;
  }
  out.table_ = std::make_unique<Table>();
  table_->for_each([&](HashNode* n) {
    HashNode* copy = HashNode::clone(n);
    out.node_bytes_ += copy->alloc_bytes();
    out.table_->insert(copy, HashNodeTraits::hash(copy->field()));
  });
  return out;
}

size_t HashObject::bytes() const {
  size_t n = sizeof(HashObject) + lp_.bytes();
  if (table_) n += sizeof(Table) + table_->bucket_bytes() + node_bytes_;
  return n;
}

std::string_view HashObject::lp_text(const LpValue& v, Scratch& scratch) {
  if (!v.is_int) return v.s;
  return {scratch.data(), base::format_int64(v.i, scratch.data())};
}

std::vector<Listpack::Pos> HashObject::lp_field_positions() const {
  std::vector<Listpack::Pos> out;
  out.reserve(lp_.size() / 2);
  for (Listpack::Pos p = lp_.first(); p != Listpack::kNone; p = lp_.next(lp_.next(p))) {
    out.push_back(p);
  }
  return out;
}

bool HashObject::contains(std::string_view field) const {
  if (table_) return table_->find(field, HashNodeTraits::hash(field)) != nullptr;
  return lp_find(field) != Listpack::kNone;
}

std::optional<std::string_view> HashObject::get(std::string_view field, Scratch& scratch) const {
  if (table_) {
    HashNode** slot = table_->find(field, HashNodeTraits::hash(field));
    if (slot == nullptr) return std::nullopt;
    return (*slot)->value();
  }
  const Listpack::Pos p = lp_find(field);
  if (p == Listpack::kNone) return std::nullopt;
  return lp_text(lp_.value_at(lp_.next(p)), scratch);
}

size_t HashObject::value_len(std::string_view field) const {
  Scratch scratch;
  std::optional<std::string_view> v = get(field, scratch);
  return v ? v->size() : 0;
}

bool HashObject::set(std::string_view field, std::string_view value) {
  if (!table_ && (field.size() > kMaxListpackValue || value.size() > kMaxListpackValue)) {
    convert_to_hashtable();
  }
  if (!table_) {
    const Listpack::Pos p = lp_find(field);
    if (p != Listpack::kNone) {
      lp_.replace_at(lp_.next(p), value);
      return false;
    }
    lp_.push_back(field);
    lp_.push_back(value);
    if (size() > kMaxListpackEntries) convert_to_hashtable();
    return true;
  }
  const uint64_t h = HashNodeTraits::hash(field);
  HashNode** slot = table_->find(field, h);
  if (slot != nullptr) {
    node_bytes_ -= (*slot)->alloc_bytes();
    *slot = HashNode::set_value(*slot, value);  // same field, same hash: the slot stays right
    node_bytes_ += (*slot)->alloc_bytes();
    return false;
  }
  HashNode* n = HashNode::create(field, value);
  try {
    table_->insert(n, h);
  } catch (...) {
    HashNode::destroy(n);
    throw;
  }
  node_bytes_ += n->alloc_bytes();
  return true;
}

bool HashObject::erase(std::string_view field) {
  if (table_) {
    HashNode* n = table_->erase(field, HashNodeTraits::hash(field));
    if (n == nullptr) return false;
    node_bytes_ -= n->alloc_bytes();
    HashNode::destroy(n);
    return true;
  }
  const Listpack::Pos p = lp_find(field);
  if (p == Listpack::kNone) return false;
  lp_.erase_at(lp_.erase_at(p));  // the field, then its value that moved up to p
  return true;
}

void HashObject::convert_to_hashtable() {
  if (table_) return;
  auto table = std::make_unique<Table>();
  size_t node_bytes = 0;
  try {
    for_each([&](std::string_view f, std::string_view v) {
      HashNode* n = HashNode::create(f, v);
      node_bytes += n->alloc_bytes();
      try {
        table->insert(n, HashNodeTraits::hash(f));
      } catch (...) {
        HashNode::destroy(n);
        throw;
      }
    });
  } catch (...) {
    table->clear([](HashNode* n) { HashNode::destroy(n); });
    throw;
  }
  table_ = std::move(table);
  node_bytes_ = node_bytes;
  lp_.clear();
  lp_.shrink_to_fit();
}

}  // namespace shardis::core
