// The batch-job-log policy pack. Constructing a PolicyPack starts the gRPC server the Pulumi CLI
// talks to, so this file does nothing else; the policies live in ./policies, which tests import.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("batch-job-log", {
  policies,
  description:
    "batch-job-log: the audit table is encrypted and recoverable, and no event bus is open to every account (mandatory); deletion protection, failure destinations, log retention, queue encryption and DynamoDB least privilege (advisory).",
  provider: "aws",
});
