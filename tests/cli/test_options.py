#!/usr/bin/python3
"""test_options.py - every h5snoop command's command line, through the
real program: report, plot, export, record, advise and top share one
option table, so an unknown option, an option without its value and a bad
value give the same error line, the same "Try" line and exit 2, with
nothing on standard output; --help prints the command's usage on standard
output and exits 0 with nothing on standard error.

Usage errors come before any trace is read or program run, so no trace is
needed: the positional arguments name nothing that exists.
"""

import analyzer_testlib as at
import testlib
from testlib import check

COMMANDS = ("report", "plot", "export", "record", "advise", "top")

# command -> an option of it that takes a value
VALUE_OPTION = {"report": "--format", "plot": "--output",
                "export": "--format", "record": "--output",
                "advise": "--rtt", "top": "--interval"}

# (command, arguments, the error) for values the command refuses
BAD_VALUES = (
    ("report", ["--top", "0", "t"],
     "--top takes a number of groups from 1 to 1000000, not '0'"),
    ("export", ["-f", "svg", "t"], "unknown format 'svg'"),
    ("advise", ["-f", "csv", "t"], "unknown format 'csv'"),
    ("advise", ["--rtt", "fast", "t"],
     "--rtt wants a time such as 30ms, not 'fast'"),
    ("advise", ["--what-if=lru", "t"],
     "--what-if wants none, blockcache[:BLOCK[:N]], readahead[:BLOCK], "
     "pagebuffer[:PAGE[:SIZE]] or ros3-1.14, not 'lru'"),
    ("top", ["--interval", "0.01"],
     "--interval wants seconds between 0.05 and 3600, not '0.01'"),
    ("top", ["--interval=never", "d"],
     "--interval wants seconds between 0.05 and 3600, not 'never'"),
    ("top", ["a", "b"], "one DIR at most"),
    ("advise", [], "no trace or trace root given"),
    ("report", [], "no trace given"),
)


def usage_error(command, args, message):
    rc, out, err = at.h5snoop([command] + args)
    want = ("h5snoop: error: %s\nTry 'h5snoop %s --help'.\n"
            % (message, command))
    check(rc == 2, "h5snoop %s %s: exit %d, want 2\n%s"
          % (command, " ".join(args), rc, err))
    check(out == "", "h5snoop %s %s wrote to stdout: %r"
          % (command, " ".join(args), out))
    check(err == want, "h5snoop %s %s:\nwant %r\ngot  %r"
          % (command, " ".join(args), want, err))


def help_text(command):
    for flag in ("--help", "-h"):
        rc, out, err = at.h5snoop([command, flag])
        check(rc == 0 and err == "", "h5snoop %s %s: exit %d\n%s"
              % (command, flag, rc, err))
        check(out.startswith("Usage: h5snoop %s " % command),
              "h5snoop %s %s: %r" % (command, flag, out[:80]))
        for line in out.splitlines():
            check(len(line) <= 79, "h5snoop %s --help: a line of %d "
                  "columns: %r" % (command, len(line), line))


def main():
    for command in COMMANDS:
        # An unknown option, before and after a positional argument
        # (record's options end at its command: only before).
        usage_error(command, ["--no-such-option", "t"],
                    "unknown option '--no-such-option'")
        if command != "record":
            usage_error(command, ["t", "-Z"], "unknown option '-Z'")
        # A flag given a value is unknown, not silently accepted.
        flag = {"record": "--quiet", "top": "--once"}.get(command,
                                                          "--strict")
        usage_error(command, [flag + "=1", "t"],
                    "unknown option '%s=1'" % flag)
        # An option with its value missing, last on the line.
        opt = VALUE_OPTION[command]
        usage_error(command, [opt], "option '%s' needs a value" % opt)
        help_text(command)
    for command, args, message in BAD_VALUES:
        usage_error(command, args, message)
    print("ok")


if __name__ == "__main__":
    main()
