#!/usr/bin/python3
"""test_trace_format_doc.py - docs/trace-format.md matches the schema.

The page is written by hand from include/h5snoop/trace_schema.def; this
keeps them from drifting apart.  It checks, in order and by type:
  * the format version, against H5SNOOP_TRACE_VERSION;
  * every event (name and id) and its fields, against the .def;
  * the mem_type values, against H5SNOOP_MEM_TYPES in trace_schema.h;
  * the net_unparsed reasons, against H5SNOOP_UNPARSED_REASONS;
  * the packet header and context fields, against struct
    h5snoop_packet_header;
  * the env keys, against what format/trace_metadata.c writes.
"""

import os
import re

import testlib as t


def source(*parts):
    with open(os.path.join(t.source_dir(), *parts)) as f:
        return f.read()


def schema_events(text):
    """[(id, name, [(field, type)])] from trace_schema.def."""
    events = []
    for line in text.splitlines():
        m = re.match(r"H5SNOOP_EVENT\((\d+), (\w+),", line)
        if m:
            events.append((int(m.group(1)), m.group(2), []))
            continue
        m = re.match(r"H5SNOOP_FIELD\(\w+, \w+, (\w+), (\w+)\)", line)
        if m:
            tsdl = m.group(1)
            kind = "enum u8" if tsdl == "mem_type_t" else tsdl
            events[-1][2].append((m.group(2), kind))
            continue
        m = re.match(r"H5SNOOP_STRING\(\w+, (\w+)\)", line)
        if m:
            events[-1][2].append((m.group(1), "string"))
            continue
        m = re.match(r"H5SNOOP_SEQ\(\w+, \w+, (\w+), (\w+), (\w+)\)", line)
        if m:
            events[-1][2].append((m.group(3), "%s[%s]" % (m.group(1),
                                                           m.group(2))))
            continue
        t.check(not line.startswith(("H5SNOOP_SEQ(", "H5SNOOP_FIELD(",
                                     "H5SNOOP_STRING(")),
                "cannot parse schema line: " + line)
    t.check(events, "no events in trace_schema.def")
    return events


def doc_sections(doc):
    """{heading: [(first cell, second cell)]} for every ### section."""
    sections = {}
    current = None
    for line in doc.splitlines():
        if line.startswith("#"):
            current = line.lstrip("#").strip()
            sections[current] = []
        elif current and line.startswith("| `"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            sections[current].append((cells[0].strip("`"), cells[1]))
    return sections


def check_events(events, sections):
    for eid, name, fields in events:
        heads = [h for h in sections if h.startswith("`%s` (id %d)"
                                                    % (name, eid))]
        t.check(len(heads) == 1, "docs/trace-format.md has no section "
                "'`%s` (id %d): ...'" % (name, eid))
        rows = sections[heads[0]]
        t.check([r[0] for r in rows] == [f[0] for f in fields],
                "%s: the page lists fields %s, the schema %s"
                % (name, [r[0] for r in rows], [f[0] for f in fields]))
        for (field, doc_type), (_f, kind) in zip(rows, fields):
            t.check(doc_type == kind, "%s.%s: the page says type %r, the "
                    "schema %r" % (name, field, doc_type, kind))
    documented = {re.match(r"`(\w+)` \(id", h).group(1) for h in sections
                  if re.match(r"`\w+` \(id \d+\)", h)}
    t.check(documented == {e[1] for e in events},
            "the page documents events %s, the schema has %s"
            % (sorted(documented), sorted(e[1] for e in events)))


def x_macro(header, name):
    """[(value, name)] of the X-macro list `name` in trace_schema.h."""
    body = re.search(r"#define %s\(X\)(.*?)\n(?!\t)" % name, header, re.S)
    t.check(body, "no %s in trace_schema.h" % name)
    return re.findall(r"X\((\d+), (\w+)\)", body.group(1))


def check_mem_types(header, doc):
    types = x_macro(header, "H5SNOOP_MEM_TYPES")
    t.check(types, "no H5SNOOP_MEM_TYPES in trace_schema.h")
    for value, name in types:
        t.check("`%s` (%s," % (name, value) in doc,
                "mem_type %s = %s is not on the page" % (name, value))


def check_unparsed_reasons(header, doc):
    reasons = x_macro(header, "H5SNOOP_UNPARSED_REASONS")
    t.check(reasons, "no H5SNOOP_UNPARSED_REASONS in trace_schema.h")
    for value, name in reasons:
        t.check("%s `%s` (" % (value, name) in doc,
                "net_unparsed reason %s = %s is not on the page"
                % (name, value))


def schema_losses(text):
    """[(id, name, drops)] from the H5SNOOP_LOSS rows of the .def."""
    return [(int(m.group(1)), m.group(2), int(m.group(3))) for m in
            re.finditer(r"^H5SNOOP_LOSS\((\d+), (\w+), ([01]),", text,
                        re.M)]


def check_packet(header, sections, losses):
    body = re.search(r"struct __attribute__\(\(packed\)\) "
                     r"h5snoop_packet_header \{(.*?)\};", header, re.S)
    t.check(body, "no struct h5snoop_packet_header in trace_schema.h")
    fields = []
    for name, count in re.findall(r"\b(\w+)(?:\[(\w+)\])?;",
                                  body.group(1)):
        if count == "H5SNOOP_LOSS_COUNT":
            fields += ["lost_" + l[1] for l in losses]
        else:
            fields.append(name)
    rows = [r[0] for r in sections.get("Packet header and context", [])]
    t.check(rows == fields, "packet fields on the page %s, in the header "
            "%s" % (rows, fields))


def check_losses(losses, doc):
    t.check(losses, "no H5SNOOP_LOSS rows in trace_schema.def")
    t.check([l[0] for l in losses] == list(range(len(losses))),
            "loss ids are not 0, 1, 2, ...")
    for lid, name, drops in losses:
        t.check("| `%s` (%d, | %d |" % (name, lid, drops) in doc,
                "loss reason %s (%d, drops %d) is not on the page"
                % (name, lid, drops))


def check_env(metadata_c, sections):
    env_fn = re.search(r"static void text_env\(.*?\n\}", metadata_c, re.S)
    t.check(env_fn, "no text_env() in format/trace_metadata.c")
    keys = re.findall(r"\\t(\w+) = ", env_fn.group(0))
    rows = [r[0] for r in sections.get("`env` block", [])]
    t.check(rows == keys, "env keys on the page %s, written by the shim %s"
            % (rows, keys))


def check_version(header, doc):
    version = re.search(r"#define H5SNOOP_TRACE_VERSION (\d+)", header)
    t.check(version, "no H5SNOOP_TRACE_VERSION in trace_schema.h")
    t.check("format version %s (`env.trace_format_version = %s`)"
            % (version.group(1), version.group(1)) in doc,
            "the page does not describe format version %s"
            % version.group(1))


def main():
    doc = source("docs", "trace-format.md")
    header = source("include", "h5snoop", "trace_schema.h")
    sections = doc_sections(doc)
    check_version(header, doc)
    schema = source("include", "h5snoop", "trace_schema.def")
    events = schema_events(schema)
    losses = schema_losses(schema)
    check_events(events, sections)
    check_mem_types(header, doc)
    check_unparsed_reasons(header, doc)
    check_packet(header, sections, losses)
    check_losses(losses, doc)
    check_env(source("format", "trace_metadata.c"), sections)
    print("docs/trace-format.md: %d events, %d fields match the schema"
          % (len(events), sum(len(e[2]) for e in events)))


if __name__ == "__main__":
    main()
