#pragma once
// The snapshot file format (DESIGN.md section 5): schema "memsnap.snapshot/1", sizes in kB.
#include <nlohmann/json.hpp>

#include "model/snapshot.h"

namespace memsnap {

// The JSON object of a snapshot. Every category is present, zero or not.
nlohmann::ordered_json snapshot_to_json(const Snapshot& snap);

// The counters of one MemUsage as a JSON object.
nlohmann::ordered_json usage_to_json(const MemUsage& u);

}  // namespace memsnap
