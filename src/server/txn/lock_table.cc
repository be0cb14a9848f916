#include <shardis/server/db_key.h>
#include <shardis/server/txn/lock_table.h>

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstring>

namespace shardis::server {

namespace {

// kCompat[a][b]: a request in mode a may join holders in mode b (IS, IX, S, X).
constexpr bool kCompat[4][4] = {
    {true, true, true, false},
    {true, true, false, false},
    {true, false, true, false},
    {false, false, false, false},
};

size_t idx(LockMode m) {
  return static_cast<size_t>(m);
}

}  // namespace

LockTable::LockTable() = default;
LockTable::~LockTable() = default;

bool LockTable::compatible(const Resource& res, LockMode mode) {
  for (size_t m = 0; m < 4; ++m) {
    if (res.held[m] != 0 && !kCompat[idx(mode)][m]) return false;
  }
  return true;
}

std::string_view LockTable::name_of(int db, std::string_view key) const {
  db_key_into(scratch_name_, db, key);
  return scratch_name_;
}

const LockTable::Resource* LockTable::find(int db, std::string_view key) const {
  if (keys_.empty()) return nullptr;
  auto it = keys_.find(name_of(db, key));
  return it == keys_.end() ? nullptr : &it->second;
}

bool LockTable::must_wait(uint64_t client, const std::vector<LockItem>& items,
                          LockScope scope) const {
  if (idle()) return false;
  if (client != 0 && client_queue_.count(client) != 0) return true;
  LockMode shard_mode = LockMode::kIS;
  if (scope == LockScope::kShardRead) {
    shard_mode = LockMode::kS;
  } else if (scope == LockScope::kShardWrite) {
    shard_mode = LockMode::kX;
  } else {
    for (const LockItem& it : items) {
      if (it.write) shard_mode = LockMode::kIX;
    }
  }
  if (!shard_.queue.empty() || !compatible(shard_, shard_mode)) return true;
  for (const LockItem& it : items) {
    const Resource* res = find(it.db, it.key);
    if (res == nullptr) continue;
    if (!res->queue.empty() || !compatible(*res, it.write ? LockMode::kX : LockMode::kS)) {
      return true;
    }
  }
  return false;
}

void LockTable::build_taken(LockRequest& r) {
  r.taken_.clear();
  LockMode shard_mode = LockMode::kIS;
  if (r.scope == LockScope::kShardRead) {
    shard_mode = LockMode::kS;
  } else if (r.scope == LockScope::kShardWrite) {
    shard_mode = LockMode::kX;
  } else {
    for (const LockItem& it : r.items) {
      if (it.write) shard_mode = LockMode::kIX;
    }
  }
  r.taken_.reserve(r.items.size() + 1);
  r.taken_.push_back({&shard_, nullptr, shard_mode});
  size_t first_key = r.taken_.size();
  for (const LockItem& it : r.items) {
    std::string_view name = name_of(it.db, it.key);
    auto pos = keys_.find(name);
    if (pos == keys_.end() && !spare_.empty()) {
      KeyMap::node_type node = std::move(spare_.back());
      spare_.pop_back();
      node.key().assign(name);
      node.mapped() = Resource{};
      pos = keys_.insert(std::move(node)).position;
    } else if (pos == keys_.end()) {
      pos = keys_.emplace(std::string(name), Resource{}).first;
    }
    r.taken_.push_back({&pos->second, &pos->first, it.write ? LockMode::kX : LockMode::kS});
  }
  // One entry per resource, in the strongest mode asked for it.
  auto begin = r.taken_.begin() + static_cast<ptrdiff_t>(first_key);
  std::sort(begin, r.taken_.end(), [](const LockRequest::Taken& a, const LockRequest::Taken& b) {
    return a.res != b.res ? a.res < b.res : idx(a.mode) > idx(b.mode);
  });
  auto last = std::unique(
      begin, r.taken_.end(),
      [](const LockRequest::Taken& a, const LockRequest::Taken& b) { return a.res == b.res; });
  r.taken_.erase(last, r.taken_.end());
}

bool LockTable::acquire(LockRequest& r) {
  assert(r.state_ == LockRequest::State::kIdle);
  if (r.client != 0) {
    auto it = client_queue_.find(r.client);
    if (it != client_queue_.end()) {
      r.state_ = LockRequest::State::kParked;
      it->second.push_back(&r);
      ++waiting_requests_;
      return false;
    }
  }
  build_taken(r);
  return try_take(r, false);
}

bool LockTable::try_take(LockRequest& r, bool in_client_queue) {
  uint32_t missing = 0;
  for (const LockRequest::Taken& t : r.taken_) {
    auto* res = static_cast<Resource*>(t.res);
    if (res->queue.empty() && compatible(*res, t.mode)) {
      ++res->held[idx(t.mode)];
    } else {
      res->queue.push_back({&r, t.mode});
      ++missing;
    }
  }
  if (missing == 0) {
    if (in_client_queue) --waiting_requests_;
    r.state_ = LockRequest::State::kGranted;
    ++held_requests_;
    return true;
  }
  r.missing_ = missing;
  if (!in_client_queue) {
    ++waiting_requests_;
    if (r.client != 0) client_queue_[r.client].push_back(&r);
  }
  r.state_ = LockRequest::State::kWaiting;
  return false;
}

void LockTable::grant_from(Resource& res) {
  while (!res.queue.empty()) {
    Waiter w = res.queue.front();
    if (!compatible(res, w.mode)) return;
    res.queue.pop_front();
    ++res.held[idx(w.mode)];
    if (--w.req->missing_ == 0) on_fully_granted(*w.req);
  }
}

void LockTable::on_fully_granted(LockRequest& r) {
  r.state_ = LockRequest::State::kGranted;
  --waiting_requests_;
  ++held_requests_;
  granted_.push_back(&r);
  if (r.client == 0) return;
  auto it = client_queue_.find(r.client);
  assert(it != client_queue_.end() && it->second.front() == &r);
  it->second.pop_front();
  submit_next_parked(r.client);
}

void LockTable::submit_next_parked(uint64_t client) {
  auto it = client_queue_.find(client);
  while (it != client_queue_.end() && !it->second.empty()) {
    LockRequest* next = it->second.front();
    if (next->state_ != LockRequest::State::kParked) return;  // already waiting
    build_taken(*next);
    if (!try_take(*next, true)) return;
    // Granted at once: it still counts as granted later, for its issuer.
    granted_.push_back(next);
    it->second.pop_front();
  }
  if (it != client_queue_.end()) client_queue_.erase(it);
}

void LockTable::drop_idle(LockRequest& r) {
  for (const LockRequest::Taken& t : r.taken_) {
    auto* res = static_cast<Resource*>(t.res);
    if (t.name == nullptr || !res->idle()) continue;
    auto pos = keys_.find(*t.name);
    if (spare_.size() < kSpareNodes) {
      spare_.push_back(keys_.extract(pos));
    } else {
      keys_.erase(pos);
    }
  }
  r.taken_.clear();
}

void LockTable::release(LockRequest& r) {
  switch (r.state_) {
    case LockRequest::State::kIdle:
      return;
    case LockRequest::State::kParked: {
      auto it = client_queue_.find(r.client);
      std::erase(it->second, &r);
      if (it->second.empty()) client_queue_.erase(it);
      --waiting_requests_;
      break;
    }
    case LockRequest::State::kGranted:
      for (const LockRequest::Taken& t : r.taken_)
        --static_cast<Resource*>(t.res)->held[idx(t.mode)];
      --held_requests_;
      for (const LockRequest::Taken& t : r.taken_) grant_from(*static_cast<Resource*>(t.res));
      drop_idle(r);
      break;
    case LockRequest::State::kWaiting: {
      for (const LockRequest::Taken& t : r.taken_) {
        auto* res = static_cast<Resource*>(t.res);
        if (!res->queue.erase_first_if([&r](const Waiter& w) { return w.req == &r; })) {
          --res->held[idx(t.mode)];
        }
      }
      --waiting_requests_;
      for (const LockRequest::Taken& t : r.taken_) grant_from(*static_cast<Resource*>(t.res));
      drop_idle(r);
      if (r.client != 0) {
        auto it = client_queue_.find(r.client);
        if (it != client_queue_.end()) {
          std::erase(it->second, &r);
          submit_next_parked(r.client);
        }
      }
      break;
    }
  }
  r.state_ = LockRequest::State::kIdle;
}

void LockTable::run_granted() {
  while (!granted_.empty()) {
    std::vector<LockRequest*> now;
    now.swap(granted_);
    for (LockRequest* r : now) r->on_granted();
  }
}

}  // namespace shardis::server
