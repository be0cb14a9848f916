#pragma once
// Family tests of what commands report: one command's reply together with the events, logged
// commands and dirty count the executor was told of (FamilyHarness::log()), compared whole.
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "support/family_harness.h"

namespace shardis::test {

struct Reported {
  std::string reply;
  std::vector<std::string> events;      // "db event key", in order (OutcomeLog::take_events)
  std::vector<std::string> propagated;  // each logged command, arguments joined by spaces
  uint64_t dirty = 0;
  bool operator==(const Reported&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const Reported& r) {
  os << "reply " << r.reply << " events [";
  for (const std::string& e : r.events) os << e << "; ";
  os << "] propagated [";
  for (const std::string& p : r.propagated) os << p << "; ";
  return os << "] dirty " << r.dirty;
}

// Takes what the log holds (the outcome of the commands run since the last take).
inline Reported take_reported(FamilyHarness& h, std::string reply) {
  Reported r;
  r.reply = std::move(reply);
  r.events = h.log().take_events();
  r.propagated = h.log().take_propagated();
  r.dirty = h.log().take_dirty();
  return r;
}

// Runs one command; its reply and what it reported.
inline Reported run_reported(FamilyHarness& h, std::initializer_list<std::string_view> cmd) {
  std::string reply = h.run(cmd);
  return take_reported(h, std::move(reply));
}

// Runs a setup command and forgets what it reported.
inline void load(FamilyHarness& h, std::initializer_list<std::string_view> cmd) {
  run_reported(h, cmd);
}

// A reply with nothing reported: an error, or a command that changed nothing.
inline Reported quiet(std::string reply) {
  return {std::move(reply), {}, {}, 0};
}

// WATCH key, run cmd, then an EXEC of one PING: "*-1\r\n" when cmd changed key as WATCH sees
// it, "*1\r\n+PONG\r\n" when it did not. Clears the log.
inline std::string run_watched(FamilyHarness& h, std::string_view key,
                               std::initializer_list<std::string_view> cmd) {
  h.run({"WATCH", key});
  h.run(cmd);
  h.run({"MULTI"});
  h.run({"PING"});
  std::string reply = h.run({"EXEC"});
  take_reported(h, {});
  return reply;
}
inline const std::string kWatchAborted = "*-1\r\n";
inline const std::string kWatchRan = "*1\r\n+PONG\r\n";

}  // namespace shardis::test
