# trialscreen.bash -- bash completion for trialscreen(1).
#
# Installed by "make install" as
# $(PREFIX)/share/bash-completion/completions/trialscreen, where
# bash-completion loads it on first use; or source it from ~/.bashrc.
# Completes verbs, options and their values (trial ids from the loaded
# criteria for -t, formats, sections), record files for screening and
# YAML files for -c, lint and test.  tests/completion.sh checks that every
# option --help lists is here.

_trialscreen_trials()
{
    # Ids and short titles of the criteria the command line would load.
    local crit=() i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -c|--criteria) crit+=(-c "${COMP_WORDS[i+1]}") ;;
        esac
    done
    "${COMP_WORDS[0]}" trials --json "${crit[@]}" 2>/dev/null |
        sed -n 's/^{"trial":"\([^"]*\)".*/\1/p'
}

# Files ending in one of the given suffixes, and directories.
_trialscreen_files()
{
    local cur=$1 suffix
    shift
    for suffix; do
        compgen -f -X "!*.$suffix" -- "$cur"
    done
    compgen -d -- "$cur"
}

_trialscreen()
{
    local cur prev verb i
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    verb=screen
    if ((COMP_CWORD > 1)); then
        case ${COMP_WORDS[1]} in
        screen|trials|lint|test|concepts|replay|merge) verb=${COMP_WORDS[1]} ;;
        esac
    fi

    case $prev in
    -c|--criteria)
        COMPREPLY=($(_trialscreen_files "$cur" yaml yml))
        return ;;
    -t|--trial)
        COMPREPLY=($(compgen -W "$(_trialscreen_trials)" -- "$cur"))
        return ;;
    --format)
        case $verb in
        trials|concepts) COMPREPLY=($(compgen -W "text ndjson markdown" -- "$cur")) ;;
        lint) COMPREPLY=($(compgen -W "text ndjson" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "text ndjson csv html" -- "$cur")) ;;
        esac
        return ;;
    --assume-complete)
        COMPREPLY=($(compgen -W "conditions procedures medications locations all" -- "$cur"))
        return ;;
    --at)
        COMPREPLY=($(compgen -W "now" -- "$cur"))
        return ;;
    -o|--output)
        COMPREPLY=($(compgen -f -- "$cur"))
        return ;;
    --html-dir)
        COMPREPLY=($(compgen -d -- "$cur"))
        return ;;
    --from|--to)
        [[ $verb == replay ]] && return
        ;;
    --detail)
        COMPREPLY=($(compgen -W "verdicts criteria full" -- "$cur"))
        return ;;
    -j|--jobs|--shard|--shards|--max-record|--step|--min-window)
        return ;;
    esac

    if [[ $cur == --color=* || $cur == --colour=* ]]; then
        COMPREPLY=($(compgen -P "${cur%%=*}=" -W "auto always never" -- "${cur#*=}"))
        return
    fi
    if [[ $cur == -* ]]; then
        local opts
        case $verb in
        test) opts="--criteria --verbose --help" ;;
        *) [[ $verb == replay ]] &&
               opts="--step --from --to --min-window --points --every-point"
           [[ $verb == merge ]] && opts="--shards --blocks"
           opts+=" --criteria --trial --at --format --json --detail --jobs
                 --summary --output --html-dir --shard --max-record --no-progress --quiet
                 --no-warnings --assume-complete --strict --verbose --color=
                 --coverage --help --version" ;;
        esac
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        [[ ${COMPREPLY[0]-} == *= ]] && compopt -o nospace 2>/dev/null
        return
    fi
    if ((COMP_CWORD == 1)); then
        COMPREPLY=($(compgen -W "screen trials lint test concepts replay merge" -- "$cur"))
    fi
    case $verb in
    lint|test)
        COMPREPLY+=($(_trialscreen_files "$cur" yaml yml)) ;;
    trials|concepts) ;;
    replay)
        COMPREPLY+=($(_trialscreen_files "$cur" json ndjson jsonl)) ;;
    *)
        COMPREPLY+=($(_trialscreen_files "$cur" json ndjson jsonl)) ;;
    esac
}

complete -o filenames -F _trialscreen trialscreen
