# fish completion for memsnap. Installed as share/fish/vendor_completions.d/memsnap.fish.
# Keep in step with `memsnap SUBCOMMAND --help` (tests/e2e/test_docs.py checks every option).

set -l subcommands mem mem-smaps snapshot diff watch plot report capture serve

# PIDs (with their process name as description), process names, and self.
function __memsnap_pids
    echo -e "self\tmemsnap itself"
    for pid in (string match -r '^[0-9]+$' -- (string replace /proc/ '' -- /proc/*))
        set -l name (cat /proc/$pid/comm 2>/dev/null)
        and begin
            echo -e "$pid\t$name"
            echo -e "$name\tprocess name"
        end
    end
end

complete -c memsnap -f

# memsnap alone (memsnap --mem PID..., memsnap --smaps FILE)
complete -c memsnap -n "not __fish_seen_subcommand_from $subcommands" -a mem -d 'The hidumper-style memory table of each PID'
complete -c memsnap -n "not __fish_seen_subcommand_from $subcommands" -a mem-smaps -d 'The per-mapping view of a PID'
complete -c memsnap -n "not __fish_seen_subcommand_from $subcommands" -a snapshot -d 'One snapshot of a process as JSON'
complete -c memsnap -n "not __fish_seen_subcommand_from $subcommands" -a diff -d 'What grew between two snapshots'
complete -c memsnap -n "not __fish_seen_subcommand_from $subcommands" -l version -d 'Print the version'
complete -c memsnap -n "not __fish_seen_subcommand_from $subcommands" -l mem -d 'The memory table of each PID'
complete -c memsnap -n "__fish_contains_opt mem; and not __fish_seen_subcommand_from $subcommands" -a '(__memsnap_pids)'

# Options of mem, also valid without a subcommand.
set -l mem_cond "__fish_seen_subcommand_from mem; or not __fish_seen_subcommand_from $subcommands"
complete -c memsnap -n $mem_cond -l smaps -r -F -d 'Classify a lone smaps file (- for stdin)'
complete -c memsnap -n $mem_cond -l time -x -d 'With --smaps: when it was taken (ISO 8601 UTC or @SECONDS)'
complete -c memsnap -n $mem_cond -l pid -x -d 'With --smaps: the PID it came from'
complete -c memsnap -n $mem_cond -l name -x -d 'With --smaps: the process name it came from'
complete -c memsnap -n $mem_cond -l proc-root -r -F -d 'Read a /proc-like tree or a capture tarball'
complete -c memsnap -n $mem_cond -l format -x -a 'table json csv prom' -d 'Output format'
complete -c memsnap -n $mem_cond -l human -d 'Sizes as KiB/MiB/GiB'
complete -c memsnap -n $mem_cond -l sort -x -a 'pss rss uss swap native js fd threads' -d 'Listing: sort by this column'
complete -c memsnap -n $mem_cond -l top -x -d 'Listing: only the first N processes'
complete -c memsnap -n $mem_cond -l user -x -a '(__fish_complete_users)' -d 'Listing: only this user'
complete -c memsnap -n $mem_cond -l group-by -x -a 'program user cgroup' -d 'Listing: one row per program, user or cgroup'
complete -c memsnap -n $mem_cond -l categories -d 'Listing: native and JS heap columns (full smaps)'
complete -c memsnap -n $mem_cond -l all -d 'Listing: include kernel threads'
complete -c memsnap -n $mem_cond -l jobs -x -d 'Listing: read processes on N threads (default: online CPUs)'
complete -c memsnap -n $mem_cond -l fds -d 'With a PID: list every open descriptor'
complete -c memsnap -n $mem_cond -l columns -x -a 'auto fit all' -d 'With a PID: the table width (or N characters)'
complete -c memsnap -n $mem_cond -l rules -x -a 'memsnap hidumper dumpsys' -d 'Rule set for the rows'
complete -c memsnap -n $mem_cond -l no-infer -d 'Name rules only: no attribution by mapping shape'
complete -c memsnap -n "__fish_seen_subcommand_from mem" -a '(__memsnap_pids)'

# mem-smaps PID (also memsnap --mem-smaps PID)
complete -c memsnap -n "not __fish_seen_subcommand_from $subcommands" -l mem-smaps -x -a '(__memsnap_pids)' -d 'The per-mapping view of a PID'
set -l smaps_cond "__fish_seen_subcommand_from mem-smaps; or __fish_contains_opt mem-smaps"
complete -c memsnap -n $smaps_cond -s v -l verbose -d 'One row per mapping, with address range'
complete -c memsnap -n "__fish_seen_subcommand_from mem-smaps" -l rules -x -a 'memsnap hidumper dumpsys' -d 'Rule set for the rows'
complete -c memsnap -n "__fish_seen_subcommand_from mem-smaps" -l no-infer -d 'Name rules only: no attribution by mapping shape'
complete -c memsnap -n "__fish_seen_subcommand_from mem-smaps" -l smaps -r -F -d 'A lone smaps file instead of a PID'
complete -c memsnap -n "__fish_seen_subcommand_from mem-smaps" -l proc-root -x -a '(__fish_complete_directories)' -d 'Read a /proc-like tree'
complete -c memsnap -n "__fish_seen_subcommand_from mem-smaps" -l format -x -a 'table json csv' -d 'Output format'
complete -c memsnap -n "__fish_seen_subcommand_from mem-smaps" -l human -d 'Sizes as KiB/MiB/GiB'
complete -c memsnap -n "__fish_seen_subcommand_from mem-smaps" -a '(__memsnap_pids)'

# snapshot PID
complete -c memsnap -n "__fish_seen_subcommand_from snapshot" -s o -l output -r -F -d 'Write the JSON to FILE atomically'
complete -c memsnap -n "__fish_seen_subcommand_from snapshot" -l append -r -F -d 'Append one NDJSON line to FILE'
complete -c memsnap -n "__fish_seen_subcommand_from snapshot" -l format -x -a 'json csv prom' -d 'Output format'
complete -c memsnap -n "__fish_seen_subcommand_from snapshot" -l proc-root -x -a '(__fish_complete_directories)' -d 'Read a /proc-like tree'
complete -c memsnap -n "__fish_seen_subcommand_from snapshot" -l rules -x -a 'memsnap hidumper dumpsys' -d 'Rule set for the rows'
complete -c memsnap -n "__fish_seen_subcommand_from snapshot" -l no-infer -d 'Name rules only: no attribution by mapping shape'
complete -c memsnap -n "__fish_seen_subcommand_from snapshot" -l mappings -d 'Also store every mapping, for diff'
complete -c memsnap -n "__fish_seen_subcommand_from snapshot" -a '(__memsnap_pids)'

# diff A B | diff SERIES
complete -c memsnap -n "__fish_seen_subcommand_from diff" -F
complete -c memsnap -n "__fish_seen_subcommand_from diff" -l threshold -x -a 'native= js= graphics= anon= file= shared= fd= thread= total=' -d 'GROUP=ABS[/PCT%],...'
complete -c memsnap -n "__fish_seen_subcommand_from diff" -l js-heap -x -a 'ark anon auto' -d 'What counts as JS heap'
complete -c memsnap -n "__fish_seen_subcommand_from diff" -l pid -x -d 'One process of a many-process stream (PID or PID@STARTTIME)'
complete -c memsnap -n "__fish_seen_subcommand_from diff" -l group-by -x -a 'program user cgroup' -d 'Rank the groups of a many-process stream'
complete -c memsnap -n "__fish_seen_subcommand_from diff" -l force -d 'Compare snapshots of different processes'
complete -c memsnap -n "__fish_seen_subcommand_from diff" -l format -x -a 'table json csv' -d 'Output format'
complete -c memsnap -n "__fish_seen_subcommand_from diff" -l human -d 'Sizes as KiB/MiB/GiB'
complete -c memsnap -n "__fish_seen_subcommand_from diff" -l event -x -a 'hiappevent' -d 'Verdicts as resource-leak events'
complete -c memsnap -n "__fish_seen_subcommand_from diff" -l plot -r -F -d 'Also write the chart to FILE.svg'

# plot SERIES...
complete -c memsnap -n "not __fish_seen_subcommand_from $subcommands" -a plot -d 'An SVG chart of a series'
complete -c memsnap -n "__fish_seen_subcommand_from plot" -F
complete -c memsnap -n "__fish_seen_subcommand_from plot" -s o -l output -r -F -d 'Write the SVG to FILE'
complete -c memsnap -n "__fish_seen_subcommand_from plot" -l format -x -a 'svg' -d 'Output format'
complete -c memsnap -n "__fish_seen_subcommand_from plot" -l groups -x -a 'native js graphics fd thread total' -d 'Draw only these groups'
complete -c memsnap -n "__fish_seen_subcommand_from plot" -l categories -x -d 'A line per category row'
complete -c memsnap -n "__fish_seen_subcommand_from plot" -l stack -d 'The groups as stacked areas, the total on top'
complete -c memsnap -n "__fish_seen_subcommand_from plot" -l since -x -a '10s 1m 10m 1h' -d 'Start this long after the first sample'
complete -c memsnap -n "__fish_seen_subcommand_from plot" -l until -x -a '10s 1m 10m 1h' -d 'End this long after the first sample'
complete -c memsnap -n "__fish_seen_subcommand_from plot" -l width -x -d 'Width in px'
complete -c memsnap -n "__fish_seen_subcommand_from plot" -l height -x -d 'Height in px'
complete -c memsnap -n "__fish_seen_subcommand_from plot" -l threshold -x -a 'native= js= graphics= fd= thread=' -d 'GROUP=ABS[/PCT%],...'
complete -c memsnap -n "__fish_seen_subcommand_from plot" -l js-heap -x -a 'ark anon auto' -d 'What counts as JS heap'

# watch PID
complete -c memsnap -n "not __fish_seen_subcommand_from $subcommands" -a watch -d 'Timed snapshots streamed as NDJSON or CSV'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -a '(__memsnap_pids)'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l interval -x -a '100ms 500ms 1s 5s 1m' -d 'Time between samples'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l count -x -d 'Stop after N samples'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l duration -x -a '10s 1m 10m 1h' -d 'Stop after this long'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -s o -l output -r -F -d 'Append the samples to FILE'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l format -x -a 'ndjson csv' -d 'Output format'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l light -d 'smaps_rollup and status only'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l budget -x -a '1% 5% 10%' -d 'at most PCT of a CPU: full smaps only when the rollup moved'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l plot -r -F -d 'Redraw the chart into FILE.svg'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l event -x -a 'hiappevent' -d 'Leak events on stderr'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l threshold -x -a 'native= js= graphics= anon= file= shared= fd= thread= total=' -d 'GROUP=ABS[/PCT%],...'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l js-heap -x -a 'ark anon auto' -d 'What counts as JS heap'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l proc-root -x -a '(__fish_complete_directories)' -d 'Read a /proc-like tree'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l rules -x -a 'memsnap hidumper dumpsys' -d 'Rule set for the rows'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l no-infer -d 'Name rules only: no attribution by mapping shape'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l mappings -d 'Store every mapping in each sample, for diff'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l all -d 'Every process, in one stream'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l name -x -d 'Every process whose comm matches this regex'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l user -x -a '(__fish_complete_users)' -d 'Every process of this user'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l cgroup -x -d 'Every process in this cgroup or below'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l children -d 'Also every descendant of those selected'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l full-every -x -d 'Read each in full at least every N ticks'
complete -c memsnap -n "__fish_seen_subcommand_from watch" -l jobs -x -d 'Threads reading the processes'

# capture PID... | --all
complete -c memsnap -n "not __fish_seen_subcommand_from $subcommands" -a capture -d 'The files memsnap reads, into one tarball'
complete -c memsnap -n "__fish_seen_subcommand_from capture" -a '(__memsnap_pids)'
complete -c memsnap -n "__fish_seen_subcommand_from capture" -l all -d 'Every process that can be read'
complete -c memsnap -n "__fish_seen_subcommand_from capture" -s o -l output -r -F -d 'Write the tarball to FILE (- for stdout)'
complete -c memsnap -n "__fish_seen_subcommand_from capture" -s z -l gzip -d 'Compress with gzip'
complete -c memsnap -n "__fish_seen_subcommand_from capture" -l light -d 'smaps_rollup instead of smaps'
complete -c memsnap -n "__fish_seen_subcommand_from capture" -l jobs -x -d 'Read processes on N threads (default: online CPUs)'
complete -c memsnap -n "__fish_seen_subcommand_from capture" -l proc-root -r -F -d 'Capture from a tree or another capture'

# serve [PID...]
complete -c memsnap -n "not __fish_seen_subcommand_from $subcommands" -a serve -d 'A Prometheus exporter'
complete -c memsnap -n "__fish_seen_subcommand_from serve" -a '(__memsnap_pids)'
complete -c memsnap -n "__fish_seen_subcommand_from serve" -l listen -x -a '127.0.0.1:9400 [::1]:9400' -d 'HOST:PORT to listen on'
complete -c memsnap -n "__fish_seen_subcommand_from serve" -l web.listen-address -x -a '127.0.0.1:9400' -d 'As --listen'
complete -c memsnap -n "__fish_seen_subcommand_from serve" -l group-by -x -a 'program user cgroup' -d 'One series per program, user or cgroup'
complete -c memsnap -n "__fish_seen_subcommand_from serve" -l interval -x -a '1s 5s 15s 1m' -d 'Time between samples'
complete -c memsnap -n "__fish_seen_subcommand_from serve" -l name -x -d 'Also processes whose comm matches this regex'
complete -c memsnap -n "__fish_seen_subcommand_from serve" -l all -d 'Every process (totals) besides the PIDs'
complete -c memsnap -n "__fish_seen_subcommand_from serve" -l categories -d 'Full smaps of every process'
complete -c memsnap -n "__fish_seen_subcommand_from serve" -l proc-root -r -F -d 'Read a /proc-like tree or a capture'
complete -c memsnap -n "__fish_seen_subcommand_from serve" -l rules -x -a 'memsnap hidumper dumpsys' -d 'Rule set for the rows'
complete -c memsnap -n "__fish_seen_subcommand_from serve" -l no-infer -d 'Name rules only: no attribution by mapping shape'

complete -c memsnap -s h -l help -d 'Print help'

# report A B | report SERIES
complete -c memsnap -n "not __fish_seen_subcommand_from $subcommands" -a report -d 'A self-contained HTML report'
complete -c memsnap -n "__fish_seen_subcommand_from report" -F
complete -c memsnap -n "__fish_seen_subcommand_from report" -s o -l output -r -F -d 'Write the HTML to FILE'
complete -c memsnap -n "__fish_seen_subcommand_from report" -l format -x -a 'html' -d 'Output format'
complete -c memsnap -n "__fish_seen_subcommand_from report" -l threshold -x -a 'native= js= graphics= fd= thread=' -d 'GROUP=ABS[/PCT%],...'
complete -c memsnap -n "__fish_seen_subcommand_from report" -l js-heap -x -a 'ark anon auto' -d 'What counts as JS heap'
complete -c memsnap -n "__fish_seen_subcommand_from report" -l force -d 'Compare snapshots of different processes'
