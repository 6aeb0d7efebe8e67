// cpp_client: ask moderationd to judge one text and print the decision, the
// reasons and every match with its byte span in the original text.
//
//   build/examples/cpp_client --target 127.0.0.1:50051 --community news-de
//       "Du Oberbl0edm@nn, ich bring dich um!"      (one command line)
//   decision: BLOCK   score: 5   rules: de+pii+spam (de@2026-11-22.1,...)
//   reasons:
//     - Bitte bleib sachlich: ...
//   matches:
//     - de.insult.common [insult] body bytes 3..16: "Oberbl0edm@nn"
//     - de.threat.kill [threat] body bytes 18..36: "ich bring dich um!"
//
// Options: --target HOST:PORT (default 127.0.0.1:50051), --community ID
// (default "default"), --ca FILE (PEM CA: use TLS), --timeout SECONDS
// (default 10). Exit codes: 0 judged (whatever the decision), 1 the call
// failed, 2 usage error.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "moderation/v1/moderation.grpc.pb.h"

namespace {

namespace v1 = ::moderation::v1;

struct Options {
  std::string target = "127.0.0.1:50051";
  std::string community = "default";
  std::string ca_file;
  double timeout_seconds = 10;
  std::string text;
};

void Usage(std::ostream& out) {
  out << "usage: cpp_client [--target HOST:PORT] [--community ID] [--ca PEM] [--timeout S] TEXT\n";
}

// Parses argv into *options; false (after printing why) on a usage error.
bool ParseArgs(int argc, char** argv, Options* options) {
  bool have_text = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) {
        std::cerr << "cpp_client: " << arg << " needs a value\n";
        return false;
      }
      *out = argv[++i];
      return true;
    };
    std::string number;
    if (arg == "--help" || arg == "-h") {
      Usage(std::cout);
      std::exit(0);
    } else if (arg == "--target") {
      if (!value(&options->target)) return false;
    } else if (arg == "--community") {
      if (!value(&options->community)) return false;
    } else if (arg == "--ca") {
      if (!value(&options->ca_file)) return false;
    } else if (arg == "--timeout") {
      if (!value(&number)) return false;
      options->timeout_seconds = std::atof(number.c_str());
    } else if (arg.rfind("--", 0) == 0) {
      std::cerr << "cpp_client: unknown option " << arg << "\n";
      return false;
    } else if (!have_text) {
      options->text = arg;
      have_text = true;
    } else {
      std::cerr << "cpp_client: give one TEXT (quote it)\n";
      return false;
    }
  }
  if (!have_text) std::cerr << "cpp_client: missing TEXT\n";
  return have_text;
}

std::shared_ptr<grpc::ChannelCredentials> Credentials(const Options& options) {
  if (options.ca_file.empty()) return grpc::InsecureChannelCredentials();
  std::ifstream in(options.ca_file);
  std::stringstream pem;
  pem << in.rdbuf();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = pem.str();
  return grpc::SslCredentials(ssl);
}

const char* FieldName(v1::Field field) {
  switch (field) {
    case v1::FIELD_TITLE:
      return "title";
    case v1::FIELD_BODY:
      return "body";
    case v1::FIELD_AUTHOR_DISPLAY_NAME:
      return "author_display_name";
    default:
      return "?";
  }
}

void Print(const v1::ModerateResponse& response) {
  std::string decision = v1::Decision_Name(response.decision());
  if (decision.rfind("DECISION_", 0) == 0) decision = decision.substr(9);
  std::cout << "decision: " << decision << "   score: " << response.score()
            << "   rules: " << response.ruleset().id() << " (" << response.ruleset().version()
            << ")\n";
  if (response.reasons_size() > 0) {
    std::cout << "reasons:\n";
    for (const std::string& reason : response.reasons()) std::cout << "  - " << reason << "\n";
  }
  bool header = false;
  for (const v1::RuleHit& hit : response.hits()) {
    for (const v1::Match& match : hit.matches()) {
      if (!header) std::cout << "matches:\n";
      header = true;
      std::cout << "  - " << hit.rule_id() << " [" << hit.category() << "] "
                << FieldName(match.field()) << " bytes " << match.start() << ".." << match.end()
                << ": \"" << match.text() << "\"\n";
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!ParseArgs(argc, argv, &options)) {
    Usage(std::cerr);
    return 2;
  }
  auto stub =
      v1::ModerationService::NewStub(grpc::CreateChannel(options.target, Credentials(options)));
  v1::ModerateRequest request;
  request.mutable_post()->set_post_id("cpp-client");
  request.mutable_post()->set_community(options.community);
  request.mutable_post()->set_body(options.text);
  grpc::ClientContext context;
  context.set_deadline(
      std::chrono::system_clock::now() +
      std::chrono::milliseconds(static_cast<int64_t>(options.timeout_seconds * 1000)));
  v1::ModerateResponse response;
  const grpc::Status status = stub->Moderate(&context, request, &response);
  if (!status.ok()) {
    std::cerr << "error: grpc status " << status.error_code() << ": " << status.error_message()
              << "\n";
    return 1;
  }
  Print(response);
  return 0;
}
