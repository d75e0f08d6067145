// A tarball as a ProcSource (procfs/source.h): `memsnap capture`'s archives, any tar of a
// /proc-like tree, and smemcap's. Nothing is extracted: one pass over the headers builds an
// index (small files kept in memory, bounded), and a large file (smaps) is streamed on demand
// from an archive cursor that moves forward, so reading processes in archive order is one pass.
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "model/error.h"
#include "model/capture_manifest.h"
#include "procfs/source.h"

namespace memsnap {
namespace {

constexpr uint64_t kMaxMemberSize = 256ull << 20;    // larger than any smaps memsnap reads
constexpr std::size_t kMaxMembers = 500'000;           // --all on a big machine: ~20 per process
constexpr std::size_t kInMemoryMember = 16 << 10;      // status, stat, fdinfo, comm, meminfo
constexpr uint64_t kMaxInMemoryTotal = 64ull << 20;
constexpr uint64_t kMaxManifestSize = 64ull << 20;

enum class MemberType { File, Dir, Symlink };

// One header as an archive stream hands it over.
struct Entry {
    std::string name;
    MemberType type = MemberType::File;
    uint64_t size = 0;
    std::string link;
};

// Reads entries of an archive in order. Errors name the archive and the member.
class EntryStream {
public:
    virtual ~EntryStream() = default;
    virtual bool next(Entry& e) = 0;                   // false at the end of the archive
    virtual std::size_t read(char* buf, std::size_t n) = 0;  // the current entry's data
};

Error archive_error(const std::string& archive, std::string_view member, std::string_view what) {
    std::string msg = archive + ": ";
    if (!member.empty()) msg += "member '" + std::string(member) + "': ";
    msg += what;
    return Error(ErrorKind::Malformed, msg);
}

// libarchive: tar (ustar, pax, GNU, v7), plain or gzip-compressed; or, with `raw`, the
// decompressed bytes of any file as one entry (for smemcap's headers, see SmemcapStream).
class LibarchiveStream final : public EntryStream {
public:
    LibarchiveStream(const std::string& path, bool raw) : path_(path), a_(archive_read_new()) {
        if (a_ == nullptr) throw Error(ErrorKind::Io, path + ": out of memory");
        archive_read_support_filter_gzip(a_);
        if (raw)
            archive_read_support_format_raw(a_);
        else
            archive_read_support_format_tar(a_);
        if (archive_read_open_filename(a_, path.c_str(), 64 * 1024) != ARCHIVE_OK) {
            int err = archive_errno(a_);
            std::string what = message();
            archive_read_free(a_);
            a_ = nullptr;
            if (err == ENOENT || err == EACCES || err == EPERM)
                throw error_from_errno(err, "cannot open", path);
            throw archive_error(path, "", what);
        }
    }
    ~LibarchiveStream() override {
        if (a_ != nullptr) archive_read_free(a_);
    }
    LibarchiveStream(const LibarchiveStream&) = delete;
    LibarchiveStream& operator=(const LibarchiveStream&) = delete;

    bool next(Entry& e) override {
        archive_entry* entry = nullptr;
        int r = archive_read_next_header(a_, &entry);
        if (r == ARCHIVE_EOF) return false;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
            throw archive_error(path_, "",
                                (member_.empty() ? std::string() : "after member '" + member_ + "': ") +
                                    message());
        const char* name = archive_entry_pathname(entry);
        if (name == nullptr || *name == '\0') throw archive_error(path_, "", "a member without a name");
        e.name = name;
        member_ = e.name;
        e.size = archive_entry_size_is_set(entry) ? static_cast<uint64_t>(archive_entry_size(entry)) : 0;
        e.link.clear();
        if (archive_entry_hardlink(entry) != nullptr)
            throw archive_error(path_, e.name, "hard links are not supported in a capture");
        switch (archive_entry_filetype(entry)) {
            case AE_IFREG:
                e.type = MemberType::File;
                break;
            case AE_IFDIR:
                e.type = MemberType::Dir;
                break;
            case AE_IFLNK: {
                e.type = MemberType::Symlink;
                const char* target = archive_entry_symlink(entry);
                e.link = target != nullptr ? target : "";
                break;
            }
            default:
                throw archive_error(path_, e.name,
                                    "not a file, directory or symbolic link (a device or FIFO has "
                                    "no place in a capture)");
        }
        return true;
    }

    std::size_t read(char* buf, std::size_t n) override {
        la_ssize_t got = archive_read_data(a_, buf, n);
        if (got < 0) throw archive_error(path_, member_, message());
        return static_cast<std::size_t>(got);
    }

private:
    std::string message() const {
        const char* m = archive_error_string(a_);
        std::string s = m != nullptr ? m : "unreadable archive";
        if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
        return s;
    }

    std::string path_;
    archive* a_;
    std::string member_;  // the current (or last) member, for messages
};

// smemcap (smem's capture tool) writes version-7 tar headers whose type byte is '4' (block
// device) for regular files: it prints the character '0' with "%1d", which gives "48" at
// offsets 156-157. Every tar reader (libarchive, Python's tarfile: hence smem's own crash)
// then takes the file data for headers. Its layout is fixed and small: a 512-byte header
// (name, octal size, checksum), the data padded to 512 bytes, no end-of-archive blocks.
bool checksum_ok(const unsigned char* h) {
    unsigned sum = 0;
    for (int i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : h[i];
    unsigned stored = 0;
    int i = 148;
    while (i < 156 && h[i] == ' ') ++i;
    if (i == 156 || h[i] < '0' || h[i] > '7') return false;
    for (; i < 156 && h[i] >= '0' && h[i] <= '7'; ++i) stored = stored * 8 + (h[i] - '0');
    return stored == sum;
}

bool is_smemcap_header(const unsigned char* h) {
    return std::memcmp(h + 257, "ustar", 5) != 0 && h[156] == '4' && h[157] == '8' &&
           checksum_ok(h);
}

class SmemcapStream final : public EntryStream {
public:
    explicit SmemcapStream(const std::string& path) : path_(path), raw_(path, true) {
        Entry data;
        if (!raw_.next(data)) throw archive_error(path, "", "empty file");
    }

    bool next(Entry& e) override {
        skip(left_ + padding_);
        left_ = padding_ = 0;
        unsigned char h[512];
        std::size_t got = fill(reinterpret_cast<char*>(h), 512);
        if (got == 0) return false;  // smemcap writes no end-of-archive blocks
        if (got < 512) throw truncated();
        bool zero = true;
        for (unsigned char c : h) zero = zero && c == 0;
        if (zero) return false;
        if (!checksum_ok(h))
            throw archive_error(path_, "", (member_.empty() ? std::string() : "after member '" + member_ + "': ") +
                                               "damaged header (bad checksum)");
        e.name.assign(reinterpret_cast<const char*>(h), strnlen(reinterpret_cast<const char*>(h), 100));
        if (e.name.empty()) throw archive_error(path_, "", "a member without a name");
        member_ = e.name;
        uint64_t size = 0;
        for (int i = 124; i < 136 && h[i] >= '0' && h[i] <= '7'; ++i) size = size * 8 + (h[i] - '0');
        e.link.clear();
        if ((h[156] == '4' && h[157] == '8') || h[156] == '0' || h[156] == '\0') {
            e.type = MemberType::File;
        } else if (h[156] == '5') {
            e.type = MemberType::Dir;
            size = 0;
        } else {
            throw archive_error(path_, e.name, "unexpected member type in a smemcap archive");
        }
        e.size = size;
        left_ = size;
        padding_ = (512 - size % 512) % 512;
        return true;
    }

    std::size_t read(char* buf, std::size_t n) override {
        std::size_t want = static_cast<std::size_t>(std::min<uint64_t>(n, left_));
        if (want == 0) return 0;
        std::size_t got = raw_.read(buf, want);
        if (got == 0) throw truncated();
        left_ -= got;
        return got;
    }

private:
    Error truncated() const { return archive_error(path_, member_, "truncated archive"); }

    std::size_t fill(char* buf, std::size_t n) {
        std::size_t have = 0;
        while (have < n) {
            std::size_t got = raw_.read(buf + have, n - have);
            if (got == 0) break;
            have += got;
        }
        return have;
    }

    void skip(uint64_t n) {
        char buf[4096];
        while (n > 0) {
            std::size_t want = static_cast<std::size_t>(std::min<uint64_t>(n, sizeof buf));
            if (fill(buf, want) != want) throw truncated();
            n -= want;
        }
    }

    std::string path_;
    LibarchiveStream raw_;
    uint64_t left_ = 0;
    uint64_t padding_ = 0;
    std::string member_;
};

bool looks_like_smemcap(const std::string& path) {
    LibarchiveStream raw(path, true);
    Entry data;
    if (!raw.next(data)) return false;
    unsigned char h[512];
    std::size_t have = 0;
    while (have < sizeof h) {
        std::size_t got = raw.read(reinterpret_cast<char*>(h) + have, sizeof h - have);
        if (got == 0) return false;
        have += got;
    }
    return is_smemcap_header(h);
}

// "./42//smaps" -> "42/smaps". Absolute paths and ".." are refused (Malformed).
std::string normalise_member(const std::string& archive, const std::string& name) {
    if (name.front() == '/') throw archive_error(archive, name, "absolute path");
    std::string out;
    std::size_t i = 0;
    while (i <= name.size()) {
        std::size_t slash = name.find('/', i);
        if (slash == std::string::npos) slash = name.size();
        std::string_view part(name.data() + i, slash - i);
        if (part == "..") throw archive_error(archive, name, "'..' in the path");
        if (!part.empty() && part != ".") {
            if (!out.empty()) out += '/';
            out += part;
        }
        i = slash + 1;
    }
    return out;
}

// True for "<pid>/fd/<n>" (and "<pid>/task/<tid>/fd/<n>"): a descriptor's link, whose target
// describes the open file ("socket:[12]", "/dev/null") and is never followed.
bool is_fd_link(std::string_view path) {
    std::size_t slash = path.rfind('/');
    if (slash == std::string_view::npos) return false;
    std::string_view dir = path.substr(0, slash);
    return dir == "fd" || dir.ends_with("/fd");
}

struct Member {
    MemberType type = MemberType::File;
    uint64_t size = 0;
    std::size_t ordinal = 0;  // position in the archive, counting headers
    bool in_memory = false;
    std::string data;  // the file, when in_memory
    std::string link;  // the target, for a symbolic link
};

class TarballSource;

// An archive stream positioned before header `next`.
struct Cursor {
    std::unique_ptr<EntryStream> stream;
    std::size_t next = 0;
};

class MemoryFile final : public SourceFile {
public:
    explicit MemoryFile(std::string_view data) : data_(data) {}
    std::size_t read(char* buf, std::size_t n) override {
        n = std::min(n, data_.size());
        std::memcpy(buf, data_.data(), n);
        data_.remove_prefix(n);
        return n;
    }

private:
    std::string_view data_;
};

class TarballSource final : public ProcSource {
public:
    explicit TarballSource(const std::string& path) : path_(path) {
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) throw error_from_errno(errno, "cannot open", path);
        archive_mtime_ms_ = static_cast<int64_t>(st.st_mtime) * 1000;
        smemcap_ = looks_like_smemcap(path);
        index();
    }

    std::unique_ptr<SourceFile> open(std::string_view path) const override;

    std::vector<std::string> list(std::string_view path) const override {
        auto it = dirs_.find(path);
        if (it == dirs_.end())
            throw Error(ErrorKind::NotFound, "cannot list " + display(path) + ": no such directory");
        return {it->second.begin(), it->second.end()};
    }

    std::string read_link(std::string_view path) const override {
        const Member& m = find(path, "cannot read link");
        if (m.type != MemberType::Symlink)
            throw Error(ErrorKind::Malformed, display(path) + ": not a symbolic link");
        return m.link;
    }

    bool is_dir(std::string_view path) const override { return dirs_.contains(path); }
    bool reads_in_parallel() const override { return false; }

    std::string display(std::string_view path) const override {
        return path.empty() ? path_ : path_ + ":" + std::string(path);
    }

    std::optional<CaptureTime> capture_time(std::string_view path) const override {
        if (!manifest_) return {};
        return manifest_->time_of(path);
    }

    SourceOrigin origin() const override {
        SourceOrigin o;
        if (manifest_) {
            o.host = manifest_->host;
            o.time_source = "capture manifest";
        } else {
            o.time_source = "archive mtime";
            o.archive_time_ms = archive_mtime_ms_;
        }
        return o;
    }

    void give_back(std::unique_ptr<Cursor> c) const {
        std::lock_guard lock(mu_);
        cursor_ = std::move(c);
    }

private:
    std::unique_ptr<EntryStream> new_stream() const {
        if (smemcap_) return std::make_unique<SmemcapStream>(path_);
        return std::make_unique<LibarchiveStream>(path_, false);
    }

    const Member& find(std::string_view path, const char* what) const {
        auto it = members_.find(path);
        if (it == members_.end())
            throw Error(ErrorKind::NotFound,
                        std::string(what) + " " + display(path) + ": no such member");
        return it->second;
    }

    void add_parents(const std::string& path) {
        std::size_t slash = path.rfind('/');
        std::string parent = slash == std::string::npos ? "" : path.substr(0, slash);
        std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
        auto [it, fresh] = dirs_.try_emplace(parent);
        it->second.insert(name);
        if (fresh && !parent.empty()) add_parents(parent);
    }

    void index() {
        std::unique_ptr<EntryStream> stream = new_stream();
        Entry e;
        uint64_t in_memory = 0;
        std::size_t ordinal = 0;
        dirs_.try_emplace("");
        for (; stream->next(e); ++ordinal) {
            if (ordinal >= kMaxMembers)
                throw archive_error(path_, "", "more than " + std::to_string(kMaxMembers) + " members");
            std::string name = normalise_member(path_, e.name);
            if (name.empty()) {
                if (e.type == MemberType::Dir) continue;  // "./"
                throw archive_error(path_, e.name, "not a file name");
            }
            Member m;
            m.type = e.type;
            m.size = e.size;
            m.ordinal = ordinal;
            if (e.type == MemberType::File) {
                bool manifest = name == kCaptureManifestName;
                uint64_t bound = manifest ? kMaxManifestSize : kMaxMemberSize;
                if (e.size > bound)
                    throw archive_error(path_, name, std::to_string(e.size) + " bytes, larger than " +
                                                         std::to_string(bound));
                if (e.size <= kInMemoryMember || manifest) {
                    if (in_memory + e.size > kMaxInMemoryTotal)
                        throw archive_error(path_, name, "the archive's small files pass " +
                                                             std::to_string(kMaxInMemoryTotal) + " bytes");
                    in_memory += e.size;
                    m.in_memory = true;
                    m.data.resize(e.size);
                    std::size_t have = 0;
                    while (have < e.size) {
                        std::size_t got = stream->read(m.data.data() + have, e.size - have);
                        if (got == 0) throw archive_error(path_, name, "truncated archive");
                        have += got;
                    }
                    if (manifest) manifest_ = parse_capture_manifest(m.data, display(name));
                }
            } else if (e.type == MemberType::Symlink) {
                m.link = e.link;
                check_link(name, e.link);
            }
            if (members_.contains(name) || (e.type != MemberType::Dir && dirs_.contains(name)))
                throw archive_error(path_, name, "duplicate member");
            if (e.type == MemberType::Dir) dirs_.try_emplace(name);
            add_parents(name);
            members_.emplace(name, std::move(m));
        }
        if (ordinal == 0) throw archive_error(path_, "", "empty archive");
        // A file or link that a later member treats as a directory ("42" then "42/smaps").
        for (const auto& [dir, names] : dirs_) {
            auto it = members_.find(dir);
            if (it != members_.end() && it->second.type != MemberType::Dir)
                throw archive_error(path_, dir, "both a file and a directory");
        }
        cursor_ = std::make_unique<Cursor>();  // a fresh stream opens on first use
    }

    // A link other than a descriptor's must stay inside the capture: relative, and its ".."
    // never climbing above the root.
    void check_link(const std::string& name, const std::string& target) const {
        if (is_fd_link(name)) return;
        if (target.empty() || target.front() == '/')
            throw archive_error(path_, name, "symbolic link leading outside the capture ('" + target + "')");
        int depth = static_cast<int>(std::count(name.begin(), name.end(), '/'));
        std::size_t i = 0;
        while (i <= target.size()) {
            std::size_t slash = target.find('/', i);
            if (slash == std::string::npos) slash = target.size();
            std::string_view part(target.data() + i, slash - i);
            if (part == "..") {
                if (--depth < 0)
                    throw archive_error(path_, name,
                                        "symbolic link leading outside the capture ('" + target + "')");
            } else if (!part.empty() && part != ".") {
                ++depth;
            }
            i = slash + 1;
        }
    }

    friend class StreamedFile;
    std::string path_;
    bool smemcap_ = false;
    int64_t archive_mtime_ms_ = 0;
    std::map<std::string, Member, std::less<>> members_;
    std::map<std::string, std::set<std::string>, std::less<>> dirs_;
    std::optional<CaptureManifest> manifest_;
    mutable std::mutex mu_;
    mutable std::unique_ptr<Cursor> cursor_;
};

// A large member read from the archive itself; hands the cursor back when done.
class StreamedFile final : public SourceFile {
public:
    StreamedFile(const TarballSource& source, std::unique_ptr<Cursor> cursor, std::string name,
                 uint64_t size)
        : source_(source), cursor_(std::move(cursor)), name_(std::move(name)), left_(size) {}
    ~StreamedFile() override { source_.give_back(std::move(cursor_)); }
    StreamedFile(const StreamedFile&) = delete;
    StreamedFile& operator=(const StreamedFile&) = delete;

    std::size_t read(char* buf, std::size_t n) override {
        if (left_ == 0) return 0;
        std::size_t got = cursor_->stream->read(buf, static_cast<std::size_t>(std::min<uint64_t>(n, left_)));
        if (got == 0) throw archive_error(source_.path_, name_, "truncated archive");
        left_ -= got;
        return got;
    }

private:
    const TarballSource& source_;
    std::unique_ptr<Cursor> cursor_;
    std::string name_;
    uint64_t left_;
};

std::unique_ptr<SourceFile> TarballSource::open(std::string_view path) const {
    const Member& m = find(path, "cannot open");
    if (m.type != MemberType::File)
        throw Error(ErrorKind::Malformed, display(path) + ": not a regular file");
    if (m.in_memory) return std::make_unique<MemoryFile>(m.data);
    std::unique_ptr<Cursor> c;
    {
        std::lock_guard lock(mu_);
        c = std::move(cursor_);
    }
    if (!c || !c->stream || c->next > m.ordinal) {
        c = std::make_unique<Cursor>();
        c->stream = new_stream();
    }
    Entry e;
    while (c->next <= m.ordinal) {
        if (!c->stream->next(e))
            throw archive_error(path_, path, "the archive changed while being read");
        ++c->next;
    }
    if (normalise_member(path_, e.name) != path || e.size != m.size)
        throw archive_error(path_, path, "the archive changed while being read");
    return std::make_unique<StreamedFile>(*this, std::move(c), std::string(path), m.size);
}

}  // namespace

std::shared_ptr<const ProcSource> tarball_source(const std::string& path) {
    return std::make_shared<TarballSource>(path);
}

}  // namespace memsnap
