// CSV quoting (RFC 4180) and the Prometheus text writer: escaping, UTF-8, family grouping.
#include <doctest/doctest.h>

#include <string>

#include "formats/csv.h"
#include "formats/prom.h"

using namespace memsnap;

TEST_CASE("csv_field quotes only what RFC 4180 needs quoted") {
    CHECK(csv_field("native_heap") == "native_heap");
    CHECK(csv_field("") == "");
    CHECK(csv_field("a,b") == "\"a,b\"");
    CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv_field("two\nlines") == "\"two\nlines\"");
    CHECK(csv_field("cr\r") == "\"cr\r\"");
    CHECK(csv_field(" padded") == "\" padded\"");  // readers that trim would lose the space
    std::string row;
    append_csv_row(row, {"1", "x,y", ""});
    CHECK(row == "1,\"x,y\",\n");
}

TEST_CASE("prom label values: backslash, quote and newline escaped, bad UTF-8 replaced") {
    CHECK(prom_escape_label_value("plain name") == "plain name");
    CHECK(prom_escape_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
    CHECK(prom_escape_label_value("caf\xc3\xa9") == "caf\xc3\xa9");            // valid 2-byte
    CHECK(prom_escape_label_value("\xf0\x9f\x90\x98") == "\xf0\x9f\x90\x98");  // valid 4-byte
    CHECK(prom_escape_label_value("x\xff") == "x\xef\xbf\xbd");
    CHECK(prom_escape_label_value("\xc3") == "\xef\xbf\xbd");                  // cut short
    CHECK(prom_escape_label_value("\xc0\xaf") == "\xef\xbf\xbd\xef\xbf\xbd");  // overlong '/'
    CHECK(prom_escape_label_value("\xed\xa0\x80") ==
          "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // a UTF-16 surrogate
}

TEST_CASE("PromWriter prints HELP/TYPE once per family and keeps a family's samples together") {
    PromWriter w;
    w.gauge("m_a_bytes", "first\\help\nline", {{"pid", "1"}}, 10);
    w.gauge("m_b", "second", {}, 7);
    w.gauge("m_a_bytes", "ignored: the family exists", {{"pid", "2"}}, 20);
    CHECK(w.render() ==
          "# HELP m_a_bytes first\\\\help\\nline\n"
          "# TYPE m_a_bytes gauge\n"
          "m_a_bytes{pid=\"1\"} 10\n"
          "m_a_bytes{pid=\"2\"} 20\n"
          "# HELP m_b second\n"
          "# TYPE m_b gauge\n"
          "m_b 7\n");
}

TEST_CASE("snapshot metrics are bytes: kB * 1024") {
    Snapshot s;
    s.pid = 42;
    s.name = "app";
    s.categories[Category::NativeHeap].pss = 3;
    s.categories[Category::NativeHeap].swap_pss = 2;
    s.status.vm_rss = 5;
    s.status.threads = 4;
    std::string text = snapshots_to_prometheus({s});
    CHECK(text.find("memsnap_category_pss_bytes{pid=\"42\",name=\"app\",category=\"native_heap\"} 3072\n") !=
          std::string::npos);
    CHECK(text.find("memsnap_process_pss_with_swap_bytes{pid=\"42\",name=\"app\"} 5120\n") !=
          std::string::npos);
    CHECK(text.find("memsnap_process_vm_rss_bytes{pid=\"42\",name=\"app\"} 5120\n") != std::string::npos);
    CHECK(text.find("memsnap_process_threads{pid=\"42\",name=\"app\"} 4\n") != std::string::npos);
    CHECK(snapshots_to_prometheus({}).empty());
}

TEST_CASE("PromWriter: counters are TYPE counter, seconds keep their fraction") {
    PromWriter w;
    w.counter("m_total", "c", {}, 3);
    w.gauge_seconds("m_seconds", "s", {}, 0.25);
    CHECK(w.render() ==
          "# HELP m_total c\n# TYPE m_total counter\nm_total 3\n"
          "# HELP m_seconds s\n# TYPE m_seconds gauge\nm_seconds 0.25\n");
}

TEST_CASE("group metrics: Pss + SwapPss of each memory group, in bytes") {
    Snapshot s;
    s.pid = 7;
    s.name = "app";
    // native heap: 3 kB Pss + 2 kB SwapPss; inferred native: 1 kB; a .so (file): 4 kB.
    s.categories[Category::NativeHeap].pss = 3;
    s.categories[Category::NativeHeap].swap_pss = 2;
    s.categories[Category::NativeHeapInferred].pss = 1;
    s.categories[Category::So].pss = 4;
    PromWriter w;
    add_group_metrics(w, s, false);
    std::string text = w.render();
    const std::string labels = "{pid=\"7\",name=\"app\",group=";
    CHECK(text.find("memsnap_group_pss_with_swap_bytes" + labels + "\"native\"} 6144\n") != std::string::npos);
    CHECK(text.find("memsnap_group_pss_with_swap_bytes" + labels + "\"file\"} 4096\n") != std::string::npos);
    CHECK(text.find("memsnap_group_pss_with_swap_bytes" + labels + "\"js\"} 0\n") != std::string::npos);
    // Six memory groups; total, fd and thread have families of their own.
    std::size_t n = 0;
    for (std::size_t at = 0; (at = text.find("\nmemsnap_group_pss_with_swap_bytes{", at)) != std::string::npos; ++at) ++n;
    CHECK(n == 6);
    CHECK(text.find("group=\"total\"") == std::string::npos);
}

TEST_CASE("exporter metrics: build info, counters, skipped by reason with '_' for spaces") {
    ExporterStats st;
    st.version = "1.2.3";
    st.samples = 5;
    st.sample_seconds = 0.5;
    st.sample_time = 100;
    st.processes = 9;
    st.skipped = {{"gone", 2}, {"permission denied", 1}};
    PromWriter w;
    add_exporter_metrics(w, st);
    std::string text = w.render();
    CHECK(text.find("memsnap_build_info{version=\"1.2.3\"} 1\n") != std::string::npos);
    CHECK(text.find("# TYPE memsnap_samples_total counter\nmemsnap_samples_total 5\n") != std::string::npos);
    CHECK(text.find("memsnap_last_sample_duration_seconds 0.5\n") != std::string::npos);
    CHECK(text.find("memsnap_processes 9\n") != std::string::npos);
    CHECK(text.find("memsnap_skipped_processes{reason=\"gone\"} 2\n") != std::string::npos);
    CHECK(text.find("memsnap_skipped_processes{reason=\"permission_denied\"} 1\n") != std::string::npos);
}
