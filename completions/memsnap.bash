# bash completion for memsnap
_memsnap() {
    local cur prev words cword
    _init_completion || return
    local subcommands="mem"
    local common="--proc-root --format --human --help"
    case "$prev" in
        --proc-root) _filedir -d; return ;;
        --smaps) _filedir; return ;;
        --format) COMPREPLY=($(compgen -W "table json" -- "$cur")); return ;;
    esac
    local sub="" w
    for w in "${words[@]:1:cword-1}"; do
        case "$w" in mem) sub=$w; break ;; esac
    done
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "--mem --smaps $common --version" -- "$cur"))
        return
    fi
    if [[ -z "$sub" && $cword -eq 1 ]]; then
        COMPREPLY=($(compgen -W "$subcommands" -- "$cur"))
        return
    fi
    # A PID or a process name.
    local pids names
    pids=$(cd /proc 2>/dev/null && compgen -G '[0-9]*')
    names=$(cat /proc/[0-9]*/comm 2>/dev/null | sort -u)
    COMPREPLY=($(compgen -W "self $pids $names" -- "$cur"))
}
complete -F _memsnap memsnap
