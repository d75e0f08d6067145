// model/process_groups.h: the listing's rows summed per program, user or cgroup, an address
// space shared by several members counted once. Expected sums are added up by hand below.
#include <doctest/doctest.h>

#include "model/process_groups.h"
#include "model/process_list.h"

using namespace memsnap;

namespace {

ProcessRow row(int64_t pid, std::string name, uint32_t uid, uint64_t pss, uint64_t swap_pss,
               std::string cgroup = "/") {
    ProcessRow r;
    r.pid = pid;
    r.name = std::move(name);
    r.uid = uid;
    r.usage.pss = pss;
    r.usage.rss = pss * 2;
    r.usage.swap_pss = swap_pss;
    r.usage.private_dirty = pss / 2;
    r.threads = 1;
    r.cgroup = std::move(cgroup);
    return r;
}

// A function object: FunctionRef refers to a callable object, not to a function.
const auto uid_text = [](uint32_t uid) -> std::string { return uid == 0 ? "root" : std::to_string(uid); };

}  // namespace

TEST_CASE("group_by names round-trip and anything else is refused") {
    for (GroupBy by : {GroupBy::Program, GroupBy::User, GroupBy::Cgroup})
        CHECK(parse_group_by(group_by_name(by)) == by);
    CHECK(group_by_name(GroupBy::Cgroup) == "cgroup");
    CHECK_FALSE(parse_group_by("pid").has_value());
    CHECK_FALSE(parse_group_by("").has_value());
}

TEST_CASE("program: members summed, groups in the order of their first member") {
    std::vector<ProcessRow> rows = {row(10, "sh", 0, 100, 5), row(11, "nginx", 33, 1000, 0),
                                    row(12, "nginx", 33, 2000, 40), row(13, "sh", 1000, 50, 0)};
    auto g = group_process_rows(rows, GroupBy::Program, uid_text);
    REQUIRE(g.size() == 2);
    CHECK(g[0].key == "sh");
    CHECK(g[0].processes == 2);
    CHECK(g[0].usage.pss == 150);             // 100 + 50
    CHECK(g[0].total_pss() == 155);           // + SwapPss 5
    CHECK(g[1].key == "nginx");
    CHECK(g[1].total_pss() == 3040);          // 1000 + 2000 + 40
    CHECK(g[1].usage.uss() == 1500);          // 500 + 1000
    CHECK(g[1].pids == std::vector<int64_t>{11, 12});
    CHECK(g[1].threads == 2);
    CHECK_FALSE(g[1].uid.has_value());
    CHECK_FALSE(g[1].native_pss.has_value());  // no --categories: no column
}

TEST_CASE("user: keyed by the name the caller gives the UID, the UID kept") {
    std::vector<ProcessRow> rows = {row(1, "a", 0, 10, 0), row(2, "b", 1000, 20, 0),
                                    row(3, "c", 0, 30, 0)};
    auto g = group_process_rows(rows, GroupBy::User, uid_text);
    REQUIRE(g.size() == 2);
    CHECK(g[0].key == "root");
    CHECK(g[0].uid == 0u);
    CHECK(g[0].usage.pss == 40);
    CHECK(g[1].key == "1000");
    CHECK(g[1].uid == 1000u);
}

TEST_CASE("cgroup: keyed by the row's cgroup path") {
    std::vector<ProcessRow> rows = {row(1, "a", 0, 10, 0, "/system.slice/x.service"),
                                    row(2, "b", 0, 20, 0, "/user.slice"),
                                    row(3, "c", 0, 30, 0, "/system.slice/x.service")};
    auto g = group_process_rows(rows, GroupBy::Cgroup, uid_text);
    REQUIRE(g.size() == 2);
    CHECK(g[0].key == "/system.slice/x.service");
    CHECK(g[0].usage.pss == 40);
    CHECK(g[0].pids == std::vector<int64_t>{1, 3});
}

TEST_CASE("a shared address space is counted once in its group, its tasks every time") {
    // 20 and 21 share one mm (21 a CLONE_VM child of 20): both show the same 800 kB.
    std::vector<ProcessRow> rows = {row(20, "hog", 0, 800, 8), row(21, "hog", 0, 800, 8),
                                    row(22, "hog", 0, 300, 0)};
    rows[0].same_mm_as = 20;
    rows[1].same_mm_as = 20;
    rows[1].threads = 3;
    auto g = group_process_rows(rows, GroupBy::Program, uid_text);
    REQUIRE(g.size() == 1);
    CHECK(g[0].processes == 3);
    CHECK(g[0].shared_address_space == 1);
    CHECK(g[0].total_pss() == 1108);  // 800 + 8 + 300, not 1916
    CHECK(g[0].threads == 5);         // 1 + 3 + 1
}

TEST_CASE("a shared address space split over two groups is counted in each") {
    // A vfork child that renamed itself before exec: its memory is its parent's, but each
    // group shows what its own members map.
    std::vector<ProcessRow> rows = {row(30, "shell", 0, 500, 0), row(31, "child", 0, 500, 0)};
    rows[0].same_mm_as = 30;
    rows[1].same_mm_as = 30;
    auto g = group_process_rows(rows, GroupBy::Program, uid_text);
    REQUIRE(g.size() == 2);
    CHECK(g[0].usage.pss == 500);
    CHECK(g[1].usage.pss == 500);
    CHECK(g[1].shared_address_space == 0);
    auto by_user = group_process_rows(rows, GroupBy::User, uid_text);
    REQUIRE(by_user.size() == 1);
    CHECK(by_user[0].usage.pss == 500);
}

TEST_CASE("per-category columns: summed when every counted member has them") {
    std::vector<ProcessRow> rows = {row(1, "n", 0, 10, 0), row(2, "n", 0, 20, 0)};
    rows[0].native_pss = 4;
    rows[0].js_pss = 0;
    rows[1].native_pss = 6;
    rows[1].js_pss = 2;
    rows[0].fds = 3;
    rows[1].fds = 7;
    auto g = group_process_rows(rows, GroupBy::Program, uid_text);
    CHECK(g[0].native_pss == 10u);
    CHECK(g[0].js_pss == 2u);
    CHECK(g[0].fds == 10u);
}
