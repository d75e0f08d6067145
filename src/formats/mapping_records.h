#pragma once
// The "mappings" member of a snapshot (snapshot --mappings): every mapping of the process,
// compactly enough that 60 000 mappings stay near 1 MB on one NDJSON line. Names and row keys
// are JSON arrays (each name once); the records are one string (README, "Snapshot format"):
//   "mappings": {"unit": 4096, "categories": ["so", ...], "names": ["/usr/lib/libc.so.6", ...],
//                "records": "GAP,LEN,PERMS,NAME,CAT[,RSS[,PSS[,SWAP_PSS]]] GAP,LEN,..."}
// GAP is the start less the previous record's end (the first: its start) and LEN the length,
// both in `unit` bytes, in hex ('-' before a GAP that goes back); PERMS one hex digit (r 1,
// w 2, x 4, shared 8); NAME and CAT indexes into names and categories; RSS, PSS and SWAP_PSS in
// kB, trailing zeros left out. A name that is not UTF-8 is U+FFFD-spelled in "names" and its
// exact bytes are in "names_hex": {"INDEX": "HEX", ...} (formats/json_text.h).
#include <nlohmann/json.hpp>
#include <string_view>

#include "model/mapping_set.h"

namespace memsnap {

// The JSON object of `set`.
nlohmann::ordered_json mappings_to_json(const MappingSet& set);

// Reads the object mappings_to_json() writes. A row key of a newer memsnap reads as AnonPage
// other; unknown members and extra trailing record fields are ignored. Throws Error(Malformed,
// "WHERE: field mappings.records: record N: ...") for anything else that is not as above: a bad
// number, an index out of range, an address past 2^64, a counter above 2^48 kB or counters that
// add up past 2^52 kB, a bad "names_hex", a missing member.
MappingSet mappings_from_json(const nlohmann::json& j, std::string_view where);

}  // namespace memsnap
