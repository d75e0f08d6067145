#include "model/thread_names.h"

#include <cctype>

namespace memsnap {

std::string thread_name_stem(std::string_view name) {
    std::size_t end = name.size();
    while (end > 0 && std::isdigit(static_cast<unsigned char>(name[end - 1]))) --end;
    if (end == name.size() || end == 0) return std::string(name);
    return std::string(name.substr(0, end)) + "*";
}

}  // namespace memsnap
