#!/usr/bin/python3
"""Writes the checked-in seed corpora of tests/fuzz/corpus/.

A developer tool, not run by CI (the seeds are checked in). Run it after
changing seeds/ or the input layout of a target:

    /usr/bin/python3 tests/fuzz/make_seeds.py --proto-python build/proto/python

Needs python3-yaml (for the examples of rules/*.yaml) and, for the
proto_convert seeds, python3-protobuf with the modules generated into
build/proto/python. Each corpus directory is replaced; file names say what a
seed is.
"""
import argparse
import hashlib
import pathlib
import shutil
import struct
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def unescape(line):
    out = bytearray()
    i = 0
    raw = line.encode("utf-8")
    while i < len(raw):
        c = raw[i:i + 1]
        if c == b"\\" and i + 1 < len(raw):
            n = raw[i + 1:i + 2]
            if n == b"x":
                out += bytes([int(raw[i + 2:i + 4], 16)])
                i += 4
                continue
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"\\": b"\\"}.get(n, b"\\" + n)
            i += 2
            continue
        out += c
        i += 1
    return bytes(out)


def texts():
    for line in (HERE / "seeds" / "texts.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            yield unescape(line)


def rule_examples():
    """(rule id, kind, text, author dict): the first match and the first
    no_match example of every rule of rules/*.yaml."""
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or "rules" not in doc:
            continue
        for rule in doc["rules"]:
            for kind in ("match", "no_match"):
                for example in ((rule.get("examples") or {}).get(kind, []) or [])[:1]:
                    if isinstance(example, dict):
                        yield rule["id"], kind, example["text"], example.get("author") or {}
                    else:
                        yield rule["id"], kind, example, {}


def write_corpus(name, seeds):
    out = HERE / "corpus" / name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for label, data in seeds:
        digest = hashlib.sha1(data).hexdigest()[:8]
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in label)[:60]
        (out / f"{safe}-{digest}").write_bytes(data)
    print(f"{name}: {len(seeds)} seeds in {out.relative_to(ROOT)}")


def int16(value):
    if value is None:
        return 0
    return max(-32767, min(32766, int(value)))


def moderate_input(community, author, fields):
    """The layout documented in moderate_fuzzer.cc."""
    bits = 0
    for bit, key in ((1, "account_age_days"), (2, "trust_level"), (4, "prior_violations")):
        if key in author:
            bits |= bit
    if author.get("id"):
        bits |= 8
    header = bytes([community, bits]) + struct.pack(
        "<hhh", int16(author.get("account_age_days")), int16(author.get("trust_level")),
        int16(author.get("prior_violations")))
    return header + b"\x00".join(fields)


def normalizer_seeds():
    return [(t[:24].decode("utf-8", "replace"), t) for t in texts()]


def moderate_seeds():
    seeds = []
    for i, (rule, kind, text, author) in enumerate(rule_examples()):
        seeds.append((f"{rule}.{kind}", moderate_input(i % 5, author, [text.encode("utf-8")])))
    for i, t in enumerate(texts()):
        seeds.append((f"text.{t[:16].decode('utf-8', 'replace')}", moderate_input(i % 5, {}, [t])))
    seeds.append(("three-fields", moderate_input(
        1, {"account_age_days": 1, "trust_level": 0, "prior_violations": 3, "id": "a"},
        [b"Titel: Du Idiot", b"Text mit https://a.example und https://b.example", "Blödmann_42".encode()])))
    seeds.append(("extreme-author", moderate_input(
        2, {"account_age_days": 32767, "trust_level": -32768, "prior_violations": 0}, [b"hallo"])))
    seeds.append(("empty-fields", moderate_input(0, {}, [b"", b"", b""])))
    return seeds


def proto_seeds(proto_python):
    sys.path.insert(0, str(proto_python))
    from moderation.v1 import moderation_pb2 as pb

    def request(label, community="news-de", title=b"", body=b"", name=b"", redacted=True,
                author=None):
        r = pb.ModerateRequest(include_redacted=redacted)
        r.post.post_id = "p-" + label
        r.post.community = community
        r.post.title, r.post.body, r.post.author_display_name = title, body, name
        for key, value in (author or {}).items():
            setattr(r.post.author, key, value)
        return (label, r.SerializeToString())

    seeds = [
        request("insult-body", body="Du Blödmann, ich weiß wo dein Auto steht".encode()),
        request("all-fields", title=b"Du Idiot", body=b"kauf jetzt https://a.example",
                name="Blödmann_42".encode(), author={"id": "a1", "account_age_days": 1,
                                                     "trust_level": 0, "prior_violations": 2}),
        request("not-redacted", body="B l ö d m a n n".encode(), redacted=False),
        request("no-community", community="", body=b"hallo"),
        request("unknown-community", community="elsewhere", body=b"you moron"),
        request("empty-post"),
        request("invalid-utf8-title", title=b"\xff\xfe", body=b"ok"),
        request("over-limit", body=b"a" * 600),
        request("sum-over-limit", title=b"t" * 300, body=b"b" * 300),
        request("emoji-spans", body="😀 Blödmаnn 😀 M0R0N 👍🏽".encode()),
        request("negative-author", body=b"hallo", author={"account_age_days": -5}),
    ]
    for i, t in enumerate(texts()):
        seeds.append(request(f"text{i}", community=["news-de", "gaming-en", "forum-de", "x"][i % 4],
                             body=t))
    return seeds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proto-python", default=str(ROOT / "build" / "proto" / "python"),
                        help="directory with the generated moderation/v1/*_pb2.py")
    args = parser.parse_args()
    write_corpus("normalizer", normalizer_seeds())
    write_corpus("moderate", moderate_seeds())
    write_corpus("proto_convert", proto_seeds(args.proto_python))


if __name__ == "__main__":
    main()
