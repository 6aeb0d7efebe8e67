#include "tests/server_fixture.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/generic/generic_stub.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/process_runner.h"

namespace moderation::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kModerationd[] = MODERATIOND_PATH;
constexpr char kTestToken[] = "s3cret-admin-token-for-tests";

// ---- protobuf wire format, just enough for health and reflection ----------

void AppendVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

// A length-delimited field (wire type 2).
std::string StringField(int number, const std::string& value) {
  std::string out;
  AppendVarint((static_cast<uint64_t>(number) << 3) | 2, &out);
  AppendVarint(value.size(), &out);
  out += value;
  return out;
}

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromByteBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& s : slices)
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

// Waits for the next completion-queue event until deadline; false on timeout
// or when the operation failed.
bool Await(grpc::CompletionQueue* cq, void* expected_tag,
           std::chrono::system_clock::time_point deadline) {
  void* tag = nullptr;
  bool ok = false;
  const auto status = cq->AsyncNext(&tag, &ok, deadline);
  return status == grpc::CompletionQueue::GOT_EVENT && tag == expected_tag && ok;
}

void DrainAndShutdown(grpc::CompletionQueue* cq) {
  cq->Shutdown();
  void* tag;
  bool ok;
  while (cq->Next(&tag, &ok)) {
  }
}

std::string Trimmed(const std::string& text, size_t limit = 4000) {
  if (text.size() <= limit) return text;
  return "..." + text.substr(text.size() - limit);
}

}  // namespace

// ---- files -----------------------------------------------------------------

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return static_cast<bool>(out);
}

bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string MakeTempDir(const std::string& tag) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/", tag, "_XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

std::string ExitInfo::Describe() const {
  if (timed_out) return "did not exit in time (SIGKILLed)";
  if (exited) return absl::StrCat("exited with ", code, " after ", seconds, " s");
  if (signal != 0) return absl::StrCat("killed by signal ", signal, " (", strsignal(signal), ")");
  return "unknown";
}

// ---- ServerProcess -------------------------------------------------------------

std::unique_ptr<ServerProcess> ServerProcess::Start(const ServerOptions& options,
                                                    std::string* error) {
  signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<ServerProcess> server(new ServerProcess());
  server->temp_dir_ = MakeTempDir("moderationd_test");
  if (server->temp_dir_.empty()) {
    *error = "cannot create a temporary directory";
    return nullptr;
  }
  server->rules_dir_ = server->temp_dir_ + "/rules";
  std::error_code ec;
  fs::create_directories(server->rules_dir_, ec);
  const std::string source =
      options.rules_source.empty() ? std::string(REPO_ROOT) + "/rules" : options.rules_source;
  for (const auto& entry : fs::directory_iterator(source, ec)) {
    if (!entry.is_regular_file()) continue;
    fs::copy_file(entry.path(), fs::path(server->rules_dir_) / entry.path().filename(),
                  fs::copy_options::overwrite_existing, ec);
    if (ec) {
      *error = absl::StrCat("copying ", entry.path().string(), ": ", ec.message());
      return nullptr;
    }
  }
  for (const auto& [name, text] : options.rule_files) {
    if (!WriteFile(server->rules_dir_ + "/" + name, text)) {
      *error = "cannot write rule file " + name;
      return nullptr;
    }
  }

  const std::string port_file = server->temp_dir_ + "/ports.json";
  std::vector<std::string> argv = {
      kModerationd,
      "--listen=127.0.0.1:0",
      "--metrics_listen=127.0.0.1:0",
      "--rules=" + server->rules_dir_,
      "--port_file=" + port_file,
      "--reload_debounce=100ms",
      "--shutdown_grace=5s",
      "--cache_dir=" MODERATIOND_CACHE_DIR,
  };
  if (options.admin_token) {
    server->admin_token_ = kTestToken;
    const std::string token_file = server->temp_dir_ + "/admin_token";
    WriteFile(token_file, server->admin_token_ + "\n");
    argv.push_back("--admin_token_file=" + token_file);
  }
  argv.insert(argv.end(), options.flags.begin(), options.flags.end());

  // Everything the child needs is prepared before fork: between fork and
  // exec only async-signal-safe calls are allowed.
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  const std::string out_path = server->temp_dir_ + "/stdout.log";
  const std::string err_path = server->temp_dir_ + "/stderr.log";
  const int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(null_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out_fd);
  close(err_fd);
  close(null_fd);
  if (pid < 0) {
    *error = absl::StrCat("fork: ", std::strerror(errno));
    return nullptr;
  }
  server->pid_ = pid;

  const auto deadline = Clock::now() + options.startup_timeout;
  while (Clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      ExitInfo info;
      info.exited = WIFEXITED(status);
      info.code = info.exited ? WEXITSTATUS(status) : -1;
      info.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      server->exit_ = info;
      *error = absl::StrCat("moderationd ", info.Describe(), " before serving; stderr:\n",
                            Trimmed(server->Stderr()));
      return nullptr;
    }
    if (options.return_when_listening) {
      for (absl::string_view line : absl::StrSplit(server->Stderr(), '\n', absl::SkipEmpty())) {
        const nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
        if (!event.is_object() || event.value("event", "") != "listening") continue;
        server->grpc_port_ = event.value("grpc_port", 0);
        server->metrics_port_ = event.value("metrics_port", 0);
        if (server->grpc_port_ > 0) return server;
      }
    }
    const std::string ports = ReadFile(port_file);
    if (!ports.empty()) {
      const nlohmann::json parsed =
          nlohmann::json::parse(ports, nullptr, /*allow_exceptions=*/false);
      if (parsed.is_object() && parsed.contains("grpc") && parsed["grpc"].is_number_integer() &&
          parsed.contains("metrics") && parsed["metrics"].is_number_integer()) {
        server->grpc_port_ = parsed["grpc"].get<int>();
        server->metrics_port_ = parsed["metrics"].get<int>();
        if (server->grpc_port_ > 0) return server;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  *error = absl::StrCat("no usable port file ", port_file, " within ",
                        options.startup_timeout.count(), " ms (contents: '", ReadFile(port_file),
                        "'); stderr:\n", Trimmed(server->Stderr()));
  return nullptr;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && !exit_.has_value()) {
    kill(pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  if (!temp_dir_.empty() && std::getenv("MODERATIOND_TEST_KEEP_TMP") == nullptr) {
    std::error_code ignored;
    fs::remove_all(temp_dir_, ignored);
  }
}

std::string ServerProcess::target() const { return absl::StrCat("127.0.0.1:", grpc_port_); }

std::shared_ptr<grpc::Channel> ServerProcess::Channel(bool own_connection) const {
  grpc::ChannelArguments args;
  if (own_connection) args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(target(), grpc::InsecureChannelCredentials(), args);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
    return nullptr;
  }
  return channel;
}

bool ServerProcess::Signal(int signal) const {
  return pid_ > 0 && !exit_.has_value() && kill(pid_, signal) == 0;
}

ExitInfo ServerProcess::WaitForExit(std::chrono::milliseconds timeout) {
  if (exit_.has_value()) return *exit_;
  ExitInfo info;
  const auto start = Clock::now();
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (done < 0 && errno != EINTR) return info;
    if (Clock::now() - start >= timeout) {
      kill(pid_, SIGKILL);
      info.timed_out = true;
      while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  info.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  info.exited = WIFEXITED(status);
  if (info.exited) info.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) info.signal = WTERMSIG(status);
  exit_ = info;
  return info;
}

ExitInfo ServerProcess::Stop(std::chrono::milliseconds timeout) {
  if (exit_.has_value()) return *exit_;
  kill(pid_, SIGTERM);
  return WaitForExit(timeout);
}

std::string ServerProcess::Stderr() const { return ReadFile(temp_dir_ + "/stderr.log"); }

bool ServerProcess::WriteRuleFile(const std::string& name, const std::string& text) const {
  // Written outside the rules directory (same file system), then renamed in.
  const std::string staging = temp_dir_ + "/." + name + ".staging";
  if (!WriteFile(staging, text)) return false;
  return std::rename(staging.c_str(), (rules_dir_ + "/" + name).c_str()) == 0;
}

std::string ServerProcess::ReadRuleFile(const std::string& name) const {
  return ReadFile(rules_dir_ + "/" + name);
}

// ---- health and reflection -------------------------------------------------

grpc::Status RawUnaryCall(grpc::Channel* channel, const std::string& method,
                          const std::string& wire, std::string* response,
                          std::chrono::milliseconds timeout) {
  response->clear();
  grpc::GenericStub stub(std::shared_ptr<grpc::Channel>(channel, [](grpc::Channel*) {}));
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  const auto deadline = std::chrono::system_clock::now() + timeout;
  context.set_deadline(deadline);
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(&context, method, ToByteBuffer(wire), &cq);
  call->StartCall();
  grpc::ByteBuffer answer;
  grpc::Status status;
  int tag = 0;
  call->Finish(&answer, &status, &tag);
  void* got = nullptr;
  bool ok = false;
  if (cq.AsyncNext(&got, &ok, deadline + std::chrono::seconds(1)) !=
      grpc::CompletionQueue::GOT_EVENT) {
    context.TryCancel();
    DrainAndShutdown(&cq);
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, method + " did not complete");
  }
  DrainAndShutdown(&cq);
  if (status.ok()) *response = FromByteBuffer(answer);
  return status;
}

grpc::Status HealthCheck(grpc::Channel* channel, const std::string& service, int* serving_status,
                         std::chrono::milliseconds timeout) {
  *serving_status = 0;
  grpc::GenericStub stub(std::shared_ptr<grpc::Channel>(channel, [](grpc::Channel*) {}));
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  const auto deadline = std::chrono::system_clock::now() + timeout;
  context.set_deadline(deadline);
  const grpc::ByteBuffer request = ToByteBuffer(service.empty() ? "" : StringField(1, service));
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(&context, "/grpc.health.v1.Health/Check", request, &cq);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  int tag = 0;
  call->Finish(&response, &status, &tag);
  void* got = nullptr;
  bool ok = false;
  // The context deadline bounds the call; the extra second bounds the wait.
  if (cq.AsyncNext(&got, &ok, deadline + std::chrono::seconds(1)) !=
      grpc::CompletionQueue::GOT_EVENT) {
    context.TryCancel();
    DrainAndShutdown(&cq);
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "health check did not complete");
  }
  DrainAndShutdown(&cq);
  if (!status.ok()) return status;
  google::protobuf::UnknownFieldSet fields;
  const std::string bytes = FromByteBuffer(response);
  if (!fields.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "unparsable HealthCheckResponse");
  }
  for (int i = 0; i < fields.field_count(); ++i) {
    if (fields.field(i).number() == 1 &&
        fields.field(i).type() == google::protobuf::UnknownField::TYPE_VARINT) {
      *serving_status = static_cast<int>(fields.field(i).varint());
    }
  }
  return status;
}

HealthWatch::HealthWatch(std::shared_ptr<grpc::Channel> channel, const std::string& service,
                         std::chrono::milliseconds timeout)
    : channel_(std::move(channel)) {
  thread_ = std::thread([this, service, timeout] { Run(service, timeout); });
}

HealthWatch::~HealthWatch() {
  context_.TryCancel();
  thread_.join();
}

void HealthWatch::Run(std::string service, std::chrono::milliseconds timeout) {
  grpc::GenericStub stub(channel_);
  grpc::CompletionQueue cq;
  const auto deadline = std::chrono::system_clock::now() + timeout;
  context_.set_deadline(deadline);
  const auto wait_until = deadline + std::chrono::seconds(1);
  auto call = stub.PrepareCall(&context_, "/grpc.health.v1.Health/Watch", &cq);
  int start_tag, write_tag, done_tag, read_tag, finish_tag;
  bool open = false;
  call->StartCall(&start_tag);
  if (Await(&cq, &start_tag, wait_until)) {
    call->Write(ToByteBuffer(service.empty() ? "" : StringField(1, service)), &write_tag);
    if (Await(&cq, &write_tag, wait_until)) {
      call->WritesDone(&done_tag);
      open = Await(&cq, &done_tag, wait_until);
    }
  }
  while (open) {
    grpc::ByteBuffer response;
    call->Read(&response, &read_tag);
    if (!Await(&cq, &read_tag, wait_until)) break;
    const std::string bytes = FromByteBuffer(response);
    google::protobuf::UnknownFieldSet fields;
    int status = 0;  // proto3: an absent status field is UNKNOWN (0)
    if (fields.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      for (int i = 0; i < fields.field_count(); ++i) {
        if (fields.field(i).number() == 1 &&
            fields.field(i).type() == google::protobuf::UnknownField::TYPE_VARINT) {
          status = static_cast<int>(fields.field(i).varint());
        }
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    statuses_.push_back(status);
    cv_.notify_all();
  }
  grpc::Status status;
  call->Finish(&status, &finish_tag);
  if (!Await(&cq, &finish_tag, wait_until)) {
    context_.TryCancel();
  }
  DrainAndShutdown(&cq);
  std::lock_guard<std::mutex> lock(mu_);
  ended_ =
      absl::StrCat("ended with grpc status ", status.error_code(), ": ", status.error_message());
  cv_.notify_all();
}

bool HealthWatch::WaitFor(int status, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] {
    return std::find(statuses_.begin(), statuses_.end(), status) != statuses_.end() ||
           !ended_.empty();
  }) && std::find(statuses_.begin(), statuses_.end(), status) != statuses_.end();
}

std::vector<int> HealthWatch::statuses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return statuses_;
}

std::string HealthWatch::ended() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ended_;
}

grpc::Status ListServicesByReflection(grpc::Channel* channel, std::vector<std::string>* services,
                                      std::chrono::milliseconds timeout) {
  services->clear();
  grpc::GenericStub stub(std::shared_ptr<grpc::Channel>(channel, [](grpc::Channel*) {}));
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  const auto deadline = std::chrono::system_clock::now() + timeout;
  context.set_deadline(deadline);
  const auto wait_until = deadline + std::chrono::seconds(1);
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  int start_tag, write_tag, done_tag, read_tag, finish_tag;
  grpc::ByteBuffer response;
  std::string failure;
  call->StartCall(&start_tag);
  if (!Await(&cq, &start_tag, wait_until)) {
    failure = "start";
  } else {
    // ServerReflectionRequest{list_services (7): ""}
    call->Write(ToByteBuffer(StringField(7, "")), &write_tag);
    if (!Await(&cq, &write_tag, wait_until)) {
      failure = "write";
    } else {
      call->WritesDone(&done_tag);
      if (!Await(&cq, &done_tag, wait_until)) {
        failure = "writes done";
      } else {
        call->Read(&response, &read_tag);
        if (!Await(&cq, &read_tag, wait_until)) failure = "read";
      }
    }
  }
  grpc::Status status;
  if (!failure.empty()) context.TryCancel();
  call->Finish(&status, &finish_tag);
  Await(&cq, &finish_tag, wait_until);
  DrainAndShutdown(&cq);
  if (!failure.empty()) {
    return status.ok()
               ? grpc::Status(grpc::StatusCode::UNKNOWN, "reflection stream failed at " + failure)
               : status;
  }
  if (!status.ok()) return status;
  // ServerReflectionResponse{list_services_response (6):
  //   ListServiceResponse{service (1): ServiceResponse{name (1)}}}
  const std::string bytes = FromByteBuffer(response);
  google::protobuf::UnknownFieldSet top;
  if (!top.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "unparsable ServerReflectionResponse");
  }
  for (int i = 0; i < top.field_count(); ++i) {
    if (top.field(i).number() != 6) continue;
    google::protobuf::UnknownFieldSet list;
    const std::string& list_bytes = top.field(i).length_delimited();
    if (!list.ParseFromArray(list_bytes.data(), static_cast<int>(list_bytes.size()))) continue;
    for (int j = 0; j < list.field_count(); ++j) {
      if (list.field(j).number() != 1) continue;
      google::protobuf::UnknownFieldSet service;
      const std::string& service_bytes = list.field(j).length_delimited();
      if (!service.ParseFromArray(service_bytes.data(), static_cast<int>(service_bytes.size())))
        continue;
      for (int k = 0; k < service.field_count(); ++k) {
        if (service.field(k).number() == 1)
          services->push_back(service.field(k).length_delimited());
      }
    }
  }
  return status;
}

// ---- HTTP ---------------------------------------------------------------------

namespace {

// Decodes a chunked transfer-encoded body (civetweb may answer HTTP/1.0
// requests plainly; this is for safety).
std::string Unchunk(const std::string& body) {
  std::string out;
  size_t pos = 0;
  while (pos < body.size()) {
    const size_t line_end = body.find("\r\n", pos);
    if (line_end == std::string::npos) break;
    const size_t size = std::strtoul(body.substr(pos, line_end - pos).c_str(), nullptr, 16);
    if (size == 0) break;
    out += body.substr(line_end + 2, size);
    pos = line_end + 2 + size + 2;
  }
  return out;
}

}  // namespace

HttpResponse HttpGet(int port, const std::string& path, std::chrono::milliseconds timeout) {
  HttpResponse result;
  const auto deadline = Clock::now() + timeout;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    result.error = "socket failed";
    return result;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    result.error = absl::StrCat("connect to port ", port, ": ", std::strerror(errno));
    close(fd);
    return result;
  }
  const std::string request =
      absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    result.error = "send failed";
    close(fd);
    return result;
  }
  std::string raw;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      result.error = "timed out reading the response";
      close(fd);
      return result;
    }
    pollfd pfd{fd, POLLIN, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char buffer[16384];
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    raw.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  const size_t header_end = raw.find("\r\n\r\n");
  if (header_end == std::string::npos || !absl::StartsWith(raw, "HTTP/1.")) {
    result.error = "malformed response: " + raw.substr(0, 200);
    return result;
  }
  result.headers = raw.substr(0, header_end);
  result.body = raw.substr(header_end + 4);
  const size_t space = result.headers.find(' ');
  if (space == std::string::npos ||
      !absl::SimpleAtoi(result.headers.substr(space + 1, 3), &result.status)) {
    result.error = "malformed status line";
    result.status = 0;
  }
  std::string lower_headers = result.headers;
  for (char& c : lower_headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (absl::StrContains(lower_headers, "transfer-encoding: chunked"))
    result.body = Unchunk(result.body);
  return result;
}

// ---- certificates ------------------------------------------------------------

bool MakeTestCertificates(const std::string& dir, std::string* error) {
  const std::string openssl = "/usr/bin/openssl";
  const std::string ext = dir + "/server_ext.cnf";
  WriteFile(ext,
            "basicConstraints=CA:FALSE\n"
            "keyUsage=digitalSignature,keyEncipherment\n"
            "extendedKeyUsage=serverAuth\n"
            "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  const std::string client_ext = dir + "/client_ext.cnf";
  WriteFile(client_ext,
            "basicConstraints=CA:FALSE\n"
            "keyUsage=digitalSignature,keyEncipherment\n"
            "extendedKeyUsage=clientAuth\n");
  const std::vector<std::vector<std::string>> steps = {
      {openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
       "/CN=moderationd test CA", "-keyout", dir + "/ca.key", "-out", dir + "/ca.pem"},
      {openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
       "/CN=unrelated CA", "-keyout", dir + "/other_ca.key", "-out", dir + "/other_ca.pem"},
      {openssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout",
       dir + "/server.key", "-out", dir + "/server.csr"},
      {openssl, "x509", "-req", "-in", dir + "/server.csr", "-CA", dir + "/ca.pem", "-CAkey",
       dir + "/ca.key", "-CAcreateserial", "-days", "2", "-extfile", ext, "-out",
       dir + "/server.pem"},
      {openssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=test admin", "-keyout",
       dir + "/client.key", "-out", dir + "/client.csr"},
      {openssl, "x509", "-req", "-in", dir + "/client.csr", "-CA", dir + "/ca.pem", "-CAkey",
       dir + "/ca.key", "-CAcreateserial", "-days", "2", "-extfile", client_ext, "-out",
       dir + "/client.pem"},
  };
  for (const std::vector<std::string>& step : steps) {
    ProcessOptions options;
    options.timeout = std::chrono::seconds(30);
    const ProcessResult r = RunProcess(step, options);
    if (r.exit_code != 0) {
      *error =
          absl::StrCat("openssl ", step[1], " failed (", r.exit_code, "): ", r.spawn_error, r.err);
      return false;
    }
  }
  return true;
}

}  // namespace moderation::testing
