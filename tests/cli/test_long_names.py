"""test_long_names.py - names longer than any buffer the analyzer once cut
them to stay whole: each file, flavor and group its own.

make_long_names writes one process's trace with
  - two fsspec file objects whose URLs (2,600 bytes and more) are alike
    up to their last component, with 3 + 2 and 5 + 4 reads and requests
    (the requests tied to no read: found by the file's URL);
  - two local files whose stems are alike for 300 bytes (2 and 4 reads);
  - requests of no file for two long URLs alike past 2,600 bytes (2 and
    3, taking turns).
Before, a file object's URL was cut at 2,048 bytes and a flavor at 256:
the two files became one, their requests matched neither, and each pair
shared one flavor; the grid of files by flavors joined the two files'
rows.  `h5snoop report --by flavor` and `--by file` (csv) must count
every one on its own, and the grid of --by file,flavor (the HTML page's
pivot, as the pictures draw it) must give each file a row.
"""

import csv
import io
import os
import re
import shutil

import testlib as t


def report(args):
    p = t.run([t.h5snoop_bin(), "report"] + args)
    t.check(p.returncode == 0, "report %s: exit %d: %s"
            % (args[:-1], p.returncode, p.stderr.decode(errors="replace")))
    return p.stdout.decode()


def counts(text):
    """{(group, layer): requests} of a csv report's "all" rows, those
    with requests."""
    return {(r["group"], r["layer"]): int(r["requests"])
            for r in csv.DictReader(io.StringIO(text))
            if r["bin"] == "all" and int(r["requests"])}


def stem(path):
    return os.path.splitext(path.rsplit("/", 1)[-1])[0]


def main():
    work = t.tempdir()
    try:
        gen = t.run([t.sample_bin("make_long_names"), work])
        t.check(gen.returncode == 0, "make_long_names: %s" % gen.stderr)
        url_a, url_b, path_a, path_b, free_a, free_b = \
            gen.stdout.decode().splitlines()
        t.check(url_a[:2048] == url_b[:2048] and len(url_a) > 2600
                and stem(path_a)[:256] == stem(path_b)[:256],
                "the generated names are not alike past the old cuts")

        want_flavor = {
            (stem(url_a), "vfd"): 3, (stem(url_a), "http"): 2,
            (stem(url_b), "vfd"): 5, (stem(url_b), "http"): 4,
            (stem(path_a), "vfd"): 2, (stem(path_b), "vfd"): 4,
            (stem(free_a), "http"): 2, (stem(free_b), "http"): 3,
        }
        got = counts(report(["--format", "csv", "--by", "flavor", work]))
        t.check(got == want_flavor, "--by flavor: want %s,\ngot %s"
                % (short(want_flavor), short(got)))

        want_file = {
            (url_a, "vfd"): 3, (url_a, "http"): 2,
            (url_b, "vfd"): 5, (url_b, "http"): 4,
            (path_a, "vfd"): 2, (path_b, "vfd"): 4,
            (free_a, "http"): 2, (free_b, "http"): 3,
        }
        got = counts(report(["--format", "csv", "--by", "file", work]))
        t.check(got == want_file, "--by file: want %s,\ngot %s"
                % (short(want_file), short(got)))

        # The grid (rows: files, columns: flavors; the HTML page's pivot
        # and the pictures): a row for each file, one flavor in each.
        page = report(["--format", "html", "--by", "file,flavor", work])
        pivot = page[page.index('id="pivot"'):page.index('id="findings"')]
        rows = re.findall(r'<tr><td class="name">(.*?)</tr>', pivot)
        t.check(len(rows) == 6, "the grid has %d rows, want one per file "
                "(6):\n%s" % (len(rows), "\n".join(rows)))
        for row in rows:
            cells = re.findall(r"<td>([^<]*)</td><td>[^<]*</td>", row)
            t.check(sum(c != "-" for c in cells) == 1,
                    "a grid row shows %d flavors, want 1: ...%s"
                    % (sum(c != "-" for c in cells), row[-200:]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("long names: ok")


def short(d):
    """Keys cut for a readable failure message."""
    return {("..." + g[-30:] if len(g) > 40 else g, l): n
            for (g, l), n in sorted(d.items())}


if __name__ == "__main__":
    main()
