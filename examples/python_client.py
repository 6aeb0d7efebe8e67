#!/usr/bin/env python3
"""A small moderationd client: judge a text, or list the active rule sets.

    python3 examples/python_client.py --gen build/proto/python \\
        --target 127.0.0.1:50051 --community news-de "Du Oberbl0edm@nn!"
    python3 examples/python_client.py --gen build/proto/python --token "$TOKEN" --list-rulesets
    echo '{"post": {"postId": "p1", "community": "news-de", "body": "Du Blödmann."}}' |
        python3 examples/python_client.py --gen build/proto/python --json -

It prints the decision, the author-facing reasons and every match with its
byte span in the original text. The generated modules (moderation/v1/*_pb2.py)
come from --gen (the build's proto/python directory) or from PYTHONPATH.

Importable too (this is what tests/python_client_test.py uses):

    mod, admin_mod = load_modules("build/proto/python")
    stub = moderation_stub(connect("127.0.0.1:50051"))
    response = moderate(stub, "Die Regierung hat versagt.", "news-de")
    print(format_response(response))

Exit codes: 0 the call succeeded (whatever the decision), 1 the RPC failed,
2 usage error.
"""

import argparse
import importlib
import os
import sys
import uuid

import grpc
from google.protobuf import json_format

_modules = {}


def load_modules(gen_dir=None):
    """Imports the generated moderation.v1 modules (from gen_dir if given).

    Returns (moderation_pb2, moderation_pb2_grpc, rule_admin_pb2,
    rule_admin_pb2_grpc).
    """
    if gen_dir:
        gen_dir = os.path.abspath(gen_dir)
        if gen_dir not in sys.path:
            sys.path.insert(0, gen_dir)
    if not _modules:
        for name in ("moderation_pb2", "moderation_pb2_grpc", "rule_admin_pb2", "rule_admin_pb2_grpc"):
            _modules[name] = importlib.import_module("moderation.v1." + name)
    return (_modules["moderation_pb2"], _modules["moderation_pb2_grpc"], _modules["rule_admin_pb2"],
            _modules["rule_admin_pb2_grpc"])


def connect(target, ca_file=None):
    """A channel to target: TLS when ca_file (a PEM CA) is given, else plaintext."""
    if ca_file:
        with open(ca_file, "rb") as f:
            return grpc.secure_channel(target, grpc.ssl_channel_credentials(root_certificates=f.read()))
    return grpc.insecure_channel(target)


def moderation_stub(channel):
    return load_modules()[1].ModerationServiceStub(channel)


def admin_stub(channel):
    return load_modules()[3].RuleAdminServiceStub(channel)


def make_request(text, community, post_id=None, title=None, include_redacted=False):
    """A ModerateRequest for a post whose body is text."""
    pb = load_modules()[0]
    post = pb.Post(post_id=post_id or str(uuid.uuid4()), community=community, body=text)
    if title:
        post.title = title
    return pb.ModerateRequest(post=post, include_redacted=include_redacted)


def moderate(stub, text, community, post_id=None, title=None, include_redacted=False, timeout=10.0):
    """Judges one text; returns the ModerateResponse (raises grpc.RpcError)."""
    request = make_request(text, community, post_id, title, include_redacted)
    return stub.Moderate(request, timeout=timeout)


def moderate_stream(stub, texts, community, timeout=60.0):
    """Judges texts over one ModerateStream.

    Returns {post_id: ModerateStreamResponse}; post ids are "stream-<index>".
    """
    requests = (make_request(text, community, post_id="stream-%d" % i) for i, text in enumerate(texts))
    answers = {}
    for answer in stub.ModerateStream(requests, timeout=timeout):
        if answer.post_id in answers:
            raise RuntimeError("post %s answered twice" % answer.post_id)
        answers[answer.post_id] = answer
    return answers


def moderate_json(stub, request_json, timeout=10.0):
    """grpcurl-style: a ModerateRequest in proto3 JSON in, the response in proto3 JSON out."""
    request = json_format.Parse(request_json, load_modules()[0].ModerateRequest())
    response = stub.Moderate(request, timeout=timeout)
    return json_format.MessageToJson(response, ensure_ascii=False, indent=2)


def list_rule_sets(stub, token=None, timeout=10.0):
    """The ListRuleSetsResponse; token is the admin bearer token."""
    pb = load_modules()[2]
    metadata = [("authorization", "Bearer " + token)] if token else None
    return stub.ListRuleSets(pb.ListRuleSetsRequest(), metadata=metadata, timeout=timeout)


_FIELD_NAMES = {1: "title", 2: "body", 3: "author_display_name"}


def decision_name(response):
    return load_modules()[0].Decision.Name(response.decision).replace("DECISION_", "")


def format_response(response):
    """The decision, reasons and matches as human-readable lines."""
    lines = ["decision: %s   score: %g   rules: %s (%s)" % (
        decision_name(response), response.score, response.ruleset.id, response.ruleset.version)]
    if response.reasons:
        lines.append("reasons:")
        lines.extend("  - " + reason for reason in response.reasons)
    matches = [(hit, m) for hit in response.hits for m in hit.matches]
    if matches:
        lines.append("matches:")
        for hit, m in matches:
            lines.append('  - %s [%s] %s bytes %d..%d: "%s"' % (
                hit.rule_id, hit.category, _FIELD_NAMES.get(m.field, "?"), m.start, m.end, m.text))
    for hit in response.shadow_hits:
        lines.append("shadow: %s [%s]" % (hit.rule_id, hit.category))
    if response.HasField("redacted"):
        lines.append("redacted: " + response.redacted.body)
    return "\n".join(lines)


def format_rule_sets(response):
    lines = ["rules: %s   last load ok: %s" % (response.rules_path, response.last_attempt_ok)]
    for active in response.active:
        lines.append("  %-12s %s  %s  %d rules" % (
            active.community or "(default)", active.ruleset.id, active.ruleset.version, active.rule_count))
    for e in response.last_errors:
        lines.append("  error %s:%d:%d: %s" % (e.file, e.line, e.column, e.message))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Ask moderationd to judge a text.")
    parser.add_argument("text", nargs="?", help="the post body to judge")
    parser.add_argument("--target", default="127.0.0.1:50051", help="host:port of moderationd")
    parser.add_argument("--community", default="default", help="community whose rules apply")
    parser.add_argument("--title", help="also judge this title")
    parser.add_argument("--redact", action="store_true", help="also print the redacted body")
    parser.add_argument("--token", help="admin bearer token (for --list-rulesets)")
    parser.add_argument("--list-rulesets", action="store_true", help="list the active rule sets (admin)")
    parser.add_argument("--ca", help="PEM CA file: connect with TLS")
    parser.add_argument("--gen", help="directory with the generated moderation/v1/*_pb2.py")
    parser.add_argument("--timeout", type=float, default=10.0, help="deadline in seconds")
    parser.add_argument("--json", action="store_true",
                        help="TEXT is a ModerateRequest in proto3 JSON ('-' reads stdin); print the JSON answer")
    args = parser.parse_args(argv)
    if not args.list_rulesets and args.text is None:
        parser.error("give a TEXT to judge, or --list-rulesets")
    load_modules(args.gen)
    channel = connect(args.target, args.ca)
    try:
        if args.list_rulesets:
            print(format_rule_sets(list_rule_sets(admin_stub(channel), args.token, args.timeout)))
        elif args.json:
            request_json = sys.stdin.read() if args.text == "-" else args.text
            print(moderate_json(moderation_stub(channel), request_json, args.timeout))
        else:
            response = moderate(moderation_stub(channel), args.text, args.community, title=args.title,
                                include_redacted=args.redact, timeout=args.timeout)
            print(format_response(response))
    except json_format.ParseError as e:
        print("error: the request is not a ModerateRequest in proto3 JSON: %s" % e, file=sys.stderr)
        return 2
    except grpc.RpcError as e:
        print("error: %s: %s" % (e.code().name, e.details()), file=sys.stderr)
        return 1
    finally:
        channel.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
