#!/usr/bin/env python3
"""Leaf-by-leaf comparisons for the NETCONF integration tests, independent of takt's own code:
prints one line per difference (its path, what is there, what the plan wants) and exits 1 if
there is any, 0 if none.

  tree_compare.py yang-xml YANG_JSON RUNNING_XML BASE_TIME_NS
      every leaf of YANG_JSON's ietf-interfaces:interfaces (the gate tables taktctl installs
      with netconf-content: schedule; yang/<bridge>.json of a plan) against a <get-config>
      reply (one line, as netconf_client.py prints it). List entries are matched by their keys
      (name, index, traffic-class); a list holding more entries than the plan is a difference.
      admin-base-time is the one taktctl chose at apply (BASE_TIME_NS), not the file's 0.
      Identities compare by namespace and name (JSON module prefix, XML namespace prefix).
  tree_compare.py json WANT_JSON HAVE_JSON [FILTER [BASE_TIME_NS]]
      two JSON documents, leaf by leaf, after the jq-like path FILTER (dot-separated member
      names, e.g. committed.config) is applied to HAVE_JSON. Arrays compare entry by entry.
      With BASE_TIME_NS, every admin-base-time of WANT_JSON is that time (a takt-bridge/1
      file of a plan says 0; the agent keeps the one the commit gave).
"""
import glob
import io
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

KEYS = ("name", "index", "traffic-class")


def local(tag):
    return tag.rsplit("}", 1)[-1]


def namespace_of_module(module, dirs):
    for d in dirs:
        for f in glob.glob(os.path.join(d, module + ".yang")) + glob.glob(os.path.join(d, module + "@*.yang")):
            m = re.search(r'\bnamespace\s+"?([^";\s]+)"?\s*;', open(f, encoding="utf-8").read())
            if m:
                return m.group(1)
    return None


def yang_xml(yang_json, running_xml, base_ns, yang_dirs):
    doc = json.load(open(yang_json))
    text = open(running_xml).read().strip()
    prefixes = {}  # every xmlns prefix the reply declares (netconfd uses one per module)
    for event, item in ET.iterparse(io.StringIO(text), events=("start-ns",)):
        prefixes[item[0]] = item[1]
    root = ET.fromstring(text)
    data = next((e for e in root.iter() if local(e.tag) == "data"), None)
    diffs = []
    if data is None:
        return ["the reply holds no <data>: " + text[:300]]
    namespaces = {}

    def identity(value, module_side):
        # JSON "module:name" -> (namespace, name); XML "prefix:name" -> (namespace, name)
        if ":" not in value:
            return (None, value)
        p, name = value.split(":", 1)
        if module_side:
            if p not in namespaces:
                namespaces[p] = namespace_of_module(p, yang_dirs)
            return (namespaces[p], name)
        return (prefixes.get(p), name)

    def scalar(path, want, el):
        have = (el.text or "").strip()
        if isinstance(want, bool):
            w = "true" if want else "false"
        elif isinstance(want, list) and want == [None]:  # type empty
            return
        else:
            w = str(want)
        if isinstance(want, str) and ":" in want and not re.fullmatch(r"[0-9:.]+", want):
            w_id, h_id = identity(want, True), identity(have, False)
            if w_id != h_id:
                diffs.append("%s: is %s (%s), want %s (%s)" % (path, have, h_id[0], want, w_id[0]))
            return
        if have != w:
            diffs.append("%s: is %s, want %s" % (path, have, w))

    def walk(path, want, el):
        for member, value in want.items():
            name = member.split(":", 1)[-1]
            here = "%s/%s" % (path, member)
            children = [c for c in el if local(c.tag) == name]
            if name == "admin-base-time" and base_ns is not None:
                value = {"seconds": str(base_ns // 1000000000), "nanoseconds": base_ns % 1000000000}
            if isinstance(value, list) and value and isinstance(value[0], dict):
                if len(children) != len(value):
                    diffs.append("%s: %d entries, want %d" % (here, len(children), len(value)))
                for entry in value:
                    keys = [(k, entry[k]) for k in KEYS if k in entry]
                    match = [c for c in children
                             if all(any(local(g.tag) == k and (g.text or "").strip() == str(v) for g in c) for k, v in keys)]
                    label = here + "[" + ",".join("%s=%s" % kv for kv in keys) + "]"
                    if len(match) != 1:
                        diffs.append("%s: %d such entries, want 1" % (label, len(match)))
                        continue
                    walk(label, entry, match[0])
            elif isinstance(value, list) and value != [None]:  # leaf-list
                have = sorted((c.text or "").strip() for c in children)
                if have != sorted(str(v) for v in value):
                    diffs.append("%s: is %s, want %s" % (here, have, value))
            elif not children:
                diffs.append("%s: missing, want %s" % (here, json.dumps(value)))
            elif len(children) > 1:
                diffs.append("%s: %d times, want once" % (here, len(children)))
            elif isinstance(value, dict):
                walk(here, value, children[0])
            else:
                scalar(here, value, children[0])

    want = {k: v for k, v in doc.items() if k == "ietf-interfaces:interfaces"}
    if not want:
        return ["%s holds no ietf-interfaces:interfaces" % yang_json]
    walk("", want, data)
    return diffs


def with_base_time(doc, base_ns):
    if isinstance(doc, dict):
        return {k: ({"seconds": str(base_ns // 1000000000), "nanoseconds": base_ns % 1000000000}
                    if k == "admin-base-time" else with_base_time(v, base_ns)) for k, v in doc.items()}
    if isinstance(doc, list):
        return [with_base_time(v, base_ns) for v in doc]
    return doc


def json_json(want_file, have_file, filt, base_ns):
    want = json.load(open(want_file))
    if base_ns is not None:
        want = with_base_time(want, base_ns)
    have = json.load(open(have_file))
    for member in filter(None, (filt or "").split(".")):
        have = have.get(member) if isinstance(have, dict) else None
    diffs = []

    def walk(path, w, h):
        if isinstance(w, dict) and isinstance(h, dict):
            for k in sorted(set(w) | set(h)):
                if k not in h:
                    diffs.append("%s/%s: missing, want %s" % (path, k, json.dumps(w[k])[:200]))
                elif k not in w:
                    diffs.append("%s/%s: is %s, not in the plan" % (path, k, json.dumps(h[k])[:200]))
                else:
                    walk("%s/%s" % (path, k), w[k], h[k])
        elif isinstance(w, list) and isinstance(h, list):
            if len(w) != len(h):
                diffs.append("%s: %d entries, want %d" % (path, len(h), len(w)))
            for i, (a, b) in enumerate(zip(w, h)):
                walk("%s[%d]" % (path, i), a, b)
        elif w != h or type(w) is not type(h):
            diffs.append("%s: is %s, want %s" % (path or "/", json.dumps(h)[:200], json.dumps(w)[:200]))

    walk("", want, have)
    return diffs


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "yang-xml":
        dirs = [d for d in os.environ.get("YANG_DIRS", "").split(":") if d]
        diffs = yang_xml(args[0], args[1], int(args[2]), dirs)
    elif mode == "json":
        diffs = json_json(args[0], args[1], args[2] if len(args) > 2 else "", int(args[3]) if len(args) > 3 else None)
    else:
        sys.exit("usage: tree_compare.py yang-xml YANG_JSON RUNNING_XML BASE_TIME_NS | json WANT HAVE [FILTER [BASE_TIME_NS]]")
    for d in diffs:
        print(d)
    sys.exit(1 if diffs else 0)


main()
