"""Prints an op inventory per fixture model and rewrites the marked section of fixtures/README.md.

    /usr/bin/python3 scripts/op_inventory.py
"""
import json
import os

import onnx

import fixture_common as fc

START, END = "<!-- inventory:start -->", "<!-- inventory:end -->"


def inventory():
    with open(fc.MANIFEST) as f:
        manifest = json.load(f)
    lines = ["| file | KB | nodes | initializers | ops (count) |", "|---|---:|---:|---:|---|"]
    quirks = []
    for e in manifest["models"]:
        path = os.path.join(fc.MODELS, e["file"])
        m = onnx.load(path)
        ops = ", ".join(f"{k} {v}" for k, v in sorted(fc.op_counts(m).items()))
        kb = os.path.getsize(path) / 1024
        lines.append(f"| `{e['file']}` | {kb:.0f} | {len(m.graph.node)} | {len(m.graph.initializer)} | {ops} |")
        quirks.append(f"- `{e['file']}`: " + ("; ".join(fc.detect_quirks(m)) or "none detected"))
    return "\n".join(lines + ["", "Detected in the graphs (`fixture_common.detect_quirks`):", ""] + quirks)


def main():
    text = inventory()
    print(text)
    readme = os.path.join(fc.ROOT, "fixtures", "README.md")
    if os.path.exists(readme):
        with open(readme) as f:
            doc = f.read()
        if START in doc and END in doc:
            head, rest = doc.split(START, 1)
            tail = rest.split(END, 1)[1]
            with open(readme, "w") as f:
                f.write(f"{head}{START}\n{text}\n{END}{tail}")


if __name__ == "__main__":
    main()
