#pragma once
// What COMMAND INFO and COMMAND DOCS report that CommandSpec's own fields do not carry: key
// specs and their flags and notes, several key specs where Redis has them, tips, doc history and
// deprecation, argument trees, and the subcommands of container commands. Every value is checked
// byte for byte against redis-server 7.0.15.
//
// Each family file defines the RedisMeta of the commands it registers next to its registrations
// and points CommandSpec::meta at it; the argument trees come from <family>_args.inc, generated
// by tools/gen_command_args.py. COMMAND reads them only through the Registry. Static, immutable
// data, read by any shard.
#include <shardis/server/command.h>

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace shardis::server {

// COMMAND DOCS argument types, in Redis's names: "string", "integer", "double", "key",
// "pattern", "unix-time", "pure-token", "oneof", "block".
enum ArgType : uint8_t {
  kArgString,
  kArgInteger,
  kArgDouble,
  kArgKey,
  kArgPattern,
  kArgUnixTime,
  kArgPureToken,
  kArgOneof,
  kArgBlock,
};

// COMMAND DOCS argument flags: "optional", "multiple", "multiple_token".
enum ArgFlag : uint8_t {
  kArgOptional = 1u << 0,
  kArgMultiple = 1u << 1,
  kArgMultipleToken = 1u << 2,
};

// One argument of a command, as COMMAND DOCS reports it. Fields are in the order Redis prints
// them; an empty string (or key_spec_index -1, flags 0) is not printed.
struct ArgMeta {
  std::string_view name;
  ArgType type = kArgString;
  int key_spec_index = -1;  // kArgKey: the index of the key spec that finds it
  std::string_view token{};
  std::string_view since{};
  std::string_view deprecated_since{};
  uint8_t flags = 0;                // ArgFlag bits
  std::span<const ArgMeta> args{};  // kArgOneof: the choices; kArgBlock: the parts
};

struct HistoryEntry {
  std::string_view version{};  // empty: no entry
  std::string_view change{};
};

// COMMAND DOCS history, oldest first; unused entries are left empty.
using History = std::array<HistoryEntry, 4>;

// One key spec of the kinds Shardis's commands need: begin_search by index, then find_keys by
// range or by keynum. Word lists (flags) are space-separated, in the order Redis prints them.
struct KeySpecMeta {
  int index = 0;  // begin_search index; 0 means "no key spec"
  std::string_view flags{};
  int lastkey = 0;  // find_keys range: last key relative to index, or counted from the end if < 0
  int keystep = 1;  // range and keynum
  std::string_view notes{};
  // find_keys keynum (ZUNION's numkeys): the key count sits at index + keynumidx and the keys
  // start at index + firstkey.
  bool keynum = false;
  int keynumidx = 0;
  int firstkey = 1;
};

// One subcommand of a container. Its docs group is the container's.
struct SubcommandMeta {
  std::string_view name;  // full name, lower case: "object|encoding"
  int arity = 0;          // counted from the container itself, Redis convention
  uint32_t flags = 0;     // CommandFlag bits
  uint32_t acl = 0;       // AclCategory bits
  KeySpecMeta key{};      // its single key spec, if any
  std::string_view tips{};
  std::string_view summary{};
  std::string_view since{};
  std::string_view complexity{};
  History history{};
  std::span<const ArgMeta> args{};
};

// Flags of the key at argv[1] for a command whose key spec carries "variable_flags" (Redis's
// getkeys_proc): what COMMAND GETKEYSANDFLAGS reports for these very arguments.
using KeyFlagsFn = std::string_view (*)(ArgList args);

// A command's metadata; CommandSpec::meta points at it. Without one, COMMAND reports a single
// key spec over CommandSpec::keys with flags guessed from the command's flags, and no tips,
// history or arguments.
struct RedisMeta {
  // The usual case: one key spec over CommandSpec::keys, with these flags and notes.
  std::string_view key_flags{};
  std::string_view key_notes{};
  // Where Redis reports several key specs: they replace the one above.
  std::array<KeySpecMeta, 2> key_specs{};
  KeyFlagsFn variable_key_flags = nullptr;
  std::string_view tips{};              // COMMAND INFO tips
  std::string_view deprecated_since{};  // COMMAND DOCS doc_flags / deprecated_since / replaced_by
  std::string_view replaced_by{};
  History history{};
  // A container's subcommands: only those Shardis implements (COMMAND must not advertise what
  // the server would reject), in alphabetical order (Redis lists them in the order of a hash
  // table, which changes from one process to the next).
  std::span<const SubcommandMeta> subcommands{};
  std::span<const ArgMeta> args{};
};

// Texts several families share.
inline constexpr std::string_view kHelpSummary =
    "Show helpful text about the different subcommands";

}  // namespace shardis::server
