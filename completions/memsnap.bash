# bash completion for memsnap
_memsnap() {
    local cur prev words cword
    _init_completion || return
    local subcommands="mem snapshot diff"
    local common="--proc-root --format --human --help"
    case "$prev" in
        --proc-root) _filedir -d; return ;;
        --smaps|-o|--output|--append) _filedir; return ;;
        --format) COMPREPLY=($(compgen -W "table json" -- "$cur")); return ;;
        --js-heap) COMPREPLY=($(compgen -W "ark anon auto" -- "$cur")); return ;;
        --threshold)
            COMPREPLY=($(compgen -W "native= js= graphics= fd= thread=" -- "$cur"))
            compopt -o nospace
            return ;;
    esac
    local sub="" w
    for w in "${words[@]:1:cword-1}"; do
        case "$w" in mem|snapshot|diff) sub=$w; break ;; esac
    done
    if [[ "$cur" == -* ]]; then
        case "$sub" in
            snapshot) COMPREPLY=($(compgen -W "-o --output --append --proc-root --help" -- "$cur")) ;;
            diff) COMPREPLY=($(compgen -W "--threshold --js-heap --force --format --human --help" -- "$cur")) ;;
            *) COMPREPLY=($(compgen -W "--mem --smaps $common --version" -- "$cur")) ;;
        esac
        return
    fi
    if [[ -z "$sub" && $cword -eq 1 ]]; then
        COMPREPLY=($(compgen -W "$subcommands" -- "$cur"))
        return
    fi
    if [[ "$sub" == diff ]]; then
        # Snapshot files (FILE, FILE:N, -).
        _filedir
        return
    fi
    # A PID or a process name.
    local pids names
    pids=$(cd /proc 2>/dev/null && compgen -G '[0-9]*')
    names=$(cat /proc/[0-9]*/comm 2>/dev/null | sort -u)
    COMPREPLY=($(compgen -W "self $pids $names" -- "$cur"))
}
complete -F _memsnap memsnap
