#include <shardis/base/glob.h>
#include <shardis/proto/reply_builder.h>
#include <shardis/server/pubsub/pubsub.h>
#include <shardis/server/shard_core.h>

#include <algorithm>
#include <string>

namespace shardis::server {

namespace {

struct Flag {
  char letter;
  uint32_t bits;
};
constexpr Flag kFlags[] = {
    {'A', kNotifyAll},     {'g', kNotifyGeneric},  {'$', kNotifyString},   {'l', kNotifyList},
    {'s', kNotifySet},     {'h', kNotifyHash},     {'z', kNotifyZset},     {'x', kNotifyExpired},
    {'e', kNotifyEvicted}, {'K', kNotifyKeyspace}, {'E', kNotifyKeyevent}, {'t', kNotifyStream},
    {'m', kNotifyKeyMiss}, {'d', kNotifyModule},   {'n', kNotifyNew},
};

// A published message as a subscriber sees it, in one protocol.
std::string message_bytes(int resp, std::string_view kind, std::string_view pattern,
                          std::string_view channel, std::string_view message) {
  proto::ReplyBuffer out;
  proto::ReplyBuilder rb(out, resp);
  rb.push(pattern.empty() ? 3 : 4);
  rb.bulk(kind);
  if (!pattern.empty()) rb.bulk(pattern);
  rb.bulk(channel);
  rb.bulk(message);
  return out.to_string();
}

// A keyspace event published on another shard: delivered to the subscribers there.
struct EventMessage final : PushMessage {
  std::string channel;
  std::string message;
  void apply(ShardCore& core) override { core.pubsub().publish(channel, message, false); }
};

void add_id(std::unordered_map<std::string, std::vector<uint64_t>>& map, std::string_view name,
            uint64_t id) {
  map[std::string(name)].push_back(id);
}

void remove_id(std::unordered_map<std::string, std::vector<uint64_t>>& map, std::string_view name,
               uint64_t id) {
  auto it = map.find(std::string(name));
  if (it == map.end()) return;
  std::erase(it->second, id);
  if (it->second.empty()) map.erase(it);
}

}  // namespace

uint32_t notify_flags_from_string(std::string_view s, bool* ok) {
  uint32_t flags = 0;
  for (char c : s) {
    const Flag* f = std::find_if(std::begin(kFlags), std::end(kFlags),
                                 [c](const Flag& x) { return x.letter == c; });
    if (f == std::end(kFlags)) {
      *ok = false;
      return 0;
    }
    flags |= f->bits;
  }
  *ok = true;
  return flags;
}

std::string notify_flags_to_string(uint32_t flags) {
  std::string s;
  if ((flags & kNotifyAll) == kNotifyAll) {
    s.push_back('A');
  } else {
    for (const Flag& f : kFlags) {
      if (f.letter == 'A' || f.letter == 'K' || f.letter == 'E' || f.letter == 'm') continue;
      if ((flags & f.bits) != 0) s.push_back(f.letter);
    }
  }
  if ((flags & kNotifyKeyspace) != 0) s.push_back('K');
  if ((flags & kNotifyKeyevent) != 0) s.push_back('E');
  if ((flags & kNotifyKeyMiss) != 0) s.push_back('m');
  return s;
}

PubSub::PubSub(ShardCore& core) : core_(core) {}

bool PubSub::subscribe(Connection& c, std::string_view channel, bool sharded) {
  if (!c.subs) c.subs = std::make_unique<Subscriptions>();
  auto& mine = sharded ? c.subs->shard_channels : c.subs->channels;
  if (!mine.insert(std::string(channel)).second) return false;
  add_id(sharded ? shard_channels_ : channels_, channel, c.client.id);
  c.client.pubsub = static_cast<uint32_t>(c.subs->total());
  return true;
}

bool PubSub::unsubscribe(Connection& c, std::string_view channel, bool sharded) {
  if (!c.subs) return false;
  auto& mine = sharded ? c.subs->shard_channels : c.subs->channels;
  if (mine.erase(std::string(channel)) == 0) return false;
  remove_id(sharded ? shard_channels_ : channels_, channel, c.client.id);
  c.client.pubsub = static_cast<uint32_t>(c.subs->total());
  return true;
}

bool PubSub::psubscribe(Connection& c, std::string_view pattern) {
  if (!c.subs) c.subs = std::make_unique<Subscriptions>();
  auto& mine = c.subs->patterns;
  if (std::find(mine.begin(), mine.end(), pattern) != mine.end()) return false;
  mine.emplace_back(pattern);
  add_id(patterns_, pattern, c.client.id);
  c.client.pubsub = static_cast<uint32_t>(c.subs->total());
  return true;
}

bool PubSub::punsubscribe(Connection& c, std::string_view pattern) {
  if (!c.subs) return false;
  auto& mine = c.subs->patterns;
  auto it = std::find(mine.begin(), mine.end(), pattern);
  if (it == mine.end()) return false;
  mine.erase(it);
  remove_id(patterns_, pattern, c.client.id);
  c.client.pubsub = static_cast<uint32_t>(c.subs->total());
  return true;
}

void PubSub::forget(Connection& c) {
  if (!c.subs) return;
  for (const std::string& ch : c.subs->channels) remove_id(channels_, ch, c.client.id);
  for (const std::string& ch : c.subs->shard_channels) remove_id(shard_channels_, ch, c.client.id);
  for (const std::string& p : c.subs->patterns) remove_id(patterns_, p, c.client.id);
  c.subs.reset();
  c.client.pubsub = 0;
}

void PubSub::deliver(uint64_t client, std::string_view bytes2, std::string_view bytes3) {
  Connection* c = core_.client(client);
  if (c == nullptr || c->closed) return;
  c->push(c->client.resp >= 3 ? bytes3 : bytes2);
  // Redis's client-output-buffer-limit pubsub 32mb 8mb 60.
  size_t unsent = c->out.size();
  for (const ReplySlot& s : c->pending) unsent += s.buf.size();
  int64_t now = core_.store().clock().now_ms();
  bool cut = unsent > kHardLimit;
  if (!cut && unsent > kSoftLimit) {
    if (c->soft_limit_since_ms == 0) c->soft_limit_since_ms = now;
    cut = now - c->soft_limit_since_ms >= kSoftSeconds * 1000;
  } else if (unsent <= kSoftLimit) {
    c->soft_limit_since_ms = 0;
  }
  if (cut) {
    core_.close_client(*c, "pubsub output buffer limit reached");
    return;
  }
  core_.on_output(*c);
}

int64_t PubSub::publish(std::string_view channel, std::string_view message, bool sharded) {
  int64_t receivers = 0;
  auto& map = sharded ? shard_channels_ : channels_;
  auto it = map.find(std::string(channel));
  if (it != map.end()) {
    std::string_view kind = sharded ? "smessage" : "message";
    std::string b2 = message_bytes(2, kind, {}, channel, message);
    std::string b3 = message_bytes(3, kind, {}, channel, message);
    // A copy: a delivery may disconnect a subscriber, which edits the list.
    std::vector<uint64_t> ids = it->second;
    for (uint64_t id : ids) deliver(id, b2, b3);
    receivers += static_cast<int64_t>(ids.size());
  }
  if (sharded || patterns_.empty()) return receivers;
  std::vector<std::pair<std::string, std::vector<uint64_t>>> matched;
  for (const auto& [pattern, ids] : patterns_) {
    if (base::glob_match(pattern, channel)) matched.emplace_back(pattern, ids);
  }
  for (const auto& [pattern, ids] : matched) {
    std::string b2 = message_bytes(2, "pmessage", pattern, channel, message);
    std::string b3 = message_bytes(3, "pmessage", pattern, channel, message);
    for (uint64_t id : ids) deliver(id, b2, b3);
    receivers += static_cast<int64_t>(ids.size());
  }
  return receivers;
}

void PubSub::channels(std::string_view pattern, bool all, bool sharded,
                      std::vector<std::string>& out) const {
  for (const auto& [name, ids] : sharded ? shard_channels_ : channels_) {
    if (all || base::glob_match(pattern, name)) out.push_back(name);
  }
}

int64_t PubSub::numsub(std::string_view channel, bool sharded) const {
  const auto& map = sharded ? shard_channels_ : channels_;
  auto it = map.find(std::string(channel));
  return it == map.end() ? 0 : static_cast<int64_t>(it->second.size());
}

void PubSub::patterns(std::vector<std::string>& out) const {
  for (const auto& [pattern, ids] : patterns_) out.push_back(pattern);
}

// ---- Keyspace notifications ----

void PubSub::broadcast(std::string_view channel, std::string_view message) {
  publish(channel, message, false);
  for (uint32_t s = 0; s < core_.shards(); ++s) {
    if (s == core_.id()) continue;
    auto msg = std::make_unique<EventMessage>();
    msg->channel.assign(channel);
    msg->message.assign(message);
    core_.push_to(s, std::move(msg));
  }
}

void PubSub::notify(uint32_t cls, std::string_view event, std::string_view key, int db) {
  if ((notify_flags_ & cls) == 0) return;
  std::string dbs = std::to_string(db);
  if ((notify_flags_ & kNotifyKeyspace) != 0) {
    std::string channel = "__keyspace@" + dbs + "__:";
    channel.append(key);
    broadcast(channel, event);
  }
  if ((notify_flags_ & kNotifyKeyevent) != 0) {
    std::string channel = "__keyevent@" + dbs + "__:";
    channel.append(event);
    broadcast(channel, key);
  }
}

void PubSub::on_outcome(const CommandSpec*, ArgList, int, const Outcome& out) {
  if (notify_flags_ == 0) return;
  out.for_each_in_order([this](int db, uint32_t cls, std::string_view event, std::string_view key) {
    if (!event.empty()) notify(cls, event, key, db);
  });
}

void PubSub::on_key_added(int db, std::string_view key, ObjType) {
  if ((notify_flags_ & kNotifyNew) != 0) notify(kNotifyNew, "new", key, db);
}

}  // namespace shardis::server
