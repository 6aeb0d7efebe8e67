// moderation.v1.RuleAdminService: what is loaded, reloading, and trying out
// candidate rules without activating them.
//
// Why: moderators change rules while the service runs. They must see what is
// active (ListRuleSets), force a reload (ReloadRules), check a file before
// shipping it (ValidateRules: every problem with file:line:col and every
// example), see what a change would decide for a post (TestPost, also
// against a community's live rules) and for a sample of posts
// (PreviewImpact). Every call is authenticated first (admin_auth.h).
//
// Thread-safety: handlers run concurrently; state lives in the registry.
#ifndef MODERATION_SERVER_ADMIN_SERVICE_H_
#define MODERATION_SERVER_ADMIN_SERVICE_H_

#include <functional>
#include <string_view>

#include "moderation/v1/rule_admin.grpc.pb.h"
#include "server/admin_auth.h"
#include "server/log.h"
#include "server/rule_registry.h"

namespace moderation::server {

class RuleAdminServiceImpl final : public v1::RuleAdminService::CallbackService {
 public:
  // All pointers must outlive the service. ReloadRules calls
  // registry->Reload("admin") directly (serialised by the registry) and
  // reports its outcome, or UNAVAILABLE when the registry was closed for
  // shutdown before the call's turn came.
  RuleAdminServiceImpl(RuleRegistry* registry, const AdminAuthenticator* auth,
                       CompileOptions compile_options, int64_t max_post_bytes, Logger* logger);

  grpc::ServerUnaryReactor* ListRuleSets(grpc::CallbackServerContext* context,
                                         const v1::ListRuleSetsRequest* request,
                                         v1::ListRuleSetsResponse* response) override;
  grpc::ServerUnaryReactor* ReloadRules(grpc::CallbackServerContext* context,
                                        const v1::ReloadRulesRequest* request,
                                        v1::ReloadRulesResponse* response) override;
  grpc::ServerUnaryReactor* ValidateRules(grpc::CallbackServerContext* context,
                                          const v1::ValidateRulesRequest* request,
                                          v1::ValidateRulesResponse* response) override;
  grpc::ServerUnaryReactor* TestPost(grpc::CallbackServerContext* context,
                                     const v1::TestPostRequest* request,
                                     v1::TestPostResponse* response) override;
  // In admin_preview.cc.
  grpc::ServerUnaryReactor* PreviewImpact(grpc::CallbackServerContext* context,
                                          const v1::PreviewImpactRequest* request,
                                          v1::PreviewImpactResponse* response) override;

 private:
  // Authenticates the call and logs it, allowed ("admin_call", with the
  // caller's identity) or not ("admin_call_denied"), with the peer and the
  // x-request-id, which is echoed.
  grpc::Status Admit(grpc::CallbackServerContext* context, std::string_view rpc);

  RuleRegistry* const registry_;
  const AdminAuthenticator* const auth_;
  const CompileOptions compile_options_;
  const int64_t max_post_bytes_;
  Logger* const logger_;
};

}  // namespace moderation::server

#endif  // MODERATION_SERVER_ADMIN_SERVICE_H_
