def edit(p, old, new, count=1):
    s = open(p).read()
    assert s.count(old) == count, (p, old[:60], s.count(old))
    s = s.replace(old, new)
    open(p, 'w').write(s)
compact = open('/tmp/partb/compact.cpp').read()
edit('src/formats/process_stream.cpp', '''#include <charconv>
#include <map>
''', '''#include <charconv>
#include <fmt/format.h>
#include <iterator>
#include <map>
''')
edit('src/formats/process_stream.cpp', '''constexpr std::string_view kOurLineStart = "{\\"schema\\":\\"memsnap.";

}  // namespace

std::string stream_snapshot_line(const Snapshot& snap, uint64_t tick) {
''', '''constexpr std::string_view kOurLineStart = "{\\"schema\\":\\"memsnap.";

''' + compact + '''
}  // namespace

std::string stream_snapshot_line(const Snapshot& snap, uint64_t tick) {
    if (compact_light(snap)) return compact_light_line(snap, tick);
''')
edit('src/formats/process_stream.h', '''// One line (with its newline) of the stream: the snapshot's JSON with "tick" added.
''', '''// One line (with its newline) of the stream: the snapshot's JSON with "tick" added. A light
// sample (smaps_rollup's totals, no categories, descriptors, threads walk, dma or gpu) is written
// compact: "categories": {} and no native_heap, fd, thread, dma or gpu; in "status" only the
// fields that are not 0. Both readers (snapshot_from_json, scan_series_sample) read what is left
// out as 0, so the line reads back as the same snapshot.
''')
edit('src/formats/snapshot_json.h', '''// The JSON object of a snapshot. Every category is present, zero or not.
''', '''// The JSON object of a snapshot. Every category is present, zero or not. (A field added here
// goes into the many-process stream's compact light line too: formats/process_stream.cpp.)
''')
