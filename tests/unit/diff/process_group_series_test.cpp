// diff/process_group_series.h: a many-process stream's groups (diff --group-by), summed per
// tick, and judged so that churn is never growth. Expected numbers are added up by hand.
#include <doctest/doctest.h>

#include "diff/process_group_series.h"

using namespace memsnap;

namespace {

// A function object: FunctionRef refers to a callable object, not to a function.
const auto uid_text = [](uint32_t uid) -> std::string { return std::to_string(uid); };

// A member of the stream: its key fields and first sample, as process_stream fills them.
struct Member {
    ProcessSeries p;
    Member(int64_t pid, std::string name, uint32_t uid, std::string cgroup) {
        p.pid = pid;
        p.starttime = 1000 + static_cast<uint64_t>(pid);
        p.name = std::move(name);
        p.uid = uid;
        p.cgroup = std::move(cgroup);
    }
    // Its sample of tick `t`; the first one it is given is its first_total.
    SeriesSample at(uint64_t t, uint64_t kb, uint64_t threads = 1) {
        SeriesSample s;
        s.time_ms = 1000 * static_cast<int64_t>(t);
        s.light = true;
        s.total_pss = kb;
        s.status_threads = threads;
        if (p.totals.empty()) p.first_total = s;
        p.totals.add(s);
        return s;
    }
};

void feed(ProcessGroupSeriesBuilder& b, uint64_t t, Member& m, uint64_t kb, uint64_t threads = 1) {
    SeriesSample s = m.at(t, kb, threads);
    b.add(t, s.time_ms, m.p, s);
}

}  // namespace

TEST_CASE("sums per tick, and members' own growth only from those there at the first and last tick") {
    ProcessGroupSeriesBuilder b(GroupBy::Program, uid_text);
    Member a(1, "svc", 0, "/a"), c(2, "svc", 0, "/a"), late(3, "svc", 0, "/a"), other(9, "x", 0, "/b");
    // tick 0: a 100, c 200       -> sum 300
    // tick 1: a 150, c 200, late 500 (came) -> sum 850
    // tick 2: a 170, late 900 (c gone)      -> sum 1070
    feed(b, 0, a, 100);
    feed(b, 0, c, 200);
    feed(b, 0, other, 7);
    feed(b, 1, a, 150);
    feed(b, 1, c, 200);
    feed(b, 1, late, 500);
    feed(b, 2, a, 170, 4);
    feed(b, 2, late, 900);
    std::vector<ProcessGroupSeries> g = b.finish();
    REQUIRE(g.size() == 2);
    CHECK(g[0].key == "svc");
    CHECK(g[0].processes == 3);
    CHECK(g[0].first_members == 2);
    CHECK(g[0].last_members == 2);
    CHECK(g[0].came == 1);
    CHECK(g[0].gone == 1);  // c has no line at the last tick
    CHECK(g[0].first_sum == 300);
    CHECK(g[0].last_sum == 1070);
    // Only a lived through the group's first and last tick: 170 - 100. late's 400 is an
    // arrival's growth, c's departure not a fall.
    CHECK(g[0].members_growth == 70);
    CHECK(g[0].members_thread_growth == 3);  // a: 1 -> 4 threads
    CHECK(g[0].series.totals.size() == 3);
    CHECK(g[0].series.first_total.total_pss == 300);
    CHECK(g[0].series.last_total.total_pss == 1070);
    CHECK(g[0].series.last_total.status_threads == 5);  // a 4 + late 1
    CHECK(g[1].key == "x");
    CHECK(g[1].series.totals.size() == 1);
}

TEST_CASE("user and cgroup keys, and a process without a cgroup is (unknown)") {
    ProcessGroupSeriesBuilder by_user(GroupBy::User, uid_text);
    ProcessGroupSeriesBuilder by_cgroup(GroupBy::Cgroup, uid_text);
    Member a(1, "a", 1000, "/user.slice"), b(2, "b", 1000, ""), c(3, "c", 0, "/user.slice");
    for (Member* m : {&a, &b, &c}) {
        SeriesSample s = m->at(0, 10);
        by_user.add(0, 0, m->p, s);
        by_cgroup.add(0, 0, m->p, s);
    }
    std::vector<ProcessGroupSeries> u = by_user.finish();
    REQUIRE(u.size() == 2);
    CHECK(u[0].key == "1000");
    CHECK(u[0].uid == 1000u);
    CHECK(u[0].first_sum == 20);
    std::vector<ProcessGroupSeries> cg = by_cgroup.finish();
    REQUIRE(cg.size() == 2);
    CHECK(cg[0].key == "/user.slice");
    CHECK(cg[0].processes == 2);
    CHECK(cg[1].key == "(unknown)");
}

TEST_CASE("rank: a leak through several members is the group's, a restart and arrivals are not") {
    ProcessGroupSeriesBuilder b(GroupBy::Program, uid_text);
    // leaky: three members each +1024 kB a tick for 11 ticks (each 11 MiB: under the total's
    // 16 MiB alone; the group +33 MiB, +55 %).
    // restart: one member 102400 until tick 5, its successor 30720 .. 102400 from tick 6.
    // spawner: one member 51200, and one more of 51200 every other tick.
    std::vector<Member> leaky = {{1, "leaky", 0, "/"}, {2, "leaky", 0, "/"}, {3, "leaky", 0, "/"}};
    Member old_one(10, "restart", 0, "/"), successor(11, "restart", 0, "/");
    std::vector<Member> spawned;
    for (int i = 0; i < 6; ++i) spawned.emplace_back(20 + i, "spawner", 0, "/");
    const uint64_t warm[] = {30720, 51200, 71680, 92160, 102400, 102400};
    for (uint64_t t = 0; t < 12; ++t) {
        for (Member& m : leaky) feed(b, t, m, 20480 + 1024 * t);
        if (t <= 5) feed(b, t, old_one, 102400);
        else feed(b, t, successor, warm[t - 6]);
        for (std::size_t i = 0; i < spawned.size(); ++i)
            if (t >= 2 * i) feed(b, t, spawned[i], 51200);
    }
    std::vector<ProcessGroupSeries> groups = b.finish();
    REQUIRE(groups.size() == 3);
    std::vector<ProcessSeries> series;
    for (const ProcessGroupSeries& g : groups) series.push_back(g.series);
    std::vector<ProcessVerdict> ranked = rank_process_groups(groups, series, Thresholds{}, JsHeapMode::Auto);
    REQUIRE(ranked.size() == 3);
    CHECK(ranked[0].leak);
    CHECK(ranked[0].process->name == "leaky");
    CHECK_FALSE(ranked[1].leak);
    CHECK_FALSE(ranked[2].leak);
    CHECK(groups[0].members_growth == 3 * 11 * 1024);
    CHECK(groups[1].first_sum == 102400);
    CHECK(groups[1].last_sum == 102400);
    CHECK(groups[2].first_sum == 51200);
    CHECK(groups[2].last_sum == 6 * 51200);
    CHECK(groups[2].members_growth == 0);
    // Without the members' condition the spawner's steady steps would be a leak: its series
    // alone, judged as a process's, is one.
    std::vector<ProcessVerdict> plain = rank_processes({groups[2].series}, Thresholds{}, JsHeapMode::Auto);
    CHECK(plain[0].leak);
}
