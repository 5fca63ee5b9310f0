#!/usr/bin/python3
"""test_html.py - `h5snoop report --format html` as a person opens it:

  - on the traces of four runs of four flavors (make_runs_trace): one
    file with the summary, the runs x flavors table (known counts and
    ratios), advise's findings, the groups, the six pictures inline, processes, files and
    errors; nothing that refers outside the page (no script, no src, no
    link, no url() in the style);
  - opened in headless Chromium (tests/lib/headless.py): no request
    leaves the page, no console message or error, and the screenshot
    shows the charts (its pixels read back: ink and many colors);
  - the check itself: a control page with a console.error and two
    outside resources must be caught by the same code;
  - hostile names (make_runs_trace hostile: <script>, quotes,
    ampersands, event handlers in labels and URLs): only the page's own
    elements and attributes, the names shown as text, and Chromium runs
    no script and makes no request.
Without Chromium (tests/install_deps.sh installs it) the test fails: CI
must not skip it.  Exit 0 pass, 1 fail.
"""

import html.parser
import os
import re
import subprocess
import tempfile

import analyzer_testlib as at
import headless
import pngread
import testlib
from testlib import check

RUNS = ["ros3-default", "ros3-tuned", "fsspec-default", "fsspec-tuned"]
FLAVORS = ["original", "page-only-8mb", "rechunked-2mb",
           "rechunked-2mb-paged"]
URL = ("http://127.0.0.1:8080/cloud/atl06/"
       "ATL06_20200811143458_07210811_006_01_%s.h5")
HOSTILE_RUNS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(2)>',
                "a&amp;b & 'c'", "</svg><script>alert(3)</script>"]
HOSTILE_FLAVORS = ["<b>original</b>", 'page"onmouseover="alert(4)',
                   "x&lt;y&#39;", "<style>*{}</style>"]

# What the page may hold: its own elements and attributes.
TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p",
        "code",
        "ul", "li", "b", "nav", "a", "table", "tr", "th", "td", "span",
        "figure", "figcaption", "svg", "rect", "line", "text", "path"}
ATTRS = {"lang", "charset", "http-equiv", "content", "href", "class",
         "colspan", "id", "xmlns", "width", "height", "viewBox",
         "viewbox", "font-family", "fill", "x", "y", "x1", "y1", "x2",
         "y2", "stroke", "stroke-width", "stroke-dasharray",
         "text-anchor", "font-size", "font-weight", "fill-opacity", "d"}


class Page(html.parser.HTMLParser):
    """Elements, attributes, text and <style> of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.text, self.style = set(), set(), [], []
        self.hrefs, self.ids, self.svgs = [], set(), 0
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.svgs += tag == "svg"
        self._in_style = tag == "style"
        for k, v in attrs:
            self.attrs.add(k)
            if k == "href":
                self.hrefs.append(v)
            if k == "id":
                self.ids.add(v)

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        (self.style if self._in_style else self.text).append(data)


def parse(path):
    p = Page()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    p.close()
    return p


def check_self_contained(page, what):
    check(page.tags <= TAGS, "%s: unexpected elements %r"
          % (what, page.tags - TAGS))
    check(page.attrs <= ATTRS, "%s: unexpected attributes %r"
          % (what, page.attrs - ATTRS))
    check(all(h.startswith("#") for h in page.hrefs),
          "%s: a link out of the page: %r" % (what, page.hrefs))
    style = "".join(page.style)
    check("url(" not in style and "@import" not in style,
          "%s: the style fetches something" % what)


def check_in_chromium(path, what, min_colors):
    """Opens path in Chromium: no request out, no console message, a
    screenshot with charts; returns the Page."""
    page = headless.open_page(path)
    check(page.requests and page.requests[0].startswith("file:"),
          "%s: Chromium did not load the page: %r" % (what, page.requests))
    check(not page.network_requests(), "%s: requests out of the page: %r"
          % (what, page.network_requests()))
    check(not page.console_errors() and not page.console,
          "%s: console: %r %r" % (what, page.console,
                                  page.console_errors()))
    shot = path + ".png"
    with open(shot, "wb") as f:
        f.write(page.screenshot)
    st = at.check_png(shot, what + " screenshot", min_colors)
    print("%s: screenshot %r" % (what, st))
    return page


def control(tmp):
    """The check can fail: a page that logs an error and asks for two
    outside resources is caught, and the proxy saw the request."""
    path = os.path.join(tmp, "control.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write('<!DOCTYPE html><html><body><p>control</p>'
                '<script>console.error("h5snoop-control")</script>'
                '<img src="http://control.invalid/x.png">'
                '<link rel="stylesheet" href="https://fonts.invalid/a.css">'
                '</body></html>')
    page = headless.open_page(path, 800, 600)
    check(("error", "h5snoop-control") in page.console,
          "control: console.error not seen: %r" % page.console)
    check(set(page.network_requests()) ==
          {"http://control.invalid/x.png", "https://fonts.invalid/a.css"},
          "control: requests not seen: %r" % page.requests)
    check(any("control.invalid" in t for t in page.trap),
          "control: the proxy saw no request: %r" % page.trap)


def runs(tmp, make):
    traces = os.path.join(tmp, "traces")
    os.mkdir(traces)
    subprocess.run([make, traces], check=True, timeout=60)
    out = os.path.join(tmp, "report.html")
    at.ok(["report", "--by", "label,file", "--baseline",
           "%s/%s" % (RUNS[0], URL % FLAVORS[0]), "--format", "html",
           "-o", out, traces])
    check_runs_page(out, lambda r: 10)
    # A baseline value, not a group: each run against its own baseline
    # file, as the text report's pivot does.
    out = os.path.join(tmp, "report-per-run.html")
    at.ok(["report", "--by", "label,file", "--baseline",
           URL % FLAVORS[0], "--format", "html", "-o", out, traces])
    check_runs_page(out, lambda r: 10 + r)
    check_in_chromium(out, "report.html", 8)


def check_runs_page(out, base):
    """The page's sections, and its runs x flavors table, whose requests
    are 10 + 5 v + r; base(r) gives the requests of run r's baseline."""
    page = parse(out)
    check_self_contained(page, "report.html")
    check({"pivot", "findings", "groups", "pictures", "processes",
           "files", "errors"} <= page.ids,
          "report.html sections: %r" % page.ids)
    check(page.svgs == 6, "report.html: %d pictures" % page.svgs)
    with open(out, encoding="utf-8") as f:
        text = f.read()
    # The runs x flavors table: requests 10 + 5 v + r, ratio to 10.
    table = text[text.index('id="pivot"'):text.index('id="groups"')]
    for r, run in enumerate(RUNS):
        row = re.search(r"<tr><td class=\"name\">%s</td>(.*?)</tr>" % run,
                        table)
        check(row, "pivot: no row %s" % run)
        counts = re.findall(r"<td>(\d+)(?: <span class=\"ratio\">"
                            r"([0-9.]+)x</span>)?</td>", row.group(1))
        # Columns: the baseline's file first, then by name (by URL:
        # "..._rechunked-2mb-paged.h5" before "..._rechunked-2mb.h5").
        order = [0] + sorted(range(1, 4), key=lambda v: URL % FLAVORS[v])
        want = [(str(10 + 5 * v + r),
                 "" if 10 + 5 * v + r == base(r) and v == 0
                 else "%.2f" % ((10 + 5 * v + r) / base(r)))
                for v in order]
        check(counts == want, "pivot row %s: %r, want %r"
              % (run, counts, want))
    for flavor in FLAVORS:
        check(">%s</th>" % flavor in table, "pivot: no column %s" % flavor)
    procs = text[text.index('id="processes"'):text.index('id="files"')]
    check(procs.count("<tr>") == 1 + 4, "processes table rows")
    files = text[text.index('id="files"'):text.index('id="errors"')]
    check(files.count("<tr>") == 1 + 4, "files table rows")


def hostile(tmp, make):
    traces = os.path.join(tmp, "hostile")
    os.mkdir(traces)
    subprocess.run([make, traces, "hostile"], check=True, timeout=60)
    out = os.path.join(tmp, "hostile.html")
    at.ok(["report", "--by", "label,file", "--format", "html", "-o", out,
           traces])
    page = parse(out)
    check_self_contained(page, "hostile.html")
    shown = "".join(page.text)
    for name in HOSTILE_RUNS + HOSTILE_FLAVORS:
        check(name in shown, "hostile.html does not show %r as text"
              % name)
    plots = os.path.join(tmp, "hostile-plots")
    at.plot_and_check([traces], plots, ["--by", "label,file"])
    check_in_chromium(out, "hostile.html", 4)
    # The repository's hostile case (invalid UTF-8, a newline) too.
    case = os.path.join(testlib.source_dir(), "tests", "data", "good",
                        "hostile")
    out = os.path.join(tmp, "case.html")
    at.ok(["report", "--format", "html", "-o", out, case])
    check_self_contained(parse(out), "case.html")
    check_in_chromium(out, "case.html", 2)


def main():
    if not headless.chromium():
        testlib.fail("chromium not found (tests/install_deps.sh installs "
                     "Debian's chromium)")
    make = os.path.join(testlib.build_dir(), "bin", "make_runs_trace")
    with tempfile.TemporaryDirectory(prefix="h5snoop-html-") as tmp:
        control(tmp)
        runs(tmp, make)
        hostile(tmp, make)
    print("ok")


if __name__ == "__main__":
    main()
