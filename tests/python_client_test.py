#!/usr/bin/env python3
"""The Python example client (examples/python_client.py) against a real moderationd.

Starts moderationd on 127.0.0.1:0 with a copy of the rules, waits for its
port file, and uses the example's functions (and its command line) the way a
platform engineer would. Exits non-zero on failure.

    /usr/bin/python3 tests/python_client_test.py --server build/server/moderationd \\
        --gen build/proto/python --rules rules
"""

import argparse
import json
import os
import shutil
import signal
import json
import subprocess
import sys
import tempfile
import time
import unittest

import grpc

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(REPO_ROOT, "examples", "python_client.py")
sys.path.insert(0, os.path.join(REPO_ROOT, "examples"))
import python_client  # noqa: E402  (after the path change on purpose)

ABUSIVE = "Du Oberbl0edm@nn, ich bring dich um!"
CIVIL = "Die Regierung hat versagt."
ARGS = None  # set in __main__


class ModerationdProcess:
    """moderationd as a child process on port 0, with its own temp directory."""

    def __init__(self, server, rules, cache_dir=None):
        self.dir = tempfile.mkdtemp(prefix="moderationd_py_")
        self.rules = os.path.join(self.dir, "rules")
        shutil.copytree(rules, self.rules)
        self.port_file = os.path.join(self.dir, "ports.json")
        self.token = "py-test-token"
        with open(os.path.join(self.dir, "token"), "w") as f:
            f.write(self.token + "\n")
        self.stderr = open(os.path.join(self.dir, "stderr.log"), "wb")
        self.proc = subprocess.Popen(
            [server, "--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0", "--rules=" + self.rules,
             "--port_file=" + self.port_file, "--admin_token_file=" + os.path.join(self.dir, "token")]
            + (["--cache_dir=" + cache_dir] if cache_dir else []),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.stderr)
        self.ports = self._wait_for_ports(timeout=90)
        self.target = "127.0.0.1:%d" % self.ports["grpc"]

    def _wait_for_ports(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("moderationd exited with %s:\n%s" % (self.proc.returncode, self.read_stderr()))
            try:
                with open(self.port_file) as f:
                    ports = json.load(f)
                if ports.get("grpc"):
                    return ports
            except (OSError, ValueError):
                pass
            time.sleep(0.02)
        self.proc.kill()
        self.proc.wait()
        raise RuntimeError("no port file within %d s:\n%s" % (timeout, self.read_stderr()))

    def read_stderr(self):
        with open(os.path.join(self.dir, "stderr.log"), "rb") as f:
            return f.read().decode("utf-8", "replace")[-4000:]

    def stop(self, timeout=15):
        """SIGTERM, then wait; returns the exit code (None if it had to be killed)."""
        code = None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        else:
            code = self.proc.returncode
        self.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        return code


class PythonClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        python_client.load_modules(ARGS.gen)
        cls.server = ModerationdProcess(ARGS.server, ARGS.rules, ARGS.cache_dir)
        cls.channel = python_client.connect(cls.server.target)
        grpc.channel_ready_future(cls.channel).result(timeout=10)
        cls.stub = python_client.moderation_stub(cls.channel)

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        code = cls.server.stop()
        if code != 0:
            raise AssertionError("moderationd did not exit 0 on SIGTERM (got %s)" % code)

    def test_moderate_blocks_an_abusive_post_and_reports_byte_spans(self):
        response = python_client.moderate(self.stub, ABUSIVE, "news-de", post_id="py-1")
        self.assertEqual(python_client.decision_name(response), "BLOCK")
        self.assertEqual(response.post_id, "py-1")
        self.assertTrue(response.reasons)
        body = ABUSIVE.encode("utf-8")
        spans = {}
        for hit in response.hits:
            for m in hit.matches:
                self.assertEqual(body[m.start:m.end].decode("utf-8"), m.text)
                spans[hit.rule_id] = (m.start, m.end)
        self.assertIn("de.threat.kill", spans)
        self.assertEqual(spans.get("de.insult.common"), (3, 16))
        text = python_client.format_response(response)
        self.assertIn("BLOCK", text)
        self.assertIn('body bytes 3..16: "Oberbl0edm@nn"', text)

    def test_moderate_allows_a_civil_post(self):
        response = python_client.moderate(self.stub, CIVIL, "news-de")
        self.assertEqual(python_client.decision_name(response), "ALLOW")
        self.assertFalse(response.hits)

    def test_the_client_library_refuses_invalid_utf8_in_a_text_field_itself(self):
        # The text fields are proto3 strings, so invalid UTF-8 never leaves
        # the client (raw clients: tests/moderationd_test.cc).
        pb = python_client.load_modules()[0]
        with self.assertRaises(ValueError):
            pb.Post(post_id="bad", community="news-de", body=b"ok \xff")

    def test_json_in_json_out_like_grpcurl(self):
        request = '{"post": {"postId": "json-1", "community": "news-de", "body": "Du Blödmann."}}'
        result = subprocess.run(
            [sys.executable, EXAMPLE, "--gen", ARGS.gen, "--target", self.server.target, "--json", "-"],
            input=request, capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        answer = json.loads(result.stdout)
        self.assertEqual(answer["postId"], "json-1")
        self.assertEqual(answer["decision"], "DECISION_FLAG")
        match = answer["hits"][0]["matches"][0]
        self.assertEqual((match["start"], match["end"], match["text"]), (3, 12, "Blödmann"))
        broken = subprocess.run(
            [sys.executable, EXAMPLE, "--gen", ARGS.gen, "--target", self.server.target, "--json",
             '{"post": {"bodyy": "x"}}'], capture_output=True, text=True, timeout=30)
        self.assertEqual(broken.returncode, 2)
        self.assertIn("bodyy", broken.stderr)

    def test_a_stream_answers_every_post_exactly_once(self):
        texts = [ABUSIVE if i % 2 == 0 else CIVIL for i in range(500)]
        answers = python_client.moderate_stream(self.stub, texts, "news-de")
        self.assertEqual(set(answers), {"stream-%d" % i for i in range(500)})
        for i in range(500):
            answer = answers["stream-%d" % i]
            self.assertFalse(answer.HasField("error"), answer.error.message)
            self.assertEqual(python_client.decision_name(answer.response), "BLOCK" if i % 2 == 0 else "ALLOW")

    def test_admin_calls_need_the_token(self):
        admin = python_client.admin_stub(self.channel)
        with self.assertRaises(grpc.RpcError) as caught:
            python_client.list_rule_sets(admin)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
        listing = python_client.list_rule_sets(admin, self.server.token)
        self.assertTrue(listing.last_attempt_ok)
        self.assertIn("news-de", [a.community for a in listing.active])

    def test_the_command_line_prints_decision_and_matches(self):
        result = subprocess.run(
            [sys.executable, EXAMPLE, "--gen", ARGS.gen, "--target", self.server.target, "--community",
             "news-de", ABUSIVE], capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("decision: BLOCK", result.stdout)
        self.assertIn("de.threat.kill", result.stdout)
        self.assertIn('3..16: "Oberbl0edm@nn"', result.stdout)
        listing = subprocess.run(
            [sys.executable, EXAMPLE, "--gen", ARGS.gen, "--target", self.server.target, "--token",
             self.server.token, "--list-rulesets"], capture_output=True, text=True, timeout=30)
        self.assertEqual(listing.returncode, 0, listing.stderr)
        self.assertIn("news-de", listing.stdout)
        failing = subprocess.run(
            [sys.executable, EXAMPLE, "--gen", ARGS.gen, "--target", self.server.target, "--community", "",
             CIVIL], capture_output=True, text=True, timeout=30)
        self.assertEqual(failing.returncode, 1)
        self.assertIn("INVALID_ARGUMENT", failing.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True, help="path of the moderationd binary")
    parser.add_argument("--gen", required=True, help="directory with the generated moderation/v1 modules")
    parser.add_argument("--rules", required=True, help="rules directory to copy")
    parser.add_argument("--cache-dir", help="Hyperscan cache shared between runs (default: none)")
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
