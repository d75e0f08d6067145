#pragma once
// The snapshot file format (DESIGN.md section 5): schema "memsnap.snapshot/1", sizes in kB.
#include <nlohmann/json.hpp>
#include <string_view>

#include "model/snapshot.h"

namespace memsnap {

// The JSON object of a snapshot. Every category is present, zero or not.
nlohmann::ordered_json snapshot_to_json(const Snapshot& snap);

// The counters of one MemUsage as a JSON object.
nlohmann::ordered_json usage_to_json(const MemUsage& u);

// Reads a snapshot back from the object snapshot_to_json() writes; `where` ("FILE:LINE") starts
// every message. Unknown fields and categories are ignored, missing optional parts are zero.
// Throws Error(Malformed, "WHERE: ...") when `j` is not an object, its schema is not
// memsnap.snapshot/<major>[.minor] with major 1 ("unsupported schema ..."), or a required field
// (schema, time_ms, pid, starttime, name, categories) is missing or any field has the wrong type
// (the message names the field, e.g. "categories.native_heap.pss").
Snapshot snapshot_from_json(const nlohmann::json& j, std::string_view where);

}  // namespace memsnap
