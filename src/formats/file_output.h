#pragma once
// Writing output files safely: a whole file replaced atomically, or one line appended.
#include <string>
#include <string_view>

namespace memsnap {

// Replaces `path` with `content` so that a reader sees the old file or the new one, never part
// of one, even if memsnap is killed: a temporary file is created with O_EXCL next to `path`
// (never following a symlink), written, fsync'ed, given the old file's permissions (and owner
// when allowed) if `path` exists, renamed over `path`, and the directory is fsync'ed. Refuses a
// `path` that exists and is not a regular file (a symlink, a device). On any error the old file
// is intact, the temporary file is removed, and Error(Io, "cannot write PATH: reason") is thrown.
void write_file_atomically(const std::string& path, std::string_view content);

// The same, drawing the temporary name's suffix from `suffix` (tests plant files under the
// names it will return; write_file_atomically above uses 8 random characters).
using SuffixSource = std::string (*)();
void write_file_atomically(const std::string& path, std::string_view content, SuffixSource suffix);

// Appends `line` (which must end in '\n') to `path` (created 0666 & ~umask if absent; a symlink
// is refused, never followed, as for write_file_atomically) with one
// write(2) on an O_APPEND descriptor, so concurrent appenders never interleave, then fsync's it.
// When the file does not end in '\n' (a line cut short by a crash), a '\n' is written first so
// the new line stands on its own. A short write (full disk) is truncated away when no other
// writer has appended since. Errors: Error(Io, "cannot append to PATH: reason").
void append_line(const std::string& path, std::string_view line);

}  // namespace memsnap
