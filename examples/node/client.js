#!/usr/bin/env node
// A small moderationd client for Node.js (@grpc/grpc-js + @grpc/proto-loader).
//
//   npm ci --prefix examples/node
//   node examples/node/client.js --target 127.0.0.1:50051 --community news-de "Du Oberbl0edm@nn!"
//   node examples/node/client.js --stream --community news-de "erster Post" "zweiter Post"
//
// Text goes in as plain JavaScript strings: the content fields are proto3
// `string`, so grpc-js encodes them as UTF-8 (no Buffers, no base64). It
// prints, per post, the decision, the community whose rule sets judged it,
// the author-facing reasons and every match with its byte span in the
// original text. --stream sends all texts over one ModerateStream, each with
// its own post_id, and matches the answers by post_id (they may come in any
// order). Every call carries an x-request-id, which the server echoes.
//
// Importable too: const { connect, moderate, formatResponse } = require("./client.js");
//
// Exit codes: 0 every call succeeded (whatever the decision), 1 an RPC or a
// post failed, 2 usage error.
"use strict";

const path = require("path");
const crypto = require("crypto");
const grpc = require("@grpc/grpc-js");
const protoLoader = require("@grpc/proto-loader");

const DEFAULT_PROTO_DIR = path.join(__dirname, "..", "..", "proto");

// The moderation.v1 package, loaded from the .proto files at run time.
function loadApi(protoDir = DEFAULT_PROTO_DIR) {
  const definition = protoLoader.loadSync("moderation/v1/moderation.proto", {
    includeDirs: [protoDir],
    keepCase: true, // field names as in the .proto: post_id, not postId
    enums: String, // "DECISION_BLOCK" rather than 3
    longs: Number,
    defaults: true,
  });
  return grpc.loadPackageDefinition(definition).moderation.v1;
}

function connect(target, protoDir) {
  const api = loadApi(protoDir);
  return new api.ModerationService(target, grpc.credentials.createInsecure());
}

function metadataWithRequestId(requestId) {
  const metadata = new grpc.Metadata();
  metadata.set("x-request-id", requestId);
  return metadata;
}

// Judges one text; resolves to { response, requestId } where requestId is
// the x-request-id the server echoed in its response headers ("" if none).
function moderate(client, { text, community, postId, deadlineMs = 5000 }) {
  const request = { post: { post_id: postId || crypto.randomUUID(), community, body: text } };
  const sent = crypto.randomUUID();
  return new Promise((resolve, reject) => {
    let echoed = "";
    const call = client.Moderate(
      request,
      metadataWithRequestId(sent),
      { deadline: Date.now() + deadlineMs },
      (error, response) => (error ? reject(error) : resolve({ response, requestId: echoed })),
    );
    call.on("metadata", (metadata) => {
      echoed = String(metadata.get("x-request-id")[0] || "");
    });
  });
}

// Judges several texts over one ModerateStream; resolves to a Map from
// post_id to the stream answer ({ post_id, response } or { post_id, error }).
function moderateStream(client, { texts, community, deadlineMs = 10000 }) {
  return new Promise((resolve, reject) => {
    const answers = new Map();
    const call = client.ModerateStream(metadataWithRequestId(crypto.randomUUID()), {
      deadline: Date.now() + deadlineMs,
    });
    call.on("data", (answer) => answers.set(answer.post_id, answer));
    call.on("error", reject);
    call.on("end", () => resolve(answers));
    texts.forEach((text, i) => call.write({ post: { post_id: `post-${i + 1}`, community, body: text } }));
    call.end();
  });
}

// A human-readable summary of a ModerateResponse.
function formatResponse(response) {
  const decision = response.decision.replace(/^DECISION_/, "");
  const ruleset = response.ruleset || {};
  const lines = [
    `${response.post_id}: ${decision} (score ${response.score}), community ${response.judged_community}` +
      `${response.community_defaulted ? " (default sets)" : ""}, rules ${ruleset.id} (${ruleset.version})`,
  ];
  for (const reason of response.reasons) lines.push(`  reason: ${reason}`);
  for (const hit of response.hits) {
    for (const m of hit.matches) {
      const field = m.field.replace(/^FIELD_/, "").toLowerCase();
      lines.push(`  ${hit.rule_id} [${hit.category}] ${field} ${m.start}..${m.end} "${m.text}"`);
    }
  }
  return lines.join("\n");
}

function parseArgs(argv) {
  const options = { target: "127.0.0.1:50051", community: "", stream: false, protoDir: undefined };
  const texts = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === "--target") options.target = value();
    else if (arg === "--community") options.community = value();
    else if (arg === "--proto-dir") options.protoDir = value();
    else if (arg === "--stream") options.stream = true;
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}`);
    else texts.push(arg);
  }
  if (texts.length === 0) throw new Error("give at least one text to judge");
  if (!options.community) throw new Error("--community is required");
  return { options, texts };
}

async function main(argv) {
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    console.error(`client.js: ${e.message}`);
    console.error("usage: client.js [--target HOST:PORT] --community ID [--stream] [--proto-dir DIR] TEXT...");
    return 2;
  }
  const { options, texts } = parsed;
  const client = connect(options.target, options.protoDir);
  try {
    if (!options.stream) {
      let failed = 0;
      for (const text of texts) {
        const { response, requestId } = await moderate(client, { text, community: options.community });
        console.log(formatResponse(response));
        if (requestId) console.log(`  x-request-id: ${requestId}`);
      }
      return failed ? 1 : 0;
    }
    const answers = await moderateStream(client, { texts, community: options.community });
    let failed = 0;
    for (const [postId, answer] of [...answers].sort()) {
      if (answer.error) {
        console.log(`${postId}: error ${answer.error.code}: ${answer.error.message}`);
        failed++;
      } else {
        console.log(formatResponse(answer.response));
      }
    }
    return failed || answers.size !== texts.length ? 1 : 0;
  } catch (e) {
    console.error(`client.js: ${grpc.status[e.code] || e.code}: ${e.details || e.message}`);
    return 1;
  } finally {
    client.close();
  }
}

module.exports = { loadApi, connect, moderate, moderateStream, formatResponse };

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
