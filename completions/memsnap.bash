# bash completion for memsnap                                   -*- shell-script -*-
# Installed as share/bash-completion/completions/memsnap (loaded on first use of `memsnap`).
# Keep in step with `memsnap SUBCOMMAND --help` (tests/e2e/test_docs.py checks every option).

# Process names and PIDs for an argument that takes a PID. Matched by prefix here, not with
# `compgen -W`, which expands and unquotes its word list (a process named `a"b` broke every
# name); each offered word is quoted (printf %q) so a name with a space or quote stays one word.
_memsnap_pids() {
    local w q
    local -a words
    words=(self $(cd /proc 2>/dev/null && compgen -G '[0-9]*'))
    mapfile -t -O ${#words[@]} words < <(cat /proc/[0-9]*/comm 2>/dev/null | sort -u)
    COMPREPLY=()
    for w in "${words[@]}"; do
        [[ $w == "$cur"* ]] || continue
        printf -v q '%q' "$w"
        COMPREPLY+=("$q")
    done
}

_memsnap() {
    local cur prev words cword
    _init_completion || return

    local subcommands="mem mem-smaps snapshot diff watch plot report capture serve"
    # Options of each subcommand; "top" is `memsnap` alone, where mem's options also work.
    local opts_mem="--smaps --time --pid --name --proc-root --format --human --sort --top --user --group-by --categories --jobs --all --fds --columns --rules --no-infer --help"
    local opts_mem_smaps="-v --verbose --smaps --rules --no-infer --proc-root --format --human --help"
    local opts_snapshot="-o --output --append --format --proc-root --rules --no-infer --mappings --help"
    local opts_diff="--threshold --js-heap --force --format --human --event --plot --pid --group-by --help"
    local opts_report="-o --output --format --threshold --js-heap --force --help"
    local opts_plot="-o --output --format --groups --categories --stack --since --until --width --height --threshold --js-heap --help"
    local opts_watch="--interval --count --duration -o --output --format --light --budget --event --threshold --js-heap --proc-root --rules --no-infer --mappings --plot --all --name --user --cgroup --children --full-every --jobs --help"
    local opts_capture="--all -o --output -z --gzip --light --jobs --proc-root --help"
    local opts_serve="--listen --web.listen-address --interval --name --all --categories --group-by --proc-root --rules --no-infer --help"
    local opts_top="--mem --mem-smaps --version $opts_mem"
    local formats_mem="table json csv prom"
    local formats_mem_smaps="table json csv"
    local formats_snapshot="json csv prom"
    local formats_diff="table json csv"
    local formats_watch="ndjson csv"
    local formats_plot="svg"
    local formats_report="html"

    local sub="" w
    for w in "${words[@]:1:cword-1}"; do
        case "$w" in
            mem | mem-smaps | snapshot | diff | watch | plot | report | capture | serve) sub=$w; break ;;
            --mem-smaps) sub=mem-smaps; break ;;
        esac
    done

    case "$prev" in
        --proc-root) _filedir; return ;;  # a directory or a tarball
        --smaps | -o | --output | --append | --plot) _filedir; return ;;
        --groups) COMPREPLY=($(compgen -W "native js graphics fd thread total" -- "$cur")); return ;;
        --since | --until) COMPREPLY=($(compgen -W "10s 1m 10m 1h" -- "$cur")); return ;;
        --width | --height | --categories) return ;;
        --format)
            local formats_var="formats_${sub:-mem}"
            formats_var=${formats_var//-/_}
            COMPREPLY=($(compgen -W "${!formats_var}" -- "$cur"))
            return ;;
        --js-heap) COMPREPLY=($(compgen -W "ark anon auto" -- "$cur")); return ;;
        --sort) COMPREPLY=($(compgen -W "pss rss uss swap native js fd threads" -- "$cur")); return ;;
        --rules) COMPREPLY=($(compgen -W "memsnap hidumper dumpsys" -- "$cur")); return ;;
        --group-by) COMPREPLY=($(compgen -W "program user cgroup" -- "$cur")); return ;;
        --user) COMPREPLY=($(compgen -u -- "$cur")); return ;;
        --top | --count | --time | --pid | --name | --jobs | --cgroup | --full-every) return ;;
        --listen | --web.listen-address) COMPREPLY=($(compgen -W "127.0.0.1:9400 [::1]:9400" -- "$cur")); return ;;
        --interval | --duration) COMPREPLY=($(compgen -W "100ms 500ms 1s 5s 1m 10m" -- "$cur")); return ;;
        --event) COMPREPLY=($(compgen -W "hiappevent" -- "$cur")); return ;;
        --threshold)
            COMPREPLY=($(compgen -W "native= js= graphics= anon= file= shared= fd= thread= total=" -- "$cur"))
            compopt -o nospace
            return ;;
    esac

    if [[ "$cur" == -* ]]; then
        local opts_var="opts_${sub:-top}"
        opts_var=${opts_var//-/_}
        COMPREPLY=($(compgen -W "${!opts_var}" -- "$cur"))
        return
    fi
    if [[ -z "$sub" && $cword -eq 1 ]]; then
        COMPREPLY=($(compgen -W "$subcommands" -- "$cur"))
        return
    fi
    case "$sub" in
        diff | plot | report) _filedir ;;  # snapshot or series files (FILE, FILE:N, -)
        *) _memsnap_pids ;;
    esac
}
complete -F _memsnap memsnap
