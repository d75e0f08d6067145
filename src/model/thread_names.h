#pragma once
// Thread names of a numbered pool ("worker-0" ... "worker-59") read as one name, "worker-*", in
// the tables and the verdicts alike. Pure functions over names and counts.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace memsnap {

// A thread name with its trailing number replaced by '*' ("worker-12" -> "worker-*"), so a pool
// that numbers its threads reads as one name; a name with no trailing digits (or only digits) is
// returned as it is.
std::string thread_name_stem(std::string_view name);

// `by_name` with the names that share a stem with another name summed under the stem
// ({"worker-0": 1, "worker-1": 1, "gmain": 1, "pool-7": 1} -> {"worker-*": 2, "gmain": 1,
// "pool-7": 1}): a lone numbered name keeps its own name. `Count` adds with +=.
template <class Count>
std::map<std::string, Count> group_numbered_names(const std::map<std::string, Count>& by_name) {
    std::map<std::string, int> names_per_stem;
    for (const auto& [name, count] : by_name) ++names_per_stem[thread_name_stem(name)];
    std::map<std::string, Count> out;
    for (const auto& [name, count] : by_name) {
        std::string stem = thread_name_stem(name);
        out[names_per_stem[stem] > 1 ? stem : name] += count;
    }
    return out;
}

}  // namespace memsnap
