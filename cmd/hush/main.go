// Hush is a tool for exercising the hush TLS library.
//
// Usage:
//
//	hush <command> [arguments]
//
// The commands are:
//
//	client      connect to a TLS server, like openssl s_client
//	demo        run a handshake and a bulk transfer over loopback
//	server      run a TLS server: an HTTPS page or an echo service
//
// Use "hush help <command>" for more information about a command.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one subcommand of hush. New subcommands (client, server) are
// added to the commands table.
type command struct {
	// Name is the word that selects the command.
	Name string
	// UsageLine is the one-line synopsis, after "usage: hush ".
	UsageLine string
	// Short is the description shown in the command list.
	Short string
	// Long is the help text shown by "hush help <command>" and -h.
	Long string
	// Run executes the command with the arguments after its name and
	// returns the process exit code.
	Run func(cmd *command, args []string, stdout, stderr io.Writer) int
}

// Exit codes, as the Go toolchain uses them.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// commands returns the table of subcommands, sorted by name.
func commands() []*command {
	cmds := []*command{demoCommand, clientCommand, serverCommand}
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].Name < cmds[j].Name })
	return cmds
}

func lookup(name string) *command {
	for _, c := range commands() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches args (without the program name) to a subcommand and
// returns the exit code. Tests call it in-process.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		return exitUsage
	}
	switch name := args[0]; name {
	case "help", "-h", "-help", "--help":
		return runHelp(args[1:], stdout, stderr)
	default:
		cmd := lookup(name)
		if cmd == nil {
			fmt.Fprintf(stderr, "hush %s: unknown command\nRun 'hush help' for usage.\n", name)
			return exitUsage
		}
		return cmd.Run(cmd, args[1:], stdout, stderr)
	}
}

func runHelp(args []string, stdout, stderr io.Writer) int {
	switch len(args) {
	case 0:
		printUsage(stdout)
		return exitOK
	case 1:
		cmd := lookup(args[0])
		if cmd == nil {
			fmt.Fprintf(stderr, "hush help %s: unknown help topic. Run 'hush help'.\n", args[0])
			return exitUsage
		}
		printCommandHelp(stdout, cmd)
		return exitOK
	default:
		fmt.Fprintln(stderr, "usage: hush help command\n\nToo many arguments given.")
		return exitUsage
	}
}

func printUsage(w io.Writer) {
	var b strings.Builder
	b.WriteString("Hush is a tool for exercising the hush TLS library.\n\n")
	b.WriteString("Usage:\n\n\thush <command> [arguments]\n\nThe commands are:\n\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "\t%-11s %s\n", c.Name, c.Short)
	}
	b.WriteString("\nUse \"hush help <command>\" for more information about a command.\n")
	io.WriteString(w, b.String())
}

func printCommandHelp(w io.Writer, cmd *command) {
	fmt.Fprintf(w, "usage: hush %s\n\n%s", cmd.UsageLine, strings.TrimLeft(cmd.Long, "\n"))
}
