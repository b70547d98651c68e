package main

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"strings"
)

// completionFlags prints a completion script made from the command table,
// so every command and flag added there completes without more work.
func completionFlags(fs *flag.FlagSet) runner {
	return func(ctx context.Context, e *cmdEnv) error {
		switch e.args[0] {
		case "bash":
			_, err := fmt.Fprint(e.stdout, bashCompletion(e.cmds))
			return err
		case "zsh":
			_, err := fmt.Fprint(e.stdout, zshCompletion(e.cmds))
			return err
		}
		return fmt.Errorf("%w: completion for bash or zsh, not %q", errUsage, e.args[0])
	}
}

// completionNode is one word position: the words that may follow a
// command path ("" for the top level, "user" for a group) and, for a
// command, its flags with their help.
type completionNode struct {
	path    string
	words   []string          // subcommands, or the choices of a positional argument
	flags   map[string]string // --flag → help
	summary map[string]string // word → summary, for zsh
}

func completionTree(cmds []command) []*completionNode {
	nodes := map[string]*completionNode{}
	node := func(path string) *completionNode {
		if n, ok := nodes[path]; ok {
			return n
		}
		n := &completionNode{path: path, flags: map[string]string{}, summary: map[string]string{}}
		nodes[path] = n
		return n
	}
	add := func(n *completionNode, word, summary string) {
		for _, w := range n.words {
			if w == word {
				return
			}
		}
		n.words = append(n.words, word)
		n.summary[word] = summary
	}
	for i := range cmds {
		c := &cmds[i]
		words := strings.Fields(c.name)
		for j := range words {
			parent := strings.Join(words[:j], " ")
			summary := c.summary
			if j < len(words)-1 {
				summary = words[j] + " commands"
			}
			add(node(parent), words[j], summary)
		}
		n := node(c.name)
		for _, ch := range c.choices {
			add(n, ch, ch)
		}
		for _, f := range flagsOf(flagSetOf(c)) {
			_, help := flag.UnquoteUsage(f)
			n.flags[dashed(f.Name)] = help
		}
	}
	add(node(""), "help", "print the usage")
	out := make([]*completionNode, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// pathCases is the shell case pattern list of every command path but the
// top level, quoted for bash and zsh alike.
func pathCases(nodes []*completionNode) string {
	var ps []string
	for _, n := range nodes {
		if n.path != "" {
			ps = append(ps, `"`+n.path+`"`)
		}
	}
	return strings.Join(ps, "|")
}

func bashCompletion(cmds []command) string {
	nodes := completionTree(cmds)
	var b strings.Builder
	b.WriteString(`# bash completion for consentry: source <(consentry completion bash)
_consentry() {
	local cur="${COMP_WORDS[COMP_CWORD]}" path="" w i
	for ((i = 1; i < COMP_CWORD; i++)); do
		w="${COMP_WORDS[i]}"
		[[ $w == -* ]] && continue
		case "$path${path:+ }$w" in
		` + pathCases(nodes) + `) path="$path${path:+ }$w" ;;
		esac
	done
	local words="" flags=""
	case "$path" in
`)
	for _, n := range nodes {
		fmt.Fprintf(&b, "\t\"%s\") words=%q flags=%q ;;\n", n.path, strings.Join(n.words, " "), strings.Join(sortedKeys(n.flags), " "))
	}
	b.WriteString(`	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$flags" -- "$cur"))
	elif [[ -n $words ]]; then
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
	fi
}
complete -o default -F _consentry consentry
`)
	return b.String()
}

// zshQuote escapes a "word:description" entry for _describe.
func zshQuote(word, desc string) string {
	e := strings.NewReplacer(`:`, `\:`, `'`, `'\''`).Replace
	return "'" + e(word) + ":" + e(desc) + "'"
}

func zshCompletion(cmds []command) string {
	nodes := completionTree(cmds)
	var b strings.Builder
	b.WriteString(`#compdef consentry
# zsh completion for consentry: source <(consentry completion zsh) after compinit,
# or save it as _consentry in a directory on $fpath
compdef _consentry consentry
_consentry() {
	local path_="" w i
	for ((i = 2; i < CURRENT; i++)); do
		w=${words[i]}
		[[ $w == -* ]] && continue
		case "$path_${path_:+ }$w" in
		(` + pathCases(nodes) + `) path_="$path_${path_:+ }$w" ;;
		esac
	done
	local -a cmds flags
	case "$path_" in
`)
	for _, n := range nodes {
		var ws, fl []string
		for _, w := range n.words {
			ws = append(ws, zshQuote(w, n.summary[w]))
		}
		for _, f := range sortedKeys(n.flags) {
			fl = append(fl, zshQuote(f, n.flags[f]))
		}
		fmt.Fprintf(&b, "\t(\"%s\") cmds=(%s) flags=(%s) ;;\n", n.path, strings.Join(ws, " "), strings.Join(fl, " "))
	}
	b.WriteString(`	esac
	if [[ $PREFIX == -* ]]; then
		_describe 'flag' flags
	elif (( ${#cmds} )); then
		_describe 'command' cmds
	else
		_files
	fi
}
if [ "$funcstack[1]" = "_consentry" ]; then # autoloaded from $fpath
	_consentry "$@"
fi
`)
	return b.String()
}
